#include <errno.h>
#include <stdio.h>
#include <strings.h>
#include <time.h>

#include "schedule.h"
#include "zone.h"

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
static const char *const entry_keys[] = { "routine", "time", "days", "announce", "catch_up", NULL };

void schedule_done(struct schedule *s) {
        for (size_t i = 0; i < s->n_entries; i++)
                free(s->entries[i].routine);
        free(s->entries);
        *s = (struct schedule){};
}

static int day_from_name(const char *s, size_t n) {
        for (int d = 0; d < 7; d++)
                if (n == 3 && strncasecmp(s, day_names[d], 3) == 0)
                        return d;
        return -1;
}

/* "mon", "mon-fri" (wrapping: "fri-mon"), "daily". */
static int parse_days(const char *s, uint8_t *days) {
        const char *dash = strchr(s, '-');
        int a, b;

        if (streq(s, "daily")) {
                *days = 0x7f;
                return 0;
        }
        a = day_from_name(s, dash ? (size_t) (dash - s) : strlen(s));
        b = dash ? day_from_name(dash + 1, strlen(dash + 1)) : a;
        if (a < 0 || b < 0)
                return -EINVAL;
        for (int d = a;; d = (d + 1) % 7) {
                *days |= (uint8_t) (1u << d);
                if (d == b)
                        break;
        }
        return 0;
}

/* "days": a string, or an array or list of them, each parse_days()'s. */
static int parse_days_setting(const config_setting_t *days, uint8_t *mask) {
        if (config_setting_type(days) == CONFIG_TYPE_STRING)
                return parse_days(config_setting_get_string(days), mask);
        if (!config_setting_is_array(days) && !config_setting_is_list(days))
                return -EINVAL;
        for (int i = 0; i < config_setting_length(days); i++) {
                const char *d = config_setting_get_string_elem(days, i);
                if (!d || parse_days(d, mask) < 0)
                        return -EINVAL;
        }
        return 0;
}

