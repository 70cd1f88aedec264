/* The coach with no D-Bus at all: its own sd-event loop, the null output (silence, paced
 * in real time), eSpeak NG for the clips, and the 27-second test routine. Each test walks
 * the state machine and checks what it says and tells of at each step. Waiting is for an
 * event, never for a time; the loop gives up only after a minute, and says so. */
#include <errno.h>

#include "coach.h"
#include "wav.h"
#include "helpers.h"

#define GIVE_UP (60 * USEC_PER_SEC)

struct fixture {
        sd_event *event;
        struct coach *coach;
        char *settings;
        char *wav;                      /* the output, when it is a file */
        unsigned seen[COACH_QUIET + 1]; /* how many of each event */
};

static void on_coach(struct coach *c, enum coach_event e, void *userdata) {
        struct fixture *f = userdata;
        f->seen[e]++;
}

static char *settings_text(const char *extra) {
        char *text;
        assert_true(asprintf(&text, "routine = \"short\";\nroutine_dir = \"%s\";\n%s", srcdir_path("tests/data"),
                             extra) > 0);
        return text;
}

static int setup_with(void **state, struct fixture *f, struct output_spec output) {
        char *text = settings_text("");
        struct coach_options o = { .level = -1, .output = output, .output_set = true };
        struct conf_error err = {};

        f->settings = write_temp(text, ".conf");
        free(text);
        o.config = f->settings;
        assert_int_equal(sd_event_new(&f->event), 0);
        if (coach_new(f->event, &o, on_coach, f, &f->coach, &err) < 0)
                fail_msg("coach_new: %s", err.text);
        *state = f;
        return 0;
}

static int setup(void **state) {
        return setup_with(state, calloc(1, sizeof(struct fixture)), (struct output_spec){ .kind = OUTPUT_NULL });
}

/* Plays into a WAV file, each workout afresh. */
static int setup_wav(void **state) {
        struct fixture *f = calloc(1, sizeof *f);
        f->wav = write_temp("", ".wav");
        return setup_with(state, f, (struct output_spec){ .kind = OUTPUT_WAV, .target = f->wav });
}

static int teardown(void **state) {
        struct fixture *f = *state;

        if (f->wav)
                unlink(f->wav);
        free(f->wav);
        coach_free(f->coach);
        sd_event_unref(f->event);
        unlink(f->settings);
        free(f->settings);
        free(f);
        return 0;
}

static enum coach_state state_of(struct fixture *f) {
        struct coach_status st;
        coach_status(f->coach, &st);
        return st.state;
}

/* Runs the loop until n events of kind e have been told of in all. */
static void run_until(struct fixture *f, enum coach_event e, unsigned n) {
        usec_t deadline = now_monotonic() + GIVE_UP;

        while (f->seen[e] < n) {
                if (now_monotonic() > deadline)
                        fail_msg("event %d did not come within a minute (seen %u of %u)", e, f->seen[e], n);
                assert_true(sd_event_run(f->event, 100 * USEC_PER_MSEC) >= 0);
        }
}

/* Runs the loop until the coach says it is in state s. */
static void run_until_state(struct fixture *f, enum coach_state s) {
        usec_t deadline = now_monotonic() + GIVE_UP;

        while (state_of(f) != s) {
                if (now_monotonic() > deadline)
                        fail_msg("state %d did not come within a minute (now %d)", s, state_of(f));
                assert_true(sd_event_run(f->event, 100 * USEC_PER_MSEC) >= 0);
        }
}

static void test_idle_refuses_commands(void **state) {
        struct fixture *f = *state;
        struct conf_error err = {};

        assert_int_equal(state_of(f), COACH_IDLE);
        assert_int_equal(coach_command(f->coach, PLAYER_PAUSE, &err), -ESRCH);
        assert_non_null(strstr(err.text, "Nothing is playing"));
        assert_int_equal(coach_start(f->coach, "no-such-routine", 0, &err), -ENOENT);
        assert_non_null(strstr(err.text, "no-such-routine"));
        assert_int_equal(state_of(f), COACH_IDLE);
        assert_int_equal(f->seen[COACH_STARTED], 0);
}

