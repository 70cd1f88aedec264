/* level = "auto": the article's ranges as a progression, decided from the history alone.
 *
 * Each local day that has records comes to one morning: done (a routine completed that
 * day), bad (none completed, and one was stopped before its end or a scheduled run was
 * missed), or neither (skipped on purpose, a failure of the box's, nothing at all). From
 * easy, in order of days, up to today (today's mornings count from tomorrow):
 *   - seven done mornings, with no bad one between them, go up a level (hard stays hard);
 *   - two bad mornings, with no done one between them, go down a level (easy stays easy);
 *   - either change starts the count of both afresh, from the day after.
 * Days with nothing in between neither count nor break a count, so a routine done only on
 * weekdays goes up just the same, in a week and a half. */
#pragma once

#include "conf.h"

enum morning {
        MORNING_NEITHER,
        MORNING_DONE,
        MORNING_BAD,
};

struct morning_record {
        usec_t at; /* µs since the epoch */
        enum morning morning;
        bool played; /* a routine started (not a run missed or skipped) */
};

#define PROGRESS_UP 7   /* done mornings, no bad between, to go up */
#define PROGRESS_DOWN 2 /* bad mornings, no done between, to go down */

struct progress {
        enum level level;    /* in force today */
        enum level previous; /* before its last change; level itself if it never changed */
        long since;          /* the local day from which it is in force (days since 1970-01-01) */
        bool news;           /* it changed, and no routine has been played since */
        unsigned done, bad;  /* the counts toward the next change */
};

/* records in any order; days are local days in tz (NULL: the zone in force). */
void progress_level(const struct morning_record *records, size_t n, usec_t now, const char *tz, struct progress *ret);
