/* The schedule's arithmetic: next runs across daylight-saving changes in two zones on two
 * continents, month and year ends, leap days, weekdays, catch-up and missed runs. Every
 * instant is checked against the UTC time it must be. */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "schedule.h"

/* "2026-03-08 07:00:00" UTC as µs since the epoch. */
static usec_t utc(const char *s) {
        struct tm tm = {};
        assert_non_null(strptime(s, "%Y-%m-%d %H:%M:%S", &tm));
        return (usec_t) timegm(&tm) * USEC_PER_SEC;
}

static struct schedule parse(const char *text) {
        char *path = write_temp(text, ".conf");
        struct conf_error err;
        struct schedule s;
        config_t c;

        config_init(&c);
        assert_int_equal(conf_read_file(&c, path, &err), 0);
        if (schedule_parse(config_lookup(&c, "schedule"), &s, &err) < 0)
                fail_msg("%s", err.text);
        config_destroy(&c);
        unlink(path);
        free(path);
        return s;
}

static void expect_next(const struct schedule *s, const char *tz, const char *after, const char *want) {
        struct occurrence o;

        assert_true(schedule_next(s, utc(after), tz, &o));
        if (o.at != utc(want)) {
                time_t t = (time_t) (o.at / USEC_PER_SEC);
                char got[32];
                strftime(got, sizeof got, "%Y-%m-%d %H:%M:%S", gmtime(&t));
                fail_msg("%s, after %s UTC: got %s UTC, expected %s UTC", tz, after, got, want);
        }
}

static void test_ordinary_days(void **state) {
        struct schedule s = parse("schedule = ( { time = \"07:00\"; } );");
        expect_next(&s, "Europe/Berlin", "2026-01-15 05:00:00", "2026-01-15 06:00:00"); /* CET, UTC+1 */
        expect_next(&s, "Europe/Berlin", "2026-07-15 05:00:00", "2026-07-16 05:00:00"); /* CEST: 07:00 was 05:00 UTC */
        expect_next(&s, "America/New_York", "2026-01-15 05:00:00", "2026-01-15 12:00:00");
        expect_next(&s, "UTC", "2026-01-15 07:00:00", "2026-01-16 07:00:00"); /* strictly after */
        schedule_done(&s);
}

/* The same entry in the time zone given, not the process's. */
static void test_time_zone_is_honoured(void **state) {
        struct schedule s = parse("schedule = ( { time = \"07:00\"; } );");
        setenv("TZ", "Asia/Tokyo", 1);
        expect_next(&s, NULL, "2026-01-15 00:00:00", "2026-01-15 22:00:00");
        expect_next(&s, "Australia/Sydney", "2026-01-15 00:00:00", "2026-01-15 20:00:00"); /* AEDT, UTC+11 */
        assert_string_equal(getenv("TZ"), "Asia/Tokyo");                                   /* left as it was */
        unsetenv("TZ");
        schedule_done(&s);
}

/* 02:30 does not exist on spring-forward night: the run comes at 03:00, the first instant
 * after the gap; the next day at 02:30 again. */
static void test_spring_forward_gap(void **state) {
        struct schedule s = parse("schedule = ( { time = \"02:30\"; } );");
        expect_next(&s, "America/New_York", "2026-03-08 00:00:00", "2026-03-08 07:00:00"); /* 03:00 EDT */
        expect_next(&s, "America/New_York", "2026-03-08 07:00:00", "2026-03-09 06:30:00");
        expect_next(&s, "Europe/Berlin", "2026-03-28 23:00:00", "2026-03-29 01:00:00"); /* 03:00 CEST */
        expect_next(&s, "Europe/Berlin", "2026-03-29 01:00:00", "2026-03-30 00:30:00");
        schedule_done(&s);
}

/* 01:30 comes twice on fall-back night: the run comes once, the first time. */
static void test_fall_back_runs_once(void **state) {
        struct schedule s = parse("schedule = ( { time = \"01:30\"; } );");
        expect_next(&s, "America/New_York", "2026-11-01 00:00:00", "2026-11-01 05:30:00"); /* EDT */
        expect_next(&s, "America/New_York", "2026-11-01 05:30:00",
                    "2026-11-02 06:30:00"); /* not 06:30 the same night */
        schedule_done(&s);
        s = parse("schedule = ( { time = \"02:30\"; } );");
        expect_next(&s, "Europe/Berlin", "2026-10-24 23:00:00", "2026-10-25 00:30:00"); /* CEST */
        expect_next(&s, "Europe/Berlin", "2026-10-25 00:30:00", "2026-10-26 01:30:00");
        schedule_done(&s);
}

static void test_month_and_year_ends(void **state) {
        struct schedule s = parse("schedule = ( { time = \"07:00\"; } );");
        expect_next(&s, "Europe/Berlin", "2026-01-31 07:00:00", "2026-02-01 06:00:00");
        expect_next(&s, "Europe/Berlin", "2026-04-30 06:00:00", "2026-05-01 05:00:00");
        expect_next(&s, "Europe/Berlin", "2026-12-31 07:00:00", "2027-01-01 06:00:00");
        expect_next(&s, "America/New_York", "2026-12-31 23:59:59", "2027-01-01 12:00:00");
        schedule_done(&s);
}

