/* The player's control semantics, on a virtual clock: frames filled are time. Every cue of
 * the shipped routine gets a clip of one constant value, 1000 + its index, so what sounds
 * at any frame says which cue it is. A 20-minute routine runs here in well under a second. */
#include <sys/types.h>

#include "helpers.h"
#include "player.h"

#define RATE 8000
#define LEAD_IN_VALUE (-30000) /* negative: its fades never pass through a cue's value */
#define OPENING (RATE * PLAYER_OPENING_MSEC / 1000)

struct fixture {
        struct routine *routine;
        struct voice *voice;
        struct plan *plan, *lead_in_plan;
        struct track track, lead_in;
        struct clip *clips, lead_in_clip;
        struct player player;
};

static int16_t cue_value(size_t i) {
        return (int16_t) (1000 + i);
}

static void build_track(struct track *t, const struct plan *p, struct clip *clips, int16_t value) {
        t->clips = calloc(p->n_cues, sizeof *t->clips);
        t->n_clips = p->n_cues;
        t->rate = RATE;
        t->length = samples_from_usec(p->total, RATE);
        for (size_t i = 0; i < p->n_cues; i++) {
                clips[i].n_samples = samples_from_usec(p->cues[i].duration, RATE) - 1;
                clips[i].samples = malloc(clips[i].n_samples * sizeof(int16_t));
                for (size_t k = 0; k < clips[i].n_samples; k++)
                        clips[i].samples[k] = value ? value : cue_value(i);
                t->clips[i] = (struct placed_clip){ samples_from_usec(p->cues[i].start, RATE), &clips[i] };
        }
}

static uint64_t play(struct player *p, uint64_t n);

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);

        f->routine = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        f->voice = load_voice_or_die(srcdir_path("voices/en.conf"));
        assert_int_equal(plan_build(f->routine, LEVEL_NORMAL, f->voice, fake_duration, NULL, &f->plan), 0);
        assert_int_equal(plan_lead_in(f->voice, fake_duration, NULL, &f->lead_in_plan), 0);
        f->clips = calloc(f->plan->n_cues, sizeof *f->clips);
        build_track(&f->track, f->plan, f->clips, 0);
        build_track(&f->lead_in, f->lead_in_plan, calloc(f->lead_in_plan->n_cues, sizeof(struct clip)), LEAD_IN_VALUE);
        player_init(&f->player, f->plan, &f->track, &f->lead_in, 1.0);
        assert_int_equal(play(&f->player, OPENING), 0); /* quiet before the first word */
        assert_int_equal(f->player.pos, 0);
        *state = f;
        return 0;
}

static void free_track(struct track *t) {
        for (size_t i = 0; i < t->n_clips; i++)
                free((void *) t->clips[i].clip->samples);
        free((void *) (t->n_clips ? t->clips[0].clip : NULL));
        free(t->clips);
}

static int teardown(void **state) {
        struct fixture *f = *state;
        free_track(&f->track);
        free_track(&f->lead_in);
        plan_free(f->plan);
        plan_free(f->lead_in_plan);
        voice_free(f->voice);
        routine_free(f->routine);
        free(f);
        return 0;
}

/* Plays until value sounds (or max frames pass); returns the frame where it first does.
 * The player will have played on to the end of that buffer: compare frames it returns. */
static uint64_t listen_for(struct player *p, int16_t value, uint64_t max) {
        int16_t buf[256];
        uint64_t end = p->frame + max;

        while (p->frame < end) {
                uint64_t at = p->frame;
                size_t n = MIN(ELEMENTSOF(buf), end - at);
                player_fill(p, buf, n);
                for (size_t k = 0; k < n; k++)
                        if (buf[k] == value)
                                return at + k;
        }
        return UINT64_MAX;
}

