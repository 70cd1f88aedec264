/* Ducking's shape on made-up spans of speech: down before a cue, held through it and a
 * moment after, up again smoothly; a pause brings the music back; nothing wakes when
 * nothing is coming. */
#include <math.h>

#include "duck.h"
#include "helpers.h"

#define MS USEC_PER_MSEC
#define T0 (1000 * USEC_PER_SEC)
#define FADE (250 * MS)

static double at(struct duck_state *s, usec_t ms, const struct span *next, usec_t *wake) {
        usec_t w;
        double d = duck_depth(s, T0 + ms * MS, next, wake ? wake : &w);
        return d;
}

static void test_down_before_and_up_after(void **state) {
        struct duck_state s = { .fade = FADE };
        struct span cue = { T0 + 1000 * MS, T0 + 2000 * MS };
        usec_t wake;

        assert_true(at(&s, 0, &cue, &wake) == 0);
        assert_int_equal(wake, T0 + 750 * MS); /* sleeps until the way down begins */
        assert_true(at(&s, 750, &cue, NULL) == 0);
        double half = at(&s, 875, &cue, &wake);
        assert_true(fabs(half - 0.5) < 1e-9);
        assert_int_equal(wake, T0 + 875 * MS + DUCK_STEP_USEC); /* steps while it moves */
        assert_true(at(&s, 1000, &cue, NULL) == 1);             /* down as the first word is heard */
        assert_true(at(&s, 1500, &cue, &wake) == 1);
        assert_int_equal(wake, T0 + 2000 * MS + DUCK_HOLD_USEC); /* the way up, not a second on */
        /* The cue is over: the session tells of none coming. */
        assert_true(at(&s, 2000, NULL, &wake) == 1);
        assert_int_equal(wake, T0 + 2000 * MS + DUCK_HOLD_USEC);
        assert_true(at(&s, 2250, NULL, NULL) == 1);
        assert_true(fabs(at(&s, 2375, NULL, NULL) - 0.5) < 1e-9);
        assert_true(at(&s, 2500, NULL, &wake) == 0);
        assert_int_equal(wake, USEC_INFINITY); /* nothing lowered, nothing coming: no timer */
}

static void test_smooth(void **state) {
        struct duck_state s = { .fade = FADE };
        struct span cue = { T0 + 1000 * MS, T0 + 1500 * MS };
        double prev = 0;

        /* No step larger than the raised cosine's steepest 20 ms of 250, either way. */
        double most = M_PI / 2 * 20.0 / 250.0 + 1e-9;
        for (usec_t ms = 0; ms <= 2200; ms += 20) {
                const struct span *next = ms < 1500 ? &cue : NULL;
                double d = at(&s, ms, next, NULL);
                assert_true(d >= 0 && d <= 1);
                assert_true(fabs(d - prev) <= most);
                prev = d;
        }
        assert_true(prev == 0);
}

static void test_pause_brings_it_back(void **state) {
        struct duck_state s = { .fade = FADE };
        struct span cue = { T0 + 1000 * MS, T0 + 5000 * MS };

        assert_true(at(&s, 1500, &cue, NULL) == 1);
        assert_int_equal(s.last_end, cue.end);
        /* Paused at 2 s: nothing is coming, and the cue did not end when it was to. */
        assert_true(at(&s, 2000, NULL, NULL) == 1);
        assert_int_equal(s.last_end, T0 + 2000 * MS);
        assert_true(at(&s, 2000 + 250 + 250, NULL, NULL) == 0);
}

static void test_close_cues_are_one_span(void **state) {
        struct duck_state s = { .fade = FADE };
        struct span one = { T0 + 1000 * MS, T0 + 1500 * MS }, two = { T0 + 3400 * MS, T0 + 3800 * MS };
        struct span three = { T0 + 6000 * MS, T0 + 6500 * MS };

        assert_true(at(&s, 1200, &one, NULL) == 1);
        for (usec_t ms = 1500; ms < 3800; ms += 20) /* 1.9 s apart: held down between */
                assert_true(at(&s, ms, &two, NULL) == 1);
        assert_true(at(&s, 4100, &three, NULL) < 1); /* 2.2 s apart: back up between */
        assert_true(at(&s, 4300, &three, NULL) == 0);
}

static void test_latency(void **state) {
        struct duck_state s = { .fade = FADE, .latency = 150 * MS };
        struct span cue = { T0 + 1000 * MS, T0 + 2000 * MS };
        usec_t wake;

        assert_true(at(&s, 0, &cue, &wake) == 0);
        assert_int_equal(wake, T0 + 600 * MS); /* told 150 ms sooner, heard as the cue begins */
        assert_true(at(&s, 850, &cue, NULL) == 1);
        assert_true(at(&s, 1900, NULL, &wake) == 1);
        assert_int_equal(wake, T0 + 2100 * MS); /* the hold, heard from the cue's end */
        assert_true(at(&s, 2350, NULL, NULL) == 0);
}

static void test_volume(void **state) {
        assert_true(duck_volume(0.8, 0.5, 0) == 0.8); /* exactly where it was */
        assert_true(fabs(duck_volume(0.8, 0.5, 1) - 0.4) < 1e-12);
        assert_true(fabs(duck_volume(0.8, 0.25, 0.5) - 0.4) < 1e-12); /* halfway in the log */
        assert_true(duck_volume(0.8, 0, 1) == 0);
        assert_true(fabs(duck_volume(0.8, 0, 0.5) - 0.4) < 1e-12);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_down_before_and_up_after),
                cmocka_unit_test(test_smooth),
                cmocka_unit_test(test_pause_brings_it_back),
                cmocka_unit_test(test_close_cues_are_one_span),
                cmocka_unit_test(test_latency),
                cmocka_unit_test(test_volume),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
