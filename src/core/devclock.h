/* The device's clock, against the system's: from when each buffer will be heard, as the
 * device says, when it sounded the first frame it was given, and which of its jumps the
 * listener heard. Pure, so that tests can feed it the figures a device gives.
 *
 * Those figures creep as the device's crystal and the system clock differ. They jump
 * later when the device ran dry and played a gap, which the player then makes up; and
 * sooner when, running dry, it threw sound away: PulseAudio, stopped for 35-40 ms, now and
 * then dropped 1.5-4.5 ms more of what it was given than it filled with silence, and
 * every later cue came that much early (bench/stall), which the player holds back.
 * They also move past 2 ms either way with nothing heard, as a sound server revises them
 * (2.0-2.8 ms seen with both cores compiling), which only moves the origin. A jump was
 * heard when it comes soon after the device ran dry, or is too long to be a revision. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define DEVCLOCK_JUMP_MIN_USEC                                                                                         \
        (2 * USEC_PER_MSEC)                  /* how far from its word a device must                                    \
                                              * sound to have jumped: its figures                                      \
                                              * wander by 0.3 ms */
#define DEVCLOCK_JUMP_BUFFERS 10             /* and for how many buffers in a row: one figure is noise */
#define DEVCLOCK_DRY_USEC (2 * USEC_PER_SEC) /* and how soon after it ran dry, */
#define DEVCLOCK_DRAINED_FRACTION                                                                                      \
        4 /* which it did if PortAudio says so or it held under a                                                      \
           * quarter of its latency: 1-5 ms after PulseAudio stalled                                                   \
           * and left gaps of 3-11 ms that ALSA's pulse plugin did                                                     \
           * not report; 40-50 ms otherwise, 15 ms at least under load */
#define DEVCLOCK_UNSAID_USEC                                                                                           \
        (20 * USEC_PER_MSEC) /* unless it is this long: CI saw a 65.8 ms                                               \
                              * gap with neither sign */

struct devclock {
        unsigned rate;
        usec_t latency; /* what the device holds when full */
        usec_t origin;  /* when the device says its first frame was heard; 0: not known yet */
        int run_sign;   /* run_n buffers in a row were later (1) or sooner (-1) than origin, */
        unsigned run_n;
        usec_t run_min;     /* by at least this much, */
        uint64_t run_frame; /* from this frame */
        bool dry;           /* it ran dry at dry_frame */
        uint64_t dry_frame;
        usec_t dry_held; /* what it was found holding then; 0: PortAudio said it ran dry */
};

/* What one buffer's figures showed: time the listener heard as a gap, to be made up; sound
 * the device threw away, so that what follows comes early, to be held back; or how far the
 * device moved its word with nothing heard (later > 0, sooner < 0). To tell which it was
 * when a recording disagrees: where it began and what came before it. */
struct devclock_jump {
        usec_t lost;
        usec_t skipped;
        int64_t revised;
        uint64_t frame;   /* the first of the buffers off the origin */
        usec_t after_dry; /* how long after the device last ran dry; USEC_INFINITY: never */
        usec_t dry_held;  /* what it held then; 0: PortAudio said it ran dry */
};

void devclock_start(struct devclock *c, unsigned rate, usec_t latency);

/* The device ran dry before the buffer starting at frame (PortAudio said so). */
void devclock_ran_dry(struct devclock *c, uint64_t frame);

/* The buffer starting at frame is heard at heard_at, buffered after what the device holds
 * now (its latency at this moment). */
struct devclock_jump devclock_heard(struct devclock *c, uint64_t frame, usec_t heard_at, usec_t buffered);