/* Plays exactly n frames; returns how many of them were not silent. */
static uint64_t play(struct player *p, uint64_t n) {
        int16_t buf[256];
        uint64_t loud = 0;
        while (n > 0) {
                size_t k = MIN(ELEMENTSOF(buf), n);
                player_fill(p, buf, k);
                for (size_t j = 0; j < k; j++)
                        loud += buf[j] != 0;
                n -= k;
        }
        return loud;
}

/* Plays to the frame where routine position pos sounds, with nothing interrupting. */
static void play_to(struct player *p, uint64_t pos) {
        assert_true(pos >= p->pos);
        play(p, pos - p->pos);
        assert_int_equal(p->pos, pos);
}

static ssize_t find_kind(const struct plan *p, size_t from, enum cue_kind k) {
        for (size_t i = from; i < p->n_cues; i++)
                if (p->cues[i].kind == k)
                        return i;
        return -1;
}

static uint64_t start_of(const struct fixture *f, size_t i) {
        return f->track.clips[i].start;
}

/* Untouched, every cue sounds at its planned sample and the routine ends on time. */
static void test_plays_every_cue_on_its_sample(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;

        for (size_t i = 0; i < f->plan->n_cues; i++) {
                uint64_t at = listen_for(p, cue_value(i), f->track.length);
                assert_int_equal(at, OPENING + start_of(f, i));
        }
        play(p, OPENING + f->track.length - p->frame + RATE);
        assert_int_equal(p->state, PLAYER_FINISHED);
        assert_int_equal(p->pos, f->track.length);
        print_message("# %zu cues over %.1f min of virtual time\n", f->plan->n_cues, f->track.length / 60.0 / RATE);
}

/* Pausing mid-sentence: silence within the fade; on resume, "Ready. 3, 2, 1", then the
 * interrupted sentence again from its first sample. */
static void test_pause_repeats_the_interrupted_utterance(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_PURPOSE);
        uint64_t mid = start_of(f, k) + f->track.clips[k].clip->n_samples / 2;

        play_to(p, mid);
        assert_true(player_command(p, PLAYER_PAUSE));
        assert_false(player_command(p, PLAYER_RESUME)); /* wait: the fade is under way */
        int16_t fade[RATE * PLAYER_FADE_MSEC / 1000];
        player_fill(p, fade, ELEMENTSOF(fade));
        assert_true(fade[0] > 0 && fade[ELEMENTSOF(fade) - 1] < fade[0]);
        assert_int_equal(p->state, PLAYER_PAUSED);
        assert_int_equal(play(p, 10 * RATE), 0); /* ten seconds of silence */
        assert_int_equal(p->pos, start_of(f, k));

        assert_true(player_command(p, PLAYER_RESUME));
        uint64_t resumed = p->frame;
        /* Half a second of quiet, then "Ready". */
        assert_int_equal(listen_for(p, LEAD_IN_VALUE, RATE), resumed + f->lead_in.clips[0].start);
        assert_int_equal(f->lead_in.clips[0].start, RATE / 2);
        uint64_t again = listen_for(p, cue_value(k), 10 * RATE);
        assert_int_equal(again - resumed, f->lead_in.length);
        /* The marks say when the lead-in ends, so a listener can be told at once. */
        struct player_mark m;
        assert_true(player_mark_at(p, resumed, &m));
        assert_true(m.interlude);
        assert_int_equal(m.interlude_end, again);
        /* The rest keeps the plan's spacing. */
        assert_int_equal(listen_for(p, cue_value(k + 1), 60 * RATE) - again, start_of(f, k + 1) - start_of(f, k));
}

/* A hold or timed phase paused in its quiet goes on from where it stopped. */
static void test_pause_in_quiet_resumes_where_it_stopped(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_PHASE);
        uint64_t quiet = start_of(f, k) + f->track.clips[k].clip->n_samples + RATE; /* a second after the words */

        assert_true(quiet < start_of(f, k + 1));
        play_to(p, quiet);
        player_command(p, PLAYER_PAUSE);
        play(p, 5 * RATE);
        assert_int_equal(p->pos, quiet);
        player_command(p, PLAYER_RESUME);
        uint64_t resumed = p->frame;
        uint64_t next = listen_for(p, cue_value(k + 1), 60 * RATE);
        assert_int_equal(next - resumed, f->lead_in.length + (start_of(f, k + 1) - quiet));
}

