/* The feed across two real threads, as an output runs it: the control thread sends commands
 * and reads what was heard while the audio thread renders. Each test checks a sequence
 * that a lost, doubled or torn value would break, over hundreds of thousands of rounds. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <sys/types.h>

#include "feed.h"
#include "helpers.h"

#define RATE 8000 /* 125 us a frame: clock arithmetic is exact */
#define FRAME_USEC (USEC_PER_SEC / RATE)
#define BUFFER 64                  /* frames a render */
#define BASE (1000 * USEC_PER_SEC) /* when frame 0 is heard */
#define COMMANDS 200000
#define READS 2000000

struct fixture {
        struct routine *routine;
        struct voice *voice;
        struct plan *plan;
        struct track track;
        struct clip *clips;
        struct feed feed;
        _Atomic bool done;
};

static int setup(void **state) {
        struct fixture *f = calloc(1, sizeof *f);

        f->routine = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        f->voice = load_voice_or_die(srcdir_path("voices/en.conf"));
        assert_int_equal(plan_build(f->routine, LEVEL_NORMAL, f->voice, fake_duration, NULL, &f->plan), 0);
        f->clips = calloc(f->plan->n_cues, sizeof *f->clips);
        f->track = (struct track){ .clips = calloc(f->plan->n_cues, sizeof *f->track.clips),
                                   .n_clips = f->plan->n_cues,
                                   .rate = RATE,
                                   .length = samples_from_usec(f->plan->total, RATE) };
        for (size_t i = 0; i < f->plan->n_cues; i++) {
                f->clips[i].n_samples = samples_from_usec(f->plan->cues[i].duration, RATE) - 1;
                f->clips[i].samples = calloc(f->clips[i].n_samples, sizeof(int16_t));
                f->track.clips[i] =
                        (struct placed_clip){ samples_from_usec(f->plan->cues[i].start, RATE), &f->clips[i] };
        }
        feed_init(&f->feed, f->plan, &f->track, NULL, 1.0);
        f->feed.detached = false; /* as output_start() leaves it: commands go through the ring */
        *state = f;
        return 0;
}

static int teardown(void **state) {
        struct fixture *f = *state;

        for (size_t i = 0; i < f->plan->n_cues; i++)
                free(f->clips[i].samples);
        free(f->clips);
        free(f->track.clips);
        plan_free(f->plan);
        voice_free(f->voice);
        routine_free(f->routine);
        free(f);
        return 0;
}

/* One render, its first frame heard at BASE + frame * FRAME_USEC: a steady clock. */
static void render(struct feed *f) {
        int16_t buf[BUFFER];
        feed_render(f, buf, BUFFER, BASE + f->player.frame * FRAME_USEC);
}

static void *render_until_done(void *userdata) {
        struct fixture *f = userdata;

        while (!atomic_load(&f->done))
                render(&f->feed);
        return NULL;
}

static unsigned exercise_now(const struct fixture *f) {
        ssize_t i = player_cue_at(&f->feed.player, f->feed.player.pos);
        return i < 0 ? 0 : f->plan->cues[i].exercise;
}

static unsigned n_exercises(const struct plan *p) {
        unsigned n = 0;
        for (size_t i = 0; i < p->n_cues; i++)
                n = MAX(n, p->cues[i].exercise + 1);
        return n;
}

/* Paused, next and previous exercise move the routine at once, one exercise each. The
 * control thread sends a random walk between the first and the last exercise (never
 * against either end, where a step would stop short), retrying while the ring is full; the
 * audio thread renders all the while. Where it ends is where the walk ends only if every
 * command arrived exactly once. */
static void test_commands_arrive_once(void **state) {
        struct fixture *f = *state;
        struct feed *feed = &f->feed;
        unsigned last = n_exercises(f->plan) - 1, want, fulls = 0;
        pthread_t audio;

        assert_true(last >= 3);
        for (int i = 0; i < RATE / BUFFER; i++)
                render(feed); /* a second of the introduction */
        assert_int_equal(feed_send(feed, PLAYER_PAUSE), 0);
        for (int i = 0; i < RATE / BUFFER; i++)
                render(feed); /* the pause's fade */
        while (exercise_now(f) < 1) {
                assert_int_equal(feed_send(feed, PLAYER_NEXT_EXERCISE), 0);
                render(feed);
        }
        assert_int_equal(feed->player.state, PLAYER_PAUSED);
        assert_int_equal(exercise_now(f), 1);

        want = 1;
        srand(15);
        assert_int_equal(pthread_create(&audio, NULL, render_until_done, f), 0);
        for (int i = 0; i < COMMANDS; i++) {
                bool forward = want == 1 || (want < last - 1 && rand() % 2);
                enum player_command c = forward ? PLAYER_NEXT_EXERCISE : PLAYER_PREVIOUS_EXERCISE;

                while (feed_send(feed, c) == -EAGAIN) {
                        fulls++;
                        sched_yield();
                }
                want += forward ? 1 : -1;
        }
        while (!ring_empty(&feed->queue))
                sched_yield();
        atomic_store(&f->done, true);
        assert_int_equal(pthread_join(audio, NULL), 0);

        print_message("# %d commands, the ring full %u times\n", COMMANDS, fulls);
        assert_int_equal(feed->player.state, PLAYER_PAUSED);
        assert_int_equal(exercise_now(f), want);
}

/* A full ring refuses, and takes again once the audio thread has taken what it held. */
static void test_full_ring_refuses(void **state) {
        struct fixture *f = *state;
        struct feed *feed = &f->feed;

        assert_int_equal(feed_send(feed, PLAYER_PAUSE), 0);
        for (int i = 0; i < 2 * RATE / BUFFER; i++)
                render(feed);
        for (int i = 0; i < FEED_RING; i++)
                assert_int_equal(feed_send(feed, PLAYER_REPEAT), 0);
        assert_int_equal(feed_send(feed, PLAYER_REPEAT), -EAGAIN);
        render(feed);
        assert_int_equal(feed_send(feed, PLAYER_RESUME), 0);
}

/* The clock the audio thread publishes with each buffer is read whole or not at all. Every
 * render says its first frame is heard at BASE + frame * FRAME_USEC, so a reader asking at
 * BASE + AT * FRAME_USEC must get frame AT from any one render's values; a frame, end and
 * time from two different renders give another. */
static void test_clock_is_never_torn(void **state) {
        struct fixture *f = *state;
        struct feed *feed = &f->feed;
        const uint64_t at = 4 * BUFFER;
        struct heard h;
        unsigned long reads = 0;
        pthread_t audio;

        for (uint64_t i = 0; i <= at / BUFFER; i++)
                render(feed); /* every render from now on ends past frame AT */
        assert_int_equal(pthread_create(&audio, NULL, render_until_done, f), 0);
        for (int i = 0; i < READS; i++)
                if (feed_heard(feed, BASE + at * FRAME_USEC, &h)) {
                        reads++;
                        if (h.frame != at)
                                break;
                }
        atomic_store(&f->done, true);
        assert_int_equal(pthread_join(audio, NULL), 0);

        print_message("# %lu reads, %" PRIu64 " frames rendered meanwhile\n", reads, feed->player.frame);
        assert_int_equal(h.frame, at);
        assert_true(reads > READS / 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(test_commands_arrive_once, setup, teardown),
                cmocka_unit_test_setup_teardown(test_full_ring_refuses, setup, teardown),
                cmocka_unit_test_setup_teardown(test_clock_is_never_torn, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