static void test_leap_days(void **state) {
        struct schedule s = parse("schedule = ( { time = \"07:00\"; days = \"tue\"; } );");
        expect_next(&s, "UTC", "2028-02-27 00:00:00", "2028-02-29 07:00:00"); /* a Tuesday */
        schedule_done(&s);
        s = parse("schedule = ( { time = \"07:00\"; } );");
        expect_next(&s, "UTC", "2028-02-28 08:00:00", "2028-02-29 07:00:00");
        expect_next(&s, "UTC", "2028-02-29 08:00:00", "2028-03-01 07:00:00");
        expect_next(&s, "UTC", "2027-02-28 08:00:00", "2027-03-01 07:00:00"); /* no leap day */
        expect_next(&s, "UTC", "2100-02-28 08:00:00", "2100-03-01 07:00:00"); /* nor in 2100 */
        schedule_done(&s);
}

static void test_days_of_the_week(void **state) {
        struct schedule s =
                parse("schedule = ( { time = \"07:00\"; days = \"mon-fri\"; },\n"
                      "             { time = \"09:00\"; days = [\"sat\", \"sun\"]; routine = \"short\"; } );");
        struct occurrence o;
        char buf[64];

        expect_next(&s, "UTC", "2026-11-20 07:00:00", "2026-11-21 09:00:00"); /* Friday, then Saturday late */
        expect_next(&s, "UTC", "2026-11-22 09:00:00", "2026-11-23 07:00:00"); /* Sunday, then Monday */
        assert_true(schedule_next(&s, utc("2026-11-21 08:00:00"), "UTC", &o));
        assert_int_equal(o.entry, 1);
        assert_string_equal(s.entries[1].routine, "short");
        schedule_days_to_string(s.entries[0].days, buf, sizeof buf);
        assert_string_equal(buf, "mon-fri");
        schedule_days_to_string(s.entries[1].days, buf, sizeof buf);
        assert_string_equal(buf, "sat,sun");
        schedule_done(&s);
        s = parse("schedule = ( { time = \"07:00\"; days = \"fri-mon\"; } );"); /* wraps round */
        expect_next(&s, "UTC", "2026-11-23 08:00:00", "2026-11-27 07:00:00");
        schedule_days_to_string(s.entries[0].days, buf, sizeof buf);
        assert_string_equal(buf, "mon,fri-sun");
        schedule_done(&s);
}

/* Within the catch-up window a run is owed; after it, missed; and a daemon that has never
 * run owes nothing from before it started. */
static void test_catch_up_and_missed(void **state) {
        struct schedule s = parse("schedule = ( { time = \"07:00\"; catch_up = 30; } );");
        usec_t last = utc("2026-11-20 07:00:00"); /* three mornings ago */
        struct occurrence o;

        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:10:00"), last, "UTC", &o), SCHEDULE_MISSED);
        assert_int_equal(o.at, utc("2026-11-21 07:00:00"));
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:10:00"), o.at, "UTC", &o), SCHEDULE_MISSED);
        assert_int_equal(o.at, utc("2026-11-22 07:00:00"));
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:10:00"), o.at, "UTC", &o), SCHEDULE_DUE);
        assert_int_equal(o.at, utc("2026-11-23 07:00:00"));
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:10:00"), o.at, "UTC", &o), SCHEDULE_NOTHING);

        /* Woken at 07:31, a minute too late: missed, not run late. */
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:31:00"), utc("2026-11-22 07:00:00"), "UTC", &o),
                         SCHEDULE_MISSED);
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:30:00"), utc("2026-11-22 07:00:00"), "UTC", &o),
                         SCHEDULE_DUE);
        /* Never run before: nothing owed. */
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:10:00"), 0, "UTC", &o), SCHEDULE_NOTHING);
        /* The same morning, once handled, is not owed again after a restart. */
        assert_int_equal(schedule_step(&s, utc("2026-11-23 07:20:00"), utc("2026-11-23 07:00:00"), "UTC", &o),
                         SCHEDULE_NOTHING);
        schedule_done(&s);
}

static void test_bad_entries_name_their_line(void **state) {
        static const struct {
                const char *text, *message;
        } bad[] = {
                { "schedule = ( { time = \"7\"; } );", "t.conf:1: 'time' is \"7\": give a local time as HH:MM" },
                { "schedule = ( { time = \"24:00\"; } );", "'time' is \"24:00\"" },
                { "schedule = ( { time = \"9:3\"; } );", "'time' is \"9:3\"" },
                { "schedule = ( { time = \"07:00pm\"; } );", "'time' is \"07:00pm\"" },
                { "schedule = (\n { time = \"07:00\"; days = \"monday-friday\"; } );",
                  "t.conf:2: 'days': give day names" },
                { "schedule = ( { time = \"07:00\"; tme = 3; } );", "did you mean 'time'" },
                { "schedule = ( { days = \"mon\"; } );", "'time'" },
                { "schedule = ( { time = \"07:00\"; catch_up = 1000; } );", "catch_up" },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *path = write_temp(bad[i].text, "t.conf");
                struct conf_error err;
                struct schedule s;
                config_t c;

                config_init(&c);
                assert_int_equal(conf_read_file(&c, path, &err), 0);
                assert_int_equal(schedule_parse(config_lookup(&c, "schedule"), &s, &err), -EINVAL);
                if (!strstr(err.text, bad[i].message))
                        fail_msg("\"%s\": said \"%s\", expected it to contain \"%s\"", bad[i].text, err.text,
                                 bad[i].message);
                config_destroy(&c);
                unlink(path);
                free(path);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ordinary_days),
                cmocka_unit_test(test_time_zone_is_honoured),
                cmocka_unit_test(test_spring_forward_gap),
                cmocka_unit_test(test_fall_back_runs_once),
                cmocka_unit_test(test_month_and_year_ends),
                cmocka_unit_test(test_leap_days),
                cmocka_unit_test(test_days_of_the_week),
                cmocka_unit_test(test_catch_up_and_missed),
                cmocka_unit_test(test_bad_entries_name_their_line),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