/* next: the next step; previous: the start of this step after 3 s, else the step before. */
static void test_next_and_previous_follow_steps(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        const struct cue *c = f->plan->cues;
        ssize_t k = find_kind(f->plan, 0, CUE_COUNT) + 4; /* a few reps into the first exercise */
        size_t j;

        play_to(p, start_of(f, k) + 10);
        assert_true(player_command(p, PLAYER_NEXT));
        play(p, RATE * PLAYER_FADE_MSEC / 1000);
        for (j = k; c[j].step == c[k].step; j++)
                ;
        assert_int_equal(p->pos, start_of(f, j));
        uint64_t now = p->frame;
        assert_int_equal(listen_for(p, cue_value(j), 1), now);

        /* More than 3 s in: previous restarts this step. */
        play(p, 4 * RATE);
        player_command(p, PLAYER_PREVIOUS);
        play(p, RATE * PLAYER_FADE_MSEC / 1000);
        size_t first = j;
        while (first > 0 && c[first - 1].step == c[j].step)
                first--;
        assert_int_equal(p->pos, start_of(f, first));
        /* Again a second later, less than 3 s in: the step before. */
        play(p, RATE);
        player_command(p, PLAYER_PREVIOUS);
        play(p, RATE * PLAYER_FADE_MSEC / 1000);
        size_t before = first - 1;
        while (before > 0 && c[before - 1].step == c[first - 1].step)
                before--;
        assert_int_equal(p->pos, start_of(f, before));
        assert_int_equal(p->state, PLAYER_PLAYING);
}

/* Next and previous exercise land on the exercise's name; past the last, the farewell. */
static void test_exercise_skips(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        const struct cue *c = f->plan->cues;
        size_t fade = RATE * PLAYER_FADE_MSEC / 1000;

        for (size_t e = 0; e < f->routine->n_exercises; e++) {
                player_command(p, PLAYER_NEXT_EXERCISE);
                play(p, fade);
                ssize_t i = player_cue_at(p, p->pos);
                assert_int_equal(c[i].kind, CUE_EXERCISE);
                assert_int_equal(c[i].exercise, e);
                assert_string_equal(c[i].text, f->routine->exercises[e].name);
        }
        play(p, 10 * RATE);
        player_command(p, PLAYER_PREVIOUS_EXERCISE); /* 10 s in: the same exercise again */
        play(p, fade);
        assert_int_equal(c[player_cue_at(p, p->pos)].exercise, f->routine->n_exercises - 1);
        player_command(p, PLAYER_PREVIOUS_EXERCISE); /* at once: the one before */
        play(p, fade);
        assert_int_equal(c[player_cue_at(p, p->pos)].exercise, f->routine->n_exercises - 2);
        player_command(p, PLAYER_NEXT_EXERCISE);
        play(p, fade);
        player_command(p, PLAYER_NEXT_EXERCISE);
        play(p, fade);
        assert_int_equal(c[player_cue_at(p, p->pos)].kind, CUE_FINISH);
}

/* Repeat says the last instruction again, then the routine goes on from where it was. */
static void test_repeat_says_the_last_instruction(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_PHASE);
        uint64_t quiet = start_of(f, k) + f->track.clips[k].clip->n_samples + RATE;

        play_to(p, quiet);
        player_command(p, PLAYER_REPEAT);
        play(p, RATE * PLAYER_FADE_MSEC / 1000);
        uint64_t from = p->frame;
        assert_int_equal(listen_for(p, cue_value(k), RATE), from);
        uint64_t next = listen_for(p, cue_value(k + 1), 60 * RATE);
        assert_int_equal(next - from, f->track.clips[k].clip->n_samples + RATE / 2 + (start_of(f, k + 1) - quiet));
}

