#include <math.h>

#include "duck.h"

/* 0 to 1 as x goes from 0 to 1, flat at both ends. */
static double ease(double x) {
        x = x < 0 ? 0 : x > 1 ? 1 : x;
        return (1 - cos(M_PI * x)) / 2;
}

static double progress(usec_t now, usec_t from, usec_t length) {
        if (now < from)
                return 0;
        return length == 0 ? 1 : (double) (now - from) / (double) length;
}

double duck_depth(struct duck_state *s, usec_t now, const struct span *next, usec_t *ret_next) {
        usec_t at = now + s->latency; /* when what is sent now is heard */
        usec_t wake = at + DUCK_STEADY_USEC;
        double down = 0, up = 0;

        if (next && next->begin <= at && at < next->end)
                s->last_end = next->end; /* speaking: it ends then, as far as is known */
        else if (s->last_end > at)
                s->last_end = at; /* it was to go on, and stopped: a pause */

        if (next && next->end > at) {
                usec_t from = next->begin > s->fade ? next->begin - s->fade : 0;
                down = ease(progress(at, from, s->fade));
                if (at < from)
                        wake = MIN(wake, from);
        }
        if (s->last_end > 0 && next && next->begin > s->last_end && next->begin < s->last_end + DUCK_MERGE_USEC)
                up = 1; /* a breath between two cues */
        else if (s->last_end > 0) {
                usec_t from = s->last_end + DUCK_HOLD_USEC;
                up = 1 - ease(progress(at, from, s->fade));
                if (at < from)
                        wake = MIN(wake, from);
        }
        double depth = MAX(down, up);
        if (depth > 0 && depth < 1)
                *ret_next = now + DUCK_STEP_USEC;
        else if (depth == 0 && !(next && next->end > at))
                *ret_next = USEC_INFINITY;
        else
                *ret_next = wake - s->latency;
        return depth;
}

double duck_volume(double original, double keep, double depth) {
        if (depth <= 0)
                return original;
        if (keep <= 0) /* all the way down: the log scale has no bottom, so along a line */
                return original * (1 - depth);
        return original * pow(keep, depth);
}
