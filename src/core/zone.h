/* Local time in a time zone of one's choosing: glibc only knows $TZ, so the schedule and
 * the history set it for the length of a computation and put it back. Main thread only
 * (no other thread of tiptoed's reads local time). */
#pragma once

#include "util.h"

struct zone {
        char *saved;
        bool changed;
};

/* tz NULL: the zone in force ($TZ, or the system's). */
void zone_enter(struct zone *z, const char *tz);
void zone_leave(struct zone *z);