/* Skipping while paused moves, stays paused, and resumes at the new place after the lead-in. */
static void test_skip_while_paused(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t e = find_kind(f->plan, 1, CUE_EXERCISE);

        play(p, RATE);
        player_command(p, PLAYER_PAUSE);
        play(p, RATE);
        assert_true(player_command(p, PLAYER_NEXT_EXERCISE));
        assert_int_equal(p->state, PLAYER_PAUSED);
        assert_int_equal(play(p, RATE), 0);
        player_command(p, PLAYER_RESUME);
        uint64_t resumed = p->frame;
        assert_int_equal(listen_for(p, cue_value(e), 10 * RATE) - resumed, f->lead_in.length);
}

/* Stop fades out and stays silent; later commands change nothing. */
static void test_stop(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;

        play(p, 2 * RATE);
        player_command(p, PLAYER_STOP);
        play(p, RATE * PLAYER_FADE_MSEC / 1000);
        assert_int_equal(p->state, PLAYER_STOPPED);
        assert_true(player_command(p, PLAYER_RESUME));
        assert_int_equal(play(p, 5 * RATE), 0);
        assert_int_equal(p->state, PLAYER_STOPPED);
}

/* Another thread learns from the marks what sounded at any recent frame. */
static void test_marks_say_what_sounded(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        struct player_mark m;

        play(p, 3 * RATE);
        player_command(p, PLAYER_PAUSE);
        play(p, RATE);
        player_command(p, PLAYER_RESUME);
        play(p, RATE);

        assert_true(player_mark_at(p, OPENING / 2, &m));
        assert_true(m.interlude);
        assert_int_equal(player_mark_pos(p, &m, OPENING / 2), 0);
        assert_true(player_mark_at(p, OPENING + 2 * RATE, &m));
        assert_int_equal(m.state, PLAYER_PLAYING);
        assert_int_equal(player_mark_pos(p, &m, OPENING + 2 * RATE), 2 * RATE);
        assert_true(player_mark_at(p, OPENING + 3 * RATE + RATE / 2, &m));
        assert_int_equal(m.state, PLAYER_PAUSED);
        assert_true(player_mark_at(p, OPENING + 4 * RATE + 10, &m));
        assert_int_equal(m.state, PLAYER_PLAYING);
        assert_true(m.interlude); /* "Ready. 3, 2, 1": the routine stands still */
}

/* A device that went away mid-sentence: the sentence is said again from its start. */
static void test_pause_at_what_was_heard(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_PURPOSE);

        play_to(p, start_of(f, k) + 100 + RATE / 10); /* the device had 0.1 s buffered */
        player_pause_at(p, start_of(f, k) + 100);
        assert_int_equal(p->state, PLAYER_PAUSED);
        assert_int_equal(p->pos, start_of(f, k));
}

/* What sounded over the next n frames, word by word: where each run of one value began
 * and how long it lasted. */
struct run {
        int16_t value;
        uint64_t at, n;
};

static size_t runs(struct player *p, uint64_t n, struct run *out, size_t max) {
        int16_t buf[256];
        size_t found = 0;
        int16_t last = 0;

        while (n > 0) {
                size_t k = MIN(ELEMENTSOF(buf), n);
                uint64_t at = p->frame;
                player_fill(p, buf, k);
                for (size_t j = 0; j < k; j++) {
                        if (buf[j] != 0 && buf[j] != last && found < max)
                                out[found++] = (struct run){ buf[j], at + j, 0 };
                        if (buf[j] != 0 && buf[j] == out[found - 1].value)
                                out[found - 1].n++;
                        last = buf[j];
                }
                n -= k;
        }
        return found;
}

/* Time the device lost (it ran dry mid-word) comes out of the silences that follow, never
 * out of a word, and once it is made up the plan's spacing holds again. */
