/* level = "auto": the progression as a pure function of made-up histories. A week of done
 * mornings goes up, two bad ones go down, the ends hold, today counts from tomorrow, and
 * days are local days in the zone given, across daylight saving time. */
#include <stdio.h>
#include <time.h>

#include "helpers.h"
#include "progress.h"
#include "zone.h"

/* "2026-03-01 07:00" in zone tz, as µs since the epoch. */
static usec_t local(const char *tz, const char *s) {
        struct tm tm = { .tm_isdst = -1 };
        struct zone z;
        time_t t;

        assert_non_null(strptime(s, "%Y-%m-%d %H:%M", &tm));
        zone_enter(&z, tz);
        t = mktime(&tm);
        zone_leave(&z);
        assert_true(t != (time_t) -1);
        return (usec_t) t * USEC_PER_SEC;
}

static long day_of(const char *tz, usec_t t) {
        struct zone z;
        zone_enter(&z, tz);
        long d = local_day(t);
        zone_leave(&z);
        return d;
}

struct history {
        struct morning_record r[64];
        size_t n;
};

static void add(struct history *h, const char *tz, const char *when, enum morning m, bool played) {
        assert_true(h->n < ELEMENTSOF(h->r));
        h->r[h->n++] = (struct morning_record){ local(tz, when), m, played };
}

/* count mornings at hh:mm from day first of March 2026 on (or of month), each m. */
static void mornings(struct history *h, const char *tz, int month, int first, int count, const char *hhmm,
                     enum morning m) {
        char when[32];
        for (int d = first; d < first + count; d++) {
                snprintf(when, sizeof when, "2026-%02d-%02d %s", month, d, hhmm);
                add(h, tz, when, m, m != MORNING_BAD);
        }
}

static struct progress level_at(const struct history *h, const char *tz, const char *now) {
        struct progress p;
        progress_level(h->r, h->n, local(tz, now), tz, &p);
        return p;
}

static void test_nothing_yet_is_easy(void **state) {
        struct history h = {};
        struct progress p = level_at(&h, "UTC", "2026-03-01 07:00");

        assert_int_equal(p.level, LEVEL_EASY);
        assert_false(p.news);
        assert_int_equal(p.done, 0);
}

/* Seven done mornings go up from the next day on, and say so until a routine is played. */
static void test_a_week_done_goes_up_the_next_day(void **state) {
        struct history h = {};
        struct progress p;

        mornings(&h, "UTC", 3, 1, 6, "07:00", MORNING_DONE);
        p = level_at(&h, "UTC", "2026-03-07 06:00");
        assert_int_equal(p.level, LEVEL_EASY);
        assert_int_equal(p.done, 6);

        mornings(&h, "UTC", 3, 7, 1, "07:00", MORNING_DONE);
        p = level_at(&h, "UTC", "2026-03-07 23:59"); /* today's counts from tomorrow */
        assert_int_equal(p.level, LEVEL_EASY);
        p = level_at(&h, "UTC", "2026-03-08 00:00");
        assert_int_equal(p.level, LEVEL_NORMAL);
        assert_int_equal(p.previous, LEVEL_EASY);
        assert_int_equal(p.since, day_of("UTC", local("UTC", "2026-03-08 00:00")));
        assert_true(p.news);
        assert_int_equal(p.done, 0);

        /* Played on the day it went up: told. A missed run is not played. */
        add(&h, "UTC", "2026-03-08 07:00", MORNING_BAD, false);
        assert_true(level_at(&h, "UTC", "2026-03-09 06:00").news);
        add(&h, "UTC", "2026-03-09 07:00", MORNING_DONE, true);
        assert_false(level_at(&h, "UTC", "2026-03-09 08:00").news);
}

