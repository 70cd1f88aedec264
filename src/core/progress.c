#include <limits.h>
#include <stdlib.h>

#include "progress.h"
#include "zone.h"

struct day {
        long day;
        enum morning morning;
        bool played;
};

static int cmp_day(const void *a, const void *b) {
        long x = ((const struct day *) a)->day, y = ((const struct day *) b)->day;
        return (x > y) - (x < y);
}

/* A day with a done morning is done, whatever else it had; else one bad is bad. */
static enum morning worse(enum morning kept, enum morning m) {
        if (kept == MORNING_DONE || m == MORNING_DONE)
                return MORNING_DONE;
        return kept == MORNING_BAD || m == MORNING_BAD ? MORNING_BAD : MORNING_NEITHER;
}

void progress_level(const struct morning_record *records, size_t n, usec_t now, const char *tz, struct progress *ret) {
        struct day *days = calloc(n ? n : 1, sizeof *days);
        struct progress p = { .level = LEVEL_EASY, .previous = LEVEL_EASY };
        size_t n_days = 0;
        long today, last_played = LONG_MIN;
        struct zone z;

        zone_enter(&z, tz);
        today = local_day(now);
        for (size_t i = 0; days && i < n; i++)
                days[i] = (struct day){ local_day(records[i].at), records[i].morning, records[i].played };
        zone_leave(&z);
        if (!days) { /* out of memory: no progress rather than none at all */
                *ret = p;
                return;
        }
        qsort(days, n, sizeof *days, cmp_day);

        for (size_t i = 0; i < n; i++) {
                if (days[i].played)
                        last_played = days[i].day;
                if (n_days > 0 && days[n_days - 1].day == days[i].day)
                        days[n_days - 1].morning = worse(days[n_days - 1].morning, days[i].morning);
                else
                        days[n_days++] = days[i];
        }

        for (size_t i = 0; i < n_days && days[i].day < today; i++) {
                int step = 0;

                if (days[i].morning == MORNING_DONE) {
                        p.bad = 0;
                        step = ++p.done == PROGRESS_UP;
                } else if (days[i].morning == MORNING_BAD) {
                        p.done = 0;
                        step = -(++p.bad == PROGRESS_DOWN);
                }
                if (step == 0)
                        continue;
                p.done = p.bad = 0;
                int level = (int) p.level + step;
                if (level < LEVEL_EASY || level >= _LEVEL_MAX)
                        continue;
                p.previous = p.level;
                p.level = (enum level) level;
                p.since = days[i].day + 1;
        }
        p.news = p.level != p.previous && last_played < p.since;
        free(days);
        *ret = p;
}