static void test_lost_time_comes_out_of_silence(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_COUNT) + 1;
        const struct placed_clip *c = &f->track.clips[k];
        uint64_t quiet1 = start_of(f, k + 1) - (c->start + c->clip->n_samples);
        uint64_t quiet2 = start_of(f, k + 2) - (start_of(f, k + 1) + c[1].clip->n_samples);
        uint64_t owed = quiet1 + quiet2 / 2; /* more than the first silence holds */
        struct run r[4];
        struct player_mark m;

        play_to(p, c->start + c->clip->n_samples / 2);
        uint64_t began = p->frame - c->clip->n_samples / 2;
        player_catch_up(p, owed);
        assert_int_equal(runs(p, start_of(f, k + 4) - p->pos, r, 4), 4);

        assert_int_equal(r[0].value, cue_value(k));
        assert_int_equal(r[0].n, c->clip->n_samples - c->clip->n_samples / 2); /* the rest of the word */
        assert_int_equal(r[1].value, cue_value(k + 1));
        assert_int_equal(r[1].n, c[1].clip->n_samples);               /* all of the next */
        assert_true(r[1].at - began < start_of(f, k + 1) - c->start); /* sooner than planned */
        assert_int_equal(r[2].value, cue_value(k + 2));
        assert_int_equal(r[2].at - began, start_of(f, k + 2) - c->start - owed);      /* all made up */
        assert_int_equal(r[3].at - r[2].at, start_of(f, k + 3) - start_of(f, k + 2)); /* and no more */

        /* Whoever reads the marks knows where the routine is. */
        assert_true(player_mark_at(p, r[2].at, &m));
        assert_int_equal(player_mark_pos(p, &m, r[2].at), start_of(f, k + 2));
}

/* Sound the device threw away (what follows comes early) goes into the silences that
 * follow, never into a word, and then the plan's spacing holds again. */
static void test_thrown_away_sound_goes_into_silence(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_COUNT) + 1;
        const struct placed_clip *c = &f->track.clips[k];
        uint64_t held = RATE / 20;
        struct run r[3];
        struct player_mark m;

        play_to(p, c->start + c->clip->n_samples / 2);
        uint64_t began = p->frame - c->clip->n_samples / 2;
        player_hold_back(p, held);
        assert_int_equal(runs(p, start_of(f, k + 3) - p->pos, r, 3), 3);

        assert_int_equal(r[0].n, c->clip->n_samples - c->clip->n_samples / 2); /* the rest of the word */
        assert_int_equal(r[1].value, cue_value(k + 1));
        assert_int_equal(r[1].n, c[1].clip->n_samples);                               /* all of the next */
        assert_int_equal(r[1].at - began, start_of(f, k + 1) - c->start + held);      /* later, by as much */
        assert_int_equal(r[2].at - r[1].at, start_of(f, k + 2) - start_of(f, k + 1)); /* and no more */
        assert_true(player_mark_at(p, r[1].at, &m));
        assert_int_equal(player_mark_pos(p, &m, r[1].at), start_of(f, k + 1));

        /* Time lost and sound thrown away settle against each other. */
        player_catch_up(p, held);
        player_hold_back(p, held);
        uint64_t at = p->frame, pos = p->pos;
        uint64_t next = listen_for(p, cue_value(k + 3), 60 * RATE);
        assert_int_equal(next - at, start_of(f, k + 3) - pos);
}

/* Lost while paused, or before a command: the command starts the routine's time afresh. */
static void test_lost_time_is_forgiven_by_a_command(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        ssize_t k = find_kind(f->plan, 0, CUE_PHASE);
        uint64_t quiet = start_of(f, k) + f->track.clips[k].clip->n_samples + RATE;

        play_to(p, quiet);
        player_catch_up(p, RATE / 4);
        player_command(p, PLAYER_PAUSE); /* taken after a fade, before the silence is cut */
        player_catch_up(p, RATE);        /* paused: nothing of the routine runs */
        play(p, 5 * RATE);
        player_command(p, PLAYER_RESUME);
        uint64_t resumed = p->frame;
        uint64_t next = listen_for(p, cue_value(k + 1), 60 * RATE);
        assert_int_equal(next - resumed, f->lead_in.length + (start_of(f, k + 1) - quiet));
}

