/* The device's clock: which jumps in a device's figures were gaps the listener heard, fed
 * the figures PulseAudio gave in the cases measured (bench/stall, bench/README.md). */
#include "helpers.h"
#include "devclock.h"

#define RATE 22050
#define LATENCY (45 * USEC_PER_MSEC)
#define BUFFER 110 /* frames: 5 ms, a tenth of the latency */
#define T0 (1000 * USEC_PER_SEC)

struct run {
        struct devclock clock;
        uint64_t frame;
        usec_t lost, skipped;
        int64_t revised;
        struct devclock_jump last; /* the last jump, gap or revision */
};

/* n buffers, each heard late by late after where the first frame was heard, with
 * buffered in the device. */
static void play(struct run *r, unsigned n, usec_t late, usec_t buffered) {
        for (unsigned i = 0; i < n; i++) {
                usec_t heard_at = T0 + usec_from_samples(r->frame, RATE) + late;
                struct devclock_jump j = devclock_heard(&r->clock, r->frame, heard_at, buffered);
                r->lost += j.lost;
                r->skipped += j.skipped;
                r->revised += j.revised;
                if (j.lost || j.skipped || j.revised)
                        r->last = j;
                r->frame += BUFFER;
        }
}

static void start(struct run *r) {
        *r = (struct run){};
        devclock_start(&r->clock, RATE, LATENCY);
        play(r, 100, 0, LATENCY);
}

static void test_steady_figures_lose_nothing(void **state) {
        struct run r;
        start(&r);
        play(&r, 1000, 300, LATENCY); /* wandering by 0.3 ms */
        play(&r, 1000, 0, LATENCY);
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 0);
}

static void test_a_gap_portaudio_reports_is_made_up(void **state) {
        struct run r;
        start(&r);
        devclock_ran_dry(&r.clock, r.frame);
        play(&r, 100, 8000, LATENCY);
        assert_int_equal(r.lost, 8000);
        assert_int_equal(r.revised, 0);
        assert_int_equal(r.last.frame, 100 * BUFFER); /* told where, and why */
        assert_int_equal(r.last.after_dry, 0);
        assert_int_equal(r.last.dry_held, 0);
        play(&r, 1000, 8000, LATENCY); /* made up once, not again */
        assert_int_equal(r.lost, 8000);
}

/* PulseAudio stopped for 30-40 ms: its client found the device holding 1-5 ms, then
 * heard 3-11 ms later than before, and ALSA said nothing of running dry. */
static void test_a_gap_found_by_a_drained_buffer_is_made_up(void **state) {
        struct run r;
        start(&r);
        play(&r, 1, 0, 5 * USEC_PER_MSEC);
        play(&r, 5, 0, 20 * USEC_PER_MSEC);
        play(&r, 100, 8600, LATENCY);
        assert_int_equal(r.lost, 8600);
        assert_int_equal(r.revised, 0);
        assert_int_equal(r.last.frame, 106 * BUFFER);
        assert_int_equal(r.last.after_dry, usec_from_samples(6 * BUFFER, RATE));
        assert_int_equal(r.last.dry_held, 5 * USEC_PER_MSEC);
}

/* PulseAudio stopped for 35 ms: ALSA said it ran dry, the figures came 2.4 ms sooner,
 * and every later cue was heard 2.1 ms early: it threw away more than it filled with
 * silence. */
static void test_sound_thrown_away_is_held_back(void **state) {
        struct run r;
        start(&r);
        devclock_ran_dry(&r.clock, r.frame);
        play(&r, 100, -2400, LATENCY);
        assert_int_equal(r.skipped, 2400);
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 0);
        play(&r, 1000, -2400, LATENCY); /* held back once, not again */
        assert_int_equal(r.skipped, 2400);
        play(&r, 100, 0, LATENCY); /* and a gap after it counts from the new origin */
        assert_int_equal(r.revised, 2400);
}

/* The figures came 2.1 ms sooner with no sign of running dry, and no cue was heard early. */
static void test_sooner_without_a_sign_is_a_revision(void **state) {
        struct run r;
        start(&r);
        play(&r, 100, -2100, LATENCY);
        assert_int_equal(r.skipped, 0);
        assert_int_equal(r.revised, -2100);
        assert_int_equal(r.last.after_dry, USEC_INFINITY);
}

/* With both cores compiling, the figures crept past 2 ms with nothing heard. */
static void test_a_creep_is_a_revision(void **state) {
        struct run r;
        start(&r);
        for (usec_t late = 1000; late <= 2800; late += 100)
                play(&r, 1, late, 15 * USEC_PER_MSEC); /* low, yet not drained */
        play(&r, 100, 2800, LATENCY);
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 2000); /* the least lateness of the ten late buffers */
}

static void test_an_unannounced_jump(void **state) {
        struct run r;
        start(&r);
        play(&r, 100, 8000, LATENCY);
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 8000);
        assert_int_equal(r.last.after_dry, USEC_INFINITY);
        play(&r, 100, 8000 + 25000, LATENCY); /* too long to be a revision */
        assert_int_equal(r.lost, 25000);
}

static void test_running_dry_long_before_is_no_sign(void **state) {
        struct run r;
        start(&r);
        play(&r, 1, 0, 1 * USEC_PER_MSEC);
        play(&r, 2 * RATE / BUFFER + 1, 0, LATENCY); /* 2 s */
        play(&r, 100, 8000, LATENCY);
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 8000);
        assert_int_equal(r.last.after_dry, usec_from_samples((2 * RATE / BUFFER + 2) * BUFFER, RATE));
        assert_int_equal(r.last.dry_held, 1 * USEC_PER_MSEC);
}

static void test_one_late_figure_is_noise(void **state) {
        struct run r;
        start(&r);
        devclock_ran_dry(&r.clock, r.frame);
        for (int i = 0; i < 20; i++) {
                play(&r, DEVCLOCK_JUMP_BUFFERS - 1, 8000, LATENCY);
                play(&r, 1, 0, LATENCY);
        }
        assert_int_equal(r.lost, 0);
        assert_int_equal(r.revised, 0);
}

/* The origin is the earliest the device ever said: a gap counts from there. */
static void test_earlier_figures_move_the_origin(void **state) {
        struct run r;
        start(&r);
        play(&r, 100, -1500, LATENCY);
        devclock_ran_dry(&r.clock, r.frame);
        play(&r, 100, 5000, LATENCY);
        assert_int_equal(r.lost, 6500);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_steady_figures_lose_nothing),
                cmocka_unit_test(test_a_gap_portaudio_reports_is_made_up),
                cmocka_unit_test(test_a_gap_found_by_a_drained_buffer_is_made_up),
                cmocka_unit_test(test_sound_thrown_away_is_held_back),
                cmocka_unit_test(test_sooner_without_a_sign_is_a_revision),
                cmocka_unit_test(test_a_creep_is_a_revision),
                cmocka_unit_test(test_an_unannounced_jump),
                cmocka_unit_test(test_running_dry_long_before_is_no_sign),
                cmocka_unit_test(test_one_late_figure_is_noise),
                cmocka_unit_test(test_earlier_figures_move_the_origin),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
