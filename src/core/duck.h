/* Ducking: how far other players are lowered, as a pure function of when speech is heard.
 * The way down ends as a cue begins, the way up begins a moment after it ends, each as the
 * player is heard (what it is told now it plays a latency later), and each is a raised
 * cosine on a logarithmic scale of volume, so no step is heard. Cues closer than
 * DUCK_MERGE_USEC are one span: music that came back for a breath between counts would
 * pump. */
#pragma once

#include "util.h"

#define DUCK_HOLD_USEC (250 * USEC_PER_MSEC) /* down this long after the last word */
#define DUCK_MERGE_USEC (2 * USEC_PER_SEC)   /* cues closer than this are one span */
#define DUCK_STEP_USEC (20 * USEC_PER_MSEC)  /* a fade in 50 steps a second */
#define DUCK_STEADY_USEC USEC_PER_SEC        /* looks while nothing changes */

struct span {
        usec_t begin, end; /* CLOCK_MONOTONIC */
};

struct duck_state {
        usec_t fade;     /* each way */
        usec_t latency;  /* how much later than it is told a player is heard: its own buffer */
        usec_t last_end; /* when the last speech heard ended; 0: none yet */
};

/* How far down other players are at now: 0 (untouched) to 1 (fully lowered). next: the
 * speech heard now or next (merged), or NULL if none is coming. Updates s->last_end, and
 * sets *ret_next to when to ask again: USEC_INFINITY when nothing is lowered and nothing
 * is coming, so that an idle daemon wakes for nothing. */
double duck_depth(struct duck_state *s, usec_t now, const struct span *next, usec_t *ret_next);

/* A player's Volume at depth: its own times keep^depth. */
double duck_volume(double original, double keep, double depth);