/* Start, a second start refused, pause, resume, stop: each as coach_status() and the
 * events say, the stop decided at once and the quiet after the fade. */
static void test_start_pause_resume_stop(void **state) {
        struct fixture *f = *state;
        struct coach_status st;
        struct conf_error err = {};

        assert_int_equal(coach_start(f->coach, "", 0, &err), 0);
        assert_int_equal(f->seen[COACH_STARTED], 1);
        coach_status(f->coach, &st);
        assert_int_equal(st.state, COACH_RUNNING);
        assert_string_equal(st.routine->id, "short");
        assert_int_equal(coach_start(f->coach, "short", 0, &err), -EBUSY);

        run_until(f, COACH_CUE, 2); /* the introduction, then the first exercise */
        coach_status(f->coach, &st);
        assert_non_null(st.cue);
        assert_string_equal(st.exercise, "Heel raises");

        assert_int_equal(coach_command(f->coach, PLAYER_PAUSE, &err), 0);
        run_until_state(f, COACH_PAUSED);
        coach_status(f->coach, &st);
        assert_false(st.paused_by_audio);
        assert_int_equal(coach_command(f->coach, PLAYER_RESUME, &err), 0);
        run_until_state(f, COACH_RUNNING);

        unsigned cues = f->seen[COACH_CUE];
        run_until(f, COACH_CUE, cues + 1); /* it goes on */

        assert_int_equal(coach_command(f->coach, PLAYER_STOP, &err), 0);
        assert_int_equal(f->seen[COACH_FINISHED], 1); /* decided at once */
        assert_true(coach_ending(f->coach));
        assert_false(coach_last(f->coach)->completed);
        assert_string_equal(coach_last(f->coach)->routine, "short");
        assert_true(coach_last(f->coach)->paused > 0);
        run_until(f, COACH_QUIET, 1);
        assert_false(coach_ending(f->coach));
        assert_int_equal(state_of(f), COACH_IDLE);
        assert_int_equal(coach_command(f->coach, PLAYER_RESUME, &err), -ESRCH);
}

/* A routine played to its end: completed, and told of once. */
static void test_plays_to_the_end(void **state) {
        struct fixture *f = *state;
        struct conf_error err = {};

        assert_int_equal(coach_start(f->coach, "short", 0, &err), 0);
        run_until(f, COACH_QUIET, 1);
        assert_int_equal(f->seen[COACH_FINISHED], 1);
        assert_true(coach_last(f->coach)->completed);
        assert_int_equal(coach_last(f->coach)->skipped_steps, 0);
        assert_int_equal(state_of(f), COACH_IDLE);
        assert_true(f->seen[COACH_CUE] >= 22); /* every cue of the short routine */
}

/* A broken file on reload is refused with its FILE:LINE, and the workout plays on; the
 * file mended, the reload is taken and told of, and the workout still plays. */
static void test_reload_keeps_the_last_good(void **state) {
        struct fixture *f = *state;
        struct conf_error err = {};
        char *broken = settings_text("levle = \"hard\";\n"), *line;
        FILE *out;

        assert_int_equal(coach_start(f->coach, "short", 0, &err), 0);
        assert_non_null(out = fopen(f->settings, "we"));
        fputs(broken, out);
        fclose(out);
        assert_int_equal(coach_reload(f->coach, &err), -EINVAL);
        assert_true(asprintf(&line, "%s:3: unknown setting 'levle'", f->settings) > 0);
        assert_non_null(strstr(err.text, line));
        assert_int_equal(f->seen[COACH_RELOADED], 0);
        assert_int_equal(state_of(f), COACH_RUNNING);

        unsigned cues = f->seen[COACH_CUE];
        run_until(f, COACH_CUE, cues + 2); /* plays on */

        assert_non_null(out = fopen(f->settings, "we"));
        free(broken);
        broken = settings_text("level = \"easy\";\n");
        fputs(broken, out);
        fclose(out);
        assert_int_equal(coach_reload(f->coach, &err), 0);
        assert_int_equal(f->seen[COACH_RELOADED], 1);
        assert_int_equal(state_of(f), COACH_RUNNING); /* a workout plays on as planned */
        assert_int_equal(coach_command(f->coach, PLAYER_STOP, &err), 0);
        run_until(f, COACH_QUIET, 1);
        free(line);
        free(broken);
}

