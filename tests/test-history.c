/* The history file: records read back as written, across reopening; a torn last record is
 * dropped and does not swallow the next; a foreign line is skipped; streaks count local
 * days. A skip and a snooze kept beside it read back across reopening, and are gone when
 * nothing is pending. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "history.h"

#define DAY (24 * 3600 * USEC_PER_SEC)
#define HOUR (3600 * USEC_PER_SEC)

static usec_t utc(const char *s) {
        struct tm tm = {};
        assert_non_null(strptime(s, "%Y-%m-%d %H:%M:%S", &tm));
        return (usec_t) timegm(&tm) * USEC_PER_SEC;
}

static char *temp_dir(void) {
        char *d = strdup("/tmp/tiptoed-history-XXXXXX");
        assert_non_null(mkdtemp(d));
        return d;
}

static void remove_dir(char *d) {
        char path[256];
        snprintf(path, sizeof path, "%s/history.jsonl", d);
        unlink(path);
        snprintf(path, sizeof path, "%s/pending.json", d);
        unlink(path);
        rmdir(d);
        free(d);
}

static void append_raw(const char *dir, const char *text) {
        char path[256];
        snprintf(path, sizeof path, "%s/history.jsonl", dir);
        int fd = open(path, O_WRONLY | O_APPEND);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_records_read_back(void **state) {
        char *dir = temp_dir();
        struct history *h = NULL;
        usec_t t = utc("2026-11-23 06:00:00");

        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(h->n_entries, 0);
        assert_int_equal(history_unplayed(h, t - DAY, "morning-feet", OUTCOME_MISSED), 0);
        assert_int_equal(history_start(h, t + 1000, t, "morning-feet", "normal"), 0);
        assert_int_equal(history_end(h, t + 1000, t + 20 * 60 * USEC_PER_SEC, OUTCOME_COMPLETED, 42 * USEC_PER_SEC,
                                     19 * 60 * USEC_PER_SEC, 2),
                         0);
        assert_int_equal(history_start(h, t + HOUR, 0, "short", "hard"), 0); /* by hand, never ended */
        assert_int_equal(h->entries[2].outcome, OUTCOME_PLAYING);
        history_close(h);

        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(h->n_entries, 3);
        assert_int_equal(h->entries[0].outcome, OUTCOME_MISSED);
        assert_int_equal(h->entries[0].scheduled, t - DAY);
        assert_int_equal(h->entries[1].outcome, OUTCOME_COMPLETED);
        assert_string_equal(h->entries[1].routine, "morning-feet");
        assert_string_equal(h->entries[1].level, "normal");
        assert_int_equal(h->entries[1].paused, 42 * USEC_PER_SEC);
        assert_int_equal(h->entries[1].heard, 19 * 60 * USEC_PER_SEC);
        assert_int_equal(h->entries[1].skipped_steps, 2);
        assert_int_equal(h->entries[2].outcome, OUTCOME_CUT); /* the daemon died during it */
        assert_string_equal(outcome_to_string(h->entries[2].outcome), "cut");
        assert_int_equal(history_last_scheduled(h), t);
        assert_int_equal(history_last_completed(h), t + 20 * 60 * USEC_PER_SEC);
        assert_int_equal(h->dropped, 0);
        /* A routine started now plays until it ends, beside the one cut. */
        assert_int_equal(history_start(h, t + 2 * HOUR, 0, "short", "hard"), 0);
        assert_int_equal(h->entries[3].outcome, OUTCOME_PLAYING);
        assert_int_equal(history_end(h, t + 2 * HOUR, t + 3 * HOUR, OUTCOME_STOPPED, 0, 0, 0), 0);
        assert_int_equal(h->entries[3].outcome, OUTCOME_STOPPED);
        assert_int_equal(h->entries[2].outcome, OUTCOME_CUT);
        history_close(h);
        remove_dir(dir);
}

static void test_torn_record_is_dropped_not_glued(void **state) {
        char *dir = temp_dir();
        struct history *h = NULL;
        usec_t t = utc("2026-11-23 06:00:00");

        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(history_start(h, t, t, "morning-feet", "normal"), 0);
        history_close(h);
        append_raw(dir, "{\"event\":\"end\",\"at\":17"); /* a power cut mid-record */
        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(h->n_entries, 1);
        assert_int_equal(h->dropped, 0);
        assert_int_equal(history_start(h, t + DAY, t + DAY, "morning-feet", "normal"), 0);
        assert_int_equal(history_end(h, t + DAY, t + DAY + HOUR, OUTCOME_STOPPED, 0, HOUR, 0), 0);
        history_close(h);
        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(h->n_entries, 2);
        assert_int_equal(h->entries[0].outcome, OUTCOME_CUT);     /* its end was torn */
        assert_int_equal(h->entries[1].outcome, OUTCOME_STOPPED); /* the records after the tear read */
        assert_int_equal(h->dropped, 0);
        history_close(h);

        append_raw(dir, "not a record\n{\"event\":\"missed\",\"at\":5,\"scheduled\":5,\"routine\":\"x\"}\n");
        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(h->dropped, 1);
        assert_int_equal(h->n_entries, 3);
        history_close(h);
        remove_dir(dir);
}

