/* The schedule: when tiptoed starts a routine by itself. Entries come from tiptoed.conf;
 * what is due when is a pure function of the entries, the instant, the time zone and the
 * last occurrence already dealt with (run, skipped or missed), which the history keeps.
 *
 * Times are local wall-clock times in the time zone given (NULL: $TZ, else the system's).
 * A time that does not exist on a day (the spring-forward gap) comes at the first instant
 * after the gap; a time that happens twice (fall-back) comes once, the first time. */
#pragma once

#include "conf.h"

#define SCHEDULE_CATCH_UP_MINUTES 30

struct schedule_entry {
        char *routine; /* NULL: the settings' routine */
        unsigned hour, minute;
        uint8_t days;      /* bit d set: runs on weekday d (0 Sunday, as tm_wday) */
        unsigned announce; /* minutes before, said aloud; 0: no announcement */
        unsigned catch_up; /* minutes after which a run not started is missed */
};

struct schedule {
        struct schedule_entry *entries;
        size_t n_entries;
};

struct occurrence {
        usec_t at; /* µs since the epoch */
        size_t entry;
};

/* Parses the settings' `schedule` list. */
int schedule_parse(const config_setting_t *list, struct schedule *ret, struct conf_error *err);
void schedule_done(struct schedule *s);

/* The first occurrence strictly after `after`; false when the schedule has none. */
bool schedule_next(const struct schedule *s, usec_t after, const char *tz, struct occurrence *ret);

enum schedule_step {
        SCHEDULE_NOTHING, /* nothing owed at now: wait for schedule_next(last) */
        SCHEDULE_DUE,     /* *ret came and is within its catch-up window: start it */
        SCHEDULE_MISSED,  /* *ret came and went: record it, then step again */
};

/* What is owed at now after `last` (0: nothing before now is owed). The caller records
 * *ret's instant as the new last and steps again until SCHEDULE_NOTHING. */
enum schedule_step schedule_step(const struct schedule *s, usec_t now, usec_t last, const char *tz,
                                 struct occurrence *ret);

size_t schedule_runs_a_week(const struct schedule *s);

/* "mon-fri", "sat,sun", "daily" for a days mask. */
void schedule_days_to_string(uint8_t days, char *buf, size_t size);