/* An earcon is sound too: time lost comes out of the silences either side of it, never
 * out of the earcon, which is heard whole, and the next word comes sooner by the rest. */
static void test_lost_time_leaves_earcons_whole(void **state) {
        int16_t a[100], b[100], e[40];
        struct clip ca = { a, 100 }, cb = { b, 100 }, ce = { e, 40 };
        struct placed_clip clips[] = { { 0, &ca }, { 400, &cb } }, earcons[] = { { 300, &ce } };
        struct track t = {
                .clips = clips, .n_clips = 2, .earcons = earcons, .n_earcons = 1, .length = 600, .rate = RATE
        };
        struct cue cues[] = { { .kind = CUE_COUNT, .text = (char *) "1" },
                              { .kind = CUE_COUNT, .text = (char *) "2" } };
        struct plan plan = { .cues = cues, .n_cues = 2 };
        struct player p;
        struct run r[2];

        for (size_t i = 0; i < 100; i++)
                a[i] = 1000, b[i] = 1001;
        for (size_t i = 0; i < 40; i++)
                e[i] = 2000;
        player_init(&p, &plan, &t, NULL, 1.0);
        play(&p, OPENING);
        play_to(&p, 150);
        uint64_t at = p.frame;
        player_catch_up(&p, 200); /* more than the 150 of quiet before the earcon */
        assert_int_equal(runs(&p, 40, r, 1), 1);
        assert_int_equal(r[0].value, 2000);
        assert_int_equal(r[0].at, at); /* the quiet before it all made up */
        assert_int_equal(r[0].n, 40);  /* whole */
        /* The next buffer begins in the quiet after it, which pays the other 50. */
        assert_int_equal(runs(&p, 60, r + 1, 1), 1);
        assert_int_equal(r[1].value, 1001);
        assert_int_equal(r[1].at, r[0].at + 40 + 10);
}

/* Louder than 1.0 stops short of clipping; softer scales. */
static void test_volume_never_clips(void **state) {
        int16_t loud[4] = { 20000, -20000, 10000, -10000 }, out[4];
        struct clip c = { loud, 4 };
        struct placed_clip pc = { 0, &c };
        struct track t = { .clips = &pc, .n_clips = 1, .length = 4, .rate = RATE };
        struct cue cue = { .kind = CUE_INSTRUCTION, .text = (char *) "x" };
        struct plan plan = { .cues = &cue, .n_cues = 1 };
        struct player p;

        player_init(&p, &plan, &t, NULL, 4.0);
        play(&p, OPENING);
        player_fill(&p, out, 4);
        assert_true(out[0] >= 32700 && out[0] <= 32767);
        assert_true(out[1] <= -32700 && out[1] >= -32767);
        player_init(&p, &plan, &t, NULL, 0.5);
        play(&p, OPENING);
        player_fill(&p, out, 4);
        assert_int_equal(out[0], 10000);
        assert_int_equal(out[3], -5000);
}

/* The fade is a ramp down to silence for negative samples as for positive ones: no click. */
static void test_fade_is_a_ramp(void **state) {
        int16_t samples[RATE], out[RATE * PLAYER_FADE_MSEC / 1000 + 1];
        struct clip c = { samples, RATE };
        struct placed_clip pc = { 0, &c };
        struct track t = { .clips = &pc, .n_clips = 1, .length = RATE, .rate = RATE };
        struct cue cue = { .kind = CUE_INSTRUCTION, .text = (char *) "x" };
        struct plan plan = { .cues = &cue, .n_cues = 1 };
        struct player p;

        for (size_t i = 0; i < RATE; i++)
                samples[i] = i % 2 ? -20000 : 20000;
        player_init(&p, &plan, &t, NULL, 1.0);
        play(&p, OPENING + 100);
        player_command(&p, PLAYER_PAUSE);
        player_fill(&p, out, ELEMENTSOF(out));
        for (size_t i = 0; i + 1 < ELEMENTSOF(out) - 1; i++) {
                assert_true(abs(out[i + 1]) <= abs(out[i]));                        /* never louder */
                assert_true(out[i] == 0 || (out[i] < 0) == (samples[100 + i] < 0)); /* the same sign */
        }
        assert_int_equal(out[ELEMENTSOF(out) - 1], 0);
}