/* A bad morning starts the week afresh; days with nothing, or only a skip, do not. */
static void test_a_bad_morning_starts_the_week_again(void **state) {
        struct history h = {};

        mornings(&h, "UTC", 3, 1, 3, "07:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 4, 1, "07:00", MORNING_BAD);
        mornings(&h, "UTC", 3, 5, 1, "07:00", MORNING_NEITHER); /* skipped */
        mornings(&h, "UTC", 3, 6, 3, "07:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 12, 3, "07:00", MORNING_DONE); /* after three days of nothing */
        struct progress p = level_at(&h, "UTC", "2026-03-20 07:00");
        assert_int_equal(p.level, LEVEL_EASY);
        assert_int_equal(p.done, 6);
        mornings(&h, "UTC", 3, 20, 1, "07:00", MORNING_DONE);
        assert_int_equal(level_at(&h, "UTC", "2026-03-21 07:00").level, LEVEL_NORMAL);
}

/* A day is one morning: two done count once, and a done one outweighs a bad one. */
static void test_a_day_is_one_morning(void **state) {
        struct history h = {};

        mornings(&h, "UTC", 3, 1, 3, "07:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 1, 3, "19:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 4, 4, "06:00", MORNING_BAD); /* stopped, then done again */
        mornings(&h, "UTC", 3, 4, 4, "06:30", MORNING_DONE);
        struct progress p = level_at(&h, "UTC", "2026-03-09 07:00");
        assert_int_equal(p.level, LEVEL_NORMAL);
}

/* Two bad mornings in a row go down; hard and easy hold at the ends. */
static void test_two_bad_go_down_and_the_ends_hold(void **state) {
        struct history h = {};
        struct progress p;

        mornings(&h, "UTC", 3, 1, 21, "07:00", MORNING_DONE);
        p = level_at(&h, "UTC", "2026-03-22 07:00");
        assert_int_equal(p.level, LEVEL_HARD);
        assert_int_equal(p.previous, LEVEL_NORMAL);
        assert_int_equal(p.since, day_of("UTC", local("UTC", "2026-03-15 07:00")));
        assert_false(p.news); /* played since */

        mornings(&h, "UTC", 3, 22, 1, "07:00", MORNING_BAD);
        mornings(&h, "UTC", 3, 23, 1, "07:00", MORNING_NEITHER);
        assert_int_equal(level_at(&h, "UTC", "2026-03-24 07:00").level, LEVEL_HARD);
        add(&h, "UTC", "2026-03-24 07:00", MORNING_BAD, false); /* missed */
        p = level_at(&h, "UTC", "2026-03-25 07:00");
        assert_int_equal(p.level, LEVEL_NORMAL);
        assert_int_equal(p.previous, LEVEL_HARD);
        assert_true(p.news);

        mornings(&h, "UTC", 3, 25, 4, "07:00", MORNING_BAD);
        p = level_at(&h, "UTC", "2026-03-30 07:00");
        assert_int_equal(p.level, LEVEL_EASY); /* two down, and two more hold at easy */
        assert_int_equal(p.bad, 0);
}

/* A done morning between two bad ones: no way down. */
static void test_a_done_morning_between_bad_ones_holds(void **state) {
        struct history h = {};

        mornings(&h, "UTC", 3, 1, 7, "07:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 8, 1, "07:00", MORNING_BAD);
        mornings(&h, "UTC", 3, 9, 1, "07:00", MORNING_DONE);
        mornings(&h, "UTC", 3, 10, 1, "07:00", MORNING_BAD);
        struct progress p = level_at(&h, "UTC", "2026-03-11 07:00");
        assert_int_equal(p.level, LEVEL_NORMAL);
        assert_int_equal(p.bad, 1);
}

/* Days are the zone's: a morning routine at 07:00 and an evening one at 23:30 in New York
 * fall on one local day and on two UTC days, so six such days are a week in UTC only. */
static void test_days_are_local_days(void **state) {
        struct history h = {};
        const char *ny = "America/New_York";

        mornings(&h, ny, 3, 2, 6, "07:00", MORNING_DONE);
        mornings(&h, ny, 3, 2, 6, "23:30", MORNING_DONE);
        assert_int_equal(level_at(&h, ny, "2026-03-10 07:00").level, LEVEL_EASY);
        assert_int_equal(level_at(&h, ny, "2026-03-10 07:00").done, 6);
        struct progress utc;
        progress_level(h.r, h.n, local(ny, "2026-03-10 07:00"), "UTC", &utc);
        assert_int_equal(utc.level, LEVEL_NORMAL);
}

/* Daylight saving time: a week across Berlin's 23-hour day goes up as any week; the 25-hour
 * day in October is one morning however late, where UTC sees two. */
static void test_daylight_saving_time(void **state) {
        const char *berlin = "Europe/Berlin";
        struct history spring = {}, autumn = {};
        struct progress p;

        mornings(&spring, berlin, 3, 23, 7, "07:00", MORNING_DONE); /* 29 March has 23 hours */
        p = level_at(&spring, berlin, "2026-03-30 00:30");
        assert_int_equal(p.level, LEVEL_NORMAL);
        assert_int_equal(p.since, day_of(berlin, local(berlin, "2026-03-30 12:00")));

        mornings(&autumn, berlin, 10, 20, 6, "00:30", MORNING_DONE); /* 25 October has 25 hours */
        add(&autumn, berlin, "2026-10-25 23:30", MORNING_DONE, true);
        p = level_at(&autumn, berlin, "2026-10-27 07:00");
        assert_int_equal(p.level, LEVEL_EASY);
        assert_int_equal(p.done, 6);
        progress_level(autumn.r, autumn.n, local(berlin, "2026-10-27 07:00"), "UTC", &p);
        assert_int_equal(p.level, LEVEL_NORMAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_nothing_yet_is_easy),
                cmocka_unit_test(test_a_week_done_goes_up_the_next_day),
                cmocka_unit_test(test_a_bad_morning_starts_the_week_again),
                cmocka_unit_test(test_a_day_is_one_morning),
                cmocka_unit_test(test_two_bad_go_down_and_the_ends_hold),
                cmocka_unit_test(test_a_done_morning_between_bad_ones_holds),
                cmocka_unit_test(test_days_are_local_days),
                cmocka_unit_test(test_daylight_saving_time),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