/* The tone in the file: how long it sounds (|sample| >= 100), its pitch by zero crossings,
 * and its peak. */
static void measure_tone(const char *path, double *ret_msec, double *ret_hz, int *ret_peak) {
        int16_t *pcm;
        size_t n, first = SIZE_MAX, last = 0, crossings = 0;
        unsigned rate;
        int peak = 0;

        assert_int_equal(wav_read(path, &pcm, &n, &rate), 0);
        for (size_t i = 0; i < n; i++)
                if (abs(pcm[i]) >= 100) {
                        first = MIN(first, i);
                        last = i;
                        peak = MAX(peak, abs(pcm[i]));
                }
        assert_true(first < last);
        for (size_t i = first + 1; i <= last; i++)
                crossings += (pcm[i - 1] < 0) != (pcm[i] < 0);
        *ret_msec = (double) (last - first + 1) * 1000 / rate;
        *ret_hz = crossings / (2.0 * (last - first + 1) / rate);
        *ret_peak = peak;
        free(pcm);
}

/* With nothing playing, a tone sounds alone and the coach stays idle: in the file, 80 ms
 * of 880 Hz at the volume's level for a change of volume, 200 ms of 196 Hz for a refusal.
 * A start right after it plays; a tone over the routine leaves it running. */
static void test_tones_alone_and_over_a_routine(void **state) {
        struct fixture *f = *state;
        struct conf_error err = {};
        double msec, hz;
        int peak;

        assert_int_equal(coach_tone(f->coach, PLAYER_TONE_LEVEL, &err), 0);
        assert_int_equal(state_of(f), COACH_IDLE);
        run_until(f, COACH_QUIET, 1);
        assert_int_equal(f->seen[COACH_STARTED], 0); /* no routine, nothing in the history */
        measure_tone(f->wav, &msec, &hz, &peak);
        assert_true(msec > 75 && msec <= 80.5);
        assert_true(hz > 860 && hz < 900);
        assert_true(peak > 5800 && peak <= 6000);

        coach_set_volume(f->coach, 0.5);
        assert_int_equal(coach_tone(f->coach, PLAYER_TONE_REFUSED, &err), 0);
        run_until(f, COACH_QUIET, 2);
        measure_tone(f->wav, &msec, &hz, &peak);
        assert_true(msec > 190 && msec <= 200.5);
        assert_true(hz > 186 && hz < 206);
        assert_true(peak > 2900 && peak <= 3000);

        assert_int_equal(coach_tone(f->coach, PLAYER_TONE_LEVEL, &err), 0);
        assert_int_equal(coach_start(f->coach, "", 0, &err), 0); /* the tone gives way */
        assert_int_equal(state_of(f), COACH_RUNNING);
        assert_int_equal(coach_tone(f->coach, PLAYER_TONE_REFUSED, &err), 0);
        assert_int_equal(state_of(f), COACH_RUNNING);
        assert_int_equal(coach_command(f->coach, PLAYER_STOP, &err), 0);
        run_until(f, COACH_QUIET, 4);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_idle_refuses_commands, setup, teardown),
                cmocka_unit_test_setup_teardown(test_start_pause_resume_stop, setup, teardown),
                cmocka_unit_test_setup_teardown(test_plays_to_the_end, setup, teardown),
                cmocka_unit_test_setup_teardown(test_reload_keeps_the_last_good, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tones_alone_and_over_a_routine, setup_wav, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