/* A tone sounds from the next frame over whatever plays, at the player's gain, and leaves
 * the routine alone: paused it stays paused, a fade under way is not waited for. */
static void test_tones_sound_over_the_routine(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        int16_t level_samples[40], refused_samples[80], out[200];
        struct clip level = { level_samples, ELEMENTSOF(level_samples) };
        struct clip refused = { refused_samples, ELEMENTSOF(refused_samples) };

        for (size_t i = 0; i < ELEMENTSOF(level_samples); i++)
                level_samples[i] = 300;
        for (size_t i = 0; i < ELEMENTSOF(refused_samples); i++)
                refused_samples[i] = -300;
        player_set_tones(p, &level, &refused);

        /* Paused and silent: the tone alone, then silence; still paused. */
        play(p, RATE);
        player_command(p, PLAYER_PAUSE);
        play(p, RATE);
        assert_false(player_toning(p));
        uint64_t asked = p->frame;
        assert_true(player_command(p, PLAYER_TONE_LEVEL));
        assert_true(player_toning(p));
        assert_int_equal(p->tone_end, asked + 40);
        player_fill(p, out, 100);
        for (size_t i = 0; i < 100; i++)
                assert_int_equal(out[i], i < 40 ? 300 : 0);
        assert_false(player_toning(p));
        assert_int_equal(p->state, PLAYER_PAUSED);

        /* Over a cue: added to it. */
        player_command(p, PLAYER_RESUME);
        ssize_t c = find_kind(f->plan, 3, CUE_COUNT);
        listen_for(p, cue_value(c), 60 * RATE);
        assert_true(player_command(p, PLAYER_TONE_REFUSED));
        player_fill(p, out, 80);
        for (size_t i = 0; i < 80; i++)
                assert_int_equal(out[i], cue_value(c) - 300);

        /* During a fade: at once, not after it. */
        player_command(p, PLAYER_PAUSE);
        assert_true(p->fade_left > 0);
        assert_true(player_command(p, PLAYER_TONE_LEVEL));
        assert_true(player_toning(p));

        /* At half the volume, half as loud. */
        play(p, RATE);
        player_set_volume(p, 0.5);
        player_command(p, PLAYER_TONE_LEVEL);
        player_fill(p, out, 40);
        assert_int_equal(out[0], 150);
        assert_int_equal(out[39], 150);
        assert_int_equal(p->state, PLAYER_PAUSED);
}

/* The whole routine with pauses and skips of every kind still reaches its end. */
static void test_a_busy_morning_ends(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        static const enum player_command script[] = {
                PLAYER_PAUSE,  PLAYER_RESUME,        PLAYER_NEXT,
                PLAYER_REPEAT, PLAYER_PREVIOUS,      PLAYER_TOGGLE,
                PLAYER_TOGGLE, PLAYER_NEXT_EXERCISE, PLAYER_PREVIOUS_EXERCISE,
                PLAYER_NEXT,
        };

        for (size_t i = 0; p->state != PLAYER_FINISHED; i++) {
                play(p, 37 * RATE);
                if (i < 60)
                        while (!player_command(p, script[i % ELEMENTSOF(script)]))
                                play(p, 1);
                assert_true(p->frame < 4 * f->track.length); /* it does end */
        }
        assert_int_equal(p->pos, f->track.length);
}

/* Pausing, resuming and repeating, at random instants, never skips anything: every cue is
 * heard, and each is first heard in the plan's order. (Fixed seed: the same run each time.) */