static int parse_entry(const config_setting_t *g, struct schedule_entry *e, struct conf_error *err) {
        const config_setting_t *days;
        const char *time = NULL;
        double announce = 0, catch_up = SCHEDULE_CATCH_UP_MINUTES;
        unsigned h, m;
        int r, n = 0;

        if (!config_setting_is_group(g))
                return conf_fail(err, g, "each schedule entry is a group: { time = \"07:00\"; days = \"mon-fri\"; }");
        r = conf_check_keys(g, entry_keys, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(g, "routine", false, &e->routine, err);
        if (r < 0)
                return r;
        r = conf_get_string(g, "time", true, &time, err);
        if (r < 0)
                return r;
        r = conf_get_number(g, "announce", false, 0, 120, &announce, err);
        if (r < 0)
                return r;
        r = conf_get_number(g, "catch_up", false, 0, 720, &catch_up, err);
        if (r < 0)
                return r;
        size_t hl = strspn(time, "0123456789"); /* H:MM or HH:MM, nothing else */
        if (hl < 1 || hl > 2 || time[hl] != ':' || strspn(time + hl + 1, "0123456789") != 2 || time[hl + 3] ||
            sscanf(time, "%u:%u%n", &h, &m, &n) != 2 || h > 23 || m > 59)
                return conf_fail(err, config_setting_get_member(g, "time"),
                                 "'time' is \"%s\": give a local time as HH:MM, such as \"07:00\"", time);
        e->hour = h;
        e->minute = m;
        e->announce = (unsigned) announce;
        e->catch_up = (unsigned) catch_up;
        if (announce != e->announce || catch_up != e->catch_up)
                return conf_fail(err, g, "'announce' and 'catch_up' are whole minutes");

        days = config_setting_get_member(g, "days");
        if (!days) {
                e->days = 0x7f;
                return 0;
        }
        if (parse_days_setting(days, &e->days) < 0 || !e->days)
                return conf_fail(
                        err, days,
                        "'days': give day names or ranges, such as \"mon-fri\" or [\"sat\", \"sun\"], or \"daily\"");
        return 0;
}

int schedule_parse(const config_setting_t *list, struct schedule *ret, struct conf_error *err) {
        struct schedule s = {};
        int n = list ? config_setting_length(list) : 0, r;

        if (list && !config_setting_is_list(list) && !config_setting_is_group(list))
                return conf_fail(err, list, "'schedule' is a list of entries: ( { time = \"07:00\"; } )");
        s.entries = calloc((size_t) n + 1, sizeof *s.entries);
        if (!s.entries)
                return -ENOMEM;
        if (list && config_setting_is_group(list)) { /* one entry, written without the list */
                r = parse_entry(list, &s.entries[0], err);
                s.n_entries = 1;
        } else
                for (r = 0; r >= 0 && s.n_entries < (size_t) n; s.n_entries++)
                        r = parse_entry(config_setting_get_elem(list, (unsigned) s.n_entries), &s.entries[s.n_entries],
                                        err);
        if (r < 0) {
                schedule_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}

/* --- time, in one time zone ------------------------------------------------------------- */

/* Wall-clock time as one comparable number. */
static int64_t wall(const struct tm *tm) {
        return ((((int64_t) tm->tm_year * 13 + tm->tm_mon) * 32 + tm->tm_mday) * 24 + tm->tm_hour) * 3600 +
               tm->tm_min * 60 + tm->tm_sec;
}

static int64_t wall_at(time_t t) {
        struct tm tm;
        localtime_r(&t, &tm);
        return wall(&tm);
}

/* The first instant at which the wall clock reads the date and time of *want, or has just
 * passed it (in the spring-forward gap). */
static time_t local_instant(const struct tm *want) {
        int64_t target = wall(want);
        time_t found = -1, lo = 0, hi = 0;

        for (int dst = 0; dst <= 1; dst++) {
                struct tm tm = *want;
                tm.tm_isdst = dst;
                time_t t = mktime(&tm);
                if (wall_at(t) == target && (found < 0 || t < found))
                        found = t; /* twice, at fall-back: the first */
                lo = dst == 0 || t < lo ? t : lo;
                hi = dst == 0 || t > hi ? t : hi;
        }
        if (found >= 0)
                return found;
        /* In the gap. Around it the wall clock only moves forward: find where it passes. */
        lo -= 3 * 3600;
        hi += 3 * 3600;
        while (hi - lo > 1) {
                time_t mid = lo + (hi - lo) / 2;
                if (wall_at(mid) >= target)
                        hi = mid;
                else
                        lo = mid;
        }
        return hi;
}

static bool next_of_entry(const struct schedule_entry *e, time_t after, time_t *ret) {
        struct tm day;

        localtime_r(&after, &day);
        for (int i = 0; i <= 8; i++) {
                struct tm d = { .tm_year = day.tm_year,
                                .tm_mon = day.tm_mon,
                                .tm_mday = day.tm_mday + i,
                                .tm_hour = 12,
                                .tm_isdst = -1 };
                time_t noon = mktime(&d); /* normalizes the date; noon is never in a gap */
                localtime_r(&noon, &d);
                if (!(e->days & (1u << d.tm_wday)))
                        continue;
                d.tm_hour = (int) e->hour;
                d.tm_min = (int) e->minute;
                d.tm_sec = 0;
                time_t t = local_instant(&d);
                if (t > after) {
                        *ret = t;
                        return true;
                }
        }
        return false;
}

bool schedule_next(const struct schedule *s, usec_t after, const char *tz, struct occurrence *ret) {
        time_t after_s = (time_t) (after / USEC_PER_SEC), best = 0;
        struct zone z;
        bool found = false;

        zone_enter(&z, tz);
        for (size_t i = 0; i < s->n_entries; i++) {
                time_t t;
                if (next_of_entry(&s->entries[i], after_s, &t) && (!found || t < best)) {
                        best = t;
                        ret->entry = i;
                        found = true;
                }
        }
        zone_leave(&z);
        if (found)
                ret->at = (usec_t) best * USEC_PER_SEC;
        return found;
}

enum schedule_step schedule_step(const struct schedule *s, usec_t now, usec_t last, const char *tz,
                                 struct occurrence *ret) {
        if (last == 0 || !schedule_next(s, last, tz, ret) || ret->at > now)
                return SCHEDULE_NOTHING;
        if (now - ret->at <= s->entries[ret->entry].catch_up * 60 * USEC_PER_SEC)
                return SCHEDULE_DUE;
        return SCHEDULE_MISSED;
}

void schedule_days_to_string(uint8_t days, char *buf, size_t size) {
        size_t n = 0;

        if (days == 0x7f) {
                snprintf(buf, size, "daily");
                return;
        }
        buf[0] = 0;
        for (int d = 1; d <= 7; d++) { /* Monday first */
                if (!(days & (1u << (d % 7))))
                        continue;
                int end = d;
                while (end < 7 && (days & (1u << ((end + 1) % 7))))
                        end++;
                n += (size_t) snprintf(buf + n, size > n ? size - n : 0, "%s%s%s%s", n ? "," : "", day_names[d % 7],
                                       end > d + 1    ? "-"
                                       : end == d + 1 ? ","
                                                      : "",
                                       end > d ? day_names[end % 7] : "");
                d = end;
        }
}

size_t schedule_runs_a_week(const struct schedule *s) {
        size_t n = 0;
        for (size_t i = 0; i < s->n_entries; i++)
                n += (size_t) __builtin_popcount(s->entries[i].days);
        return n;
}