static void completed_at(struct history *h, usec_t at) {
        assert_int_equal(history_start(h, at - 20 * 60 * USEC_PER_SEC, 0, "morning-feet", "normal"), 0);
        assert_int_equal(history_end(h, at - 20 * 60 * USEC_PER_SEC, at, OUTCOME_COMPLETED, 0, 0, 0), 0);
}

static void test_streaks_count_local_days(void **state) {
        char *dir = temp_dir();
        struct history *h = NULL;
        usec_t now = utc("2026-11-23 12:00:00");

        assert_int_equal(history_open(dir, &h), 0);
        assert_int_equal(history_streak(h, now, "UTC"), 0);
        completed_at(h, utc("2026-11-20 07:30:00"));
        completed_at(h, utc("2026-11-21 07:30:00"));
        completed_at(h, utc("2026-11-22 07:30:00"));
        assert_int_equal(history_streak(h, now, "UTC"), 3); /* today not done yet: still counts */
        completed_at(h, utc("2026-11-23 07:30:00"));
        completed_at(h, utc("2026-11-23 08:30:00")); /* twice in a day is one day */
        assert_int_equal(history_streak(h, now, "UTC"), 4);
        assert_int_equal(history_streak(h, utc("2026-11-25 12:00:00"), "UTC"), 0); /* a day missed */
        /* A routine ended 23:30 UTC on the 18th is the 19th in Berlin: it joins the streak. */
        completed_at(h, utc("2026-11-18 23:30:00"));
        assert_int_equal(history_streak(h, now, "UTC"), 4);
        assert_int_equal(history_streak(h, now, "Europe/Berlin"), 5);
        /* Stopped ones do not count. */
        assert_int_equal(history_start(h, utc("2026-11-24 07:00:00"), 0, "morning-feet", "normal"), 0);
        assert_int_equal(
                history_end(h, utc("2026-11-24 07:00:00"), utc("2026-11-24 07:05:00"), OUTCOME_STOPPED, 0, 0, 0), 0);
        assert_int_equal(history_streak(h, utc("2026-11-24 12:00:00"), "UTC"), 4);
        assert_int_equal(history_streak(h, utc("2026-11-25 12:00:00"), "UTC"), 0);
        history_close(h);
        remove_dir(dir);
}

static bool pending_exists(const char *dir) {
        char path[256];
        snprintf(path, sizeof path, "%s/pending.json", dir);
        return access(path, F_OK) == 0;
}

static void test_pending_survives_reopening(void **state) {
        char *dir = temp_dir();
        struct history *h = NULL;
        struct pending p;
        usec_t t = utc("2026-11-24 07:00:00");
        char routine[] = "morning \"feet\"";

        assert_int_equal(history_open(dir, &h), 0);
        history_pending(h, &p);
        assert_true(p.skip == 0 && p.snoozed_at == 0 && !p.snoozed_routine);
        assert_int_equal(history_keep_pending(h, &(struct pending){ .skip = t + DAY,
                                                                    .snoozed_at = t + 600 * USEC_PER_SEC,
                                                                    .snoozed_scheduled = t,
                                                                    .snoozed_routine = routine }),
                         0);
        history_close(h);

        assert_int_equal(history_open(dir, &h), 0);
        history_pending(h, &p);
        assert_true(p.skip == t + DAY);
        assert_true(p.snoozed_at == t + 600 * USEC_PER_SEC);
        assert_true(p.snoozed_scheduled == t);
        assert_string_equal(p.snoozed_routine, routine);
        free(p.snoozed_routine);
        assert_int_equal(history_keep_pending(h, &(struct pending){ .skip = t + DAY }), 0); /* the snooze came */
        history_close(h);

        assert_int_equal(history_open(dir, &h), 0);
        history_pending(h, &p);
        assert_true(p.skip == t + DAY && p.snoozed_at == 0 && !p.snoozed_routine);
        assert_int_equal(history_keep_pending(h, &(struct pending){}), 0); /* the skip was cancelled */
        assert_false(pending_exists(dir));
        history_close(h);
        remove_dir(dir);
}

static void test_pending_garbage_is_forgotten(void **state) {
        char *dir = temp_dir(), path[256];
        struct history *h = NULL;
        struct pending p;
        FILE *f;

        snprintf(path, sizeof path, "%s/pending.json", dir);
        assert_non_null(f = fopen(path, "w"));
        fputs("{\"skip\":17, \"snoozed\":", f); /* torn by hand: not what tiptoed writes */
        fclose(f);
        assert_int_equal(history_open(dir, &h), 0);
        history_pending(h, &p);
        assert_true(p.skip == 0 && p.snoozed_at == 0 && !p.snoozed_routine);
        history_close(h);
        remove_dir(dir);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_records_read_back),
                cmocka_unit_test(test_torn_record_is_dropped_not_glued),
                cmocka_unit_test(test_streaks_count_local_days),
                cmocka_unit_test(test_pending_survives_reopening),
                cmocka_unit_test(test_pending_garbage_is_forgotten),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