static void test_random_pauses_skip_nothing(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        static const enum player_command gentle[] = { PLAYER_PAUSE, PLAYER_RESUME, PLAYER_TOGGLE, PLAYER_REPEAT };
        uint64_t *first = calloc(f->plan->n_cues, sizeof *first);
        unsigned seed = 20261123, commands = 0;
        int16_t buf[512];

        while (p->state != PLAYER_FINISHED) {
                size_t n = 1 + rand_r(&seed) % ELEMENTSOF(buf);
                uint64_t at = p->frame;
                player_fill(p, buf, n);
                for (size_t k = 0; k < n; k++) {
                        int v = buf[k] - 1000;
                        if (v >= 0 && (size_t) v < f->plan->n_cues && !first[v])
                                first[v] = at + k + 1;
                }
                if (rand_r(&seed) % 400 == 0)
                        commands += player_command(p, gentle[rand_r(&seed) % ELEMENTSOF(gentle)]);
                if (p->state == PLAYER_PAUSED && rand_r(&seed) % 4 == 0)
                        commands += player_command(p, PLAYER_RESUME);
                assert_true(p->pos <= f->track.length);
                assert_true(p->frame < 10 * f->track.length);
        }
        print_message("# %u commands over %.1f min of virtual time\n", commands, p->frame / 60.0 / RATE);
        assert_true(commands > 50);
        for (size_t i = 0; i < f->plan->n_cues; i++) {
                if (!first[i])
                        fail_msg("cue %zu (%s) was never heard", i, f->plan->cues[i].text);
                if (i > 0 && first[i] <= first[i - 1])
                        fail_msg("cue %zu was first heard before cue %zu", i, i - 1);
        }
        free(first);
}

/* Volume set from another thread takes effect at the next buffer, and never past the
 * loudest gain that does not clip. */
static void test_volume_changes_while_playing(void **state) {
        struct fixture *f = *state;
        struct player *p = &f->player;
        int16_t buf[64];

        listen_for(p, cue_value(0), RATE);
        player_fill(p, buf, 1);
        assert_int_equal(buf[0], cue_value(0));
        player_set_volume(p, 0.5);
        player_fill(p, buf, 1);
        assert_int_equal(buf[0], cue_value(0) / 2);
        player_set_volume(p, 4.0); /* the lead-in's -30000 is the loudest: 1.09 at most */
        player_fill(p, buf, 1);
        assert_int_equal(buf[0], (int16_t) (cue_value(0) * (32767.0 / 30000.0)));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_plays_every_cue_on_its_sample, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pause_repeats_the_interrupted_utterance, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pause_in_quiet_resumes_where_it_stopped, setup, teardown),
                cmocka_unit_test_setup_teardown(test_next_and_previous_follow_steps, setup, teardown),
                cmocka_unit_test_setup_teardown(test_exercise_skips, setup, teardown),
                cmocka_unit_test_setup_teardown(test_repeat_says_the_last_instruction, setup, teardown),
                cmocka_unit_test_setup_teardown(test_skip_while_paused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
                cmocka_unit_test_setup_teardown(test_marks_say_what_sounded, setup, teardown),
                cmocka_unit_test_setup_teardown(test_pause_at_what_was_heard, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lost_time_comes_out_of_silence, setup, teardown),
                cmocka_unit_test_setup_teardown(test_thrown_away_sound_goes_into_silence, setup, teardown),
                cmocka_unit_test_setup_teardown(test_lost_time_is_forgiven_by_a_command, setup, teardown),
                cmocka_unit_test(test_lost_time_leaves_earcons_whole),
                cmocka_unit_test(test_volume_never_clips),
                cmocka_unit_test(test_fade_is_a_ramp),
                cmocka_unit_test_setup_teardown(test_volume_changes_while_playing, setup, teardown),
                cmocka_unit_test_setup_teardown(test_tones_sound_over_the_routine, setup, teardown),
                cmocka_unit_test_setup_teardown(test_a_busy_morning_ends, setup, teardown),
                cmocka_unit_test_setup_teardown(test_random_pauses_skip_nothing, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
