/* A routine planned and placed as tiptoed would play it, for the tools that stand beside
 * it (tests/heard, bench/wallclock): routine and voice files in, a track out. */
#pragma once

#include "mix.h"

struct planned {
        struct routine *routine;
        struct voice *voice;
        struct speech *speech;
        struct clips *clips;
        struct plan *plan;
        struct track *track;
};

/* Says what went wrong on stderr and returns a negative errno. earcons: the voice's on (1)
 * or off (0), or as it says (-1); rate 0: the speech rate. */
int planned_load(const char *routine, const char *voice, enum level level, int earcons, unsigned rate,
                 struct planned *ret);
void planned_free(struct planned *p);
