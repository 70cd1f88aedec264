/* The device's clock, against the system's: from when each buffer will be heard, as the
 * device says, when it sounded the first frame it was given, and which of its jumps were
 * gaps the listener heard. Pure, so that tests can feed it the figures a device gives.
 *
 * Those figures creep as the device's crystal and the system clock differ; they jump when
 * the device ran dry and played a gap, which the player then makes up; and they creep past
 * 2 ms now and then with nothing heard, as a sound server revises them (2.0-2.8 ms seen
 * with both cores compiling), which only moves the origin. A jump is a gap when it comes
 * soon after the device ran dry, or is too long to be a revision. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

#define DEVCLOCK_LATE_MIN_USEC (2 * USEC_PER_MSEC) /* how much later than its word a device
                                                    * must sound to have lost time: its
                                                    * figures wander by 0.3 ms */
#define DEVCLOCK_LATE_BUFFERS 10 /* and for how many buffers in a row: one late figure is noise */
#define DEVCLOCK_DRY_USEC (2 * USEC_PER_SEC) /* and how soon after it ran dry, */
#define DEVCLOCK_DRAINED_FRACTION 4 /* which it did if PortAudio says so or it held under a
                                     * quarter of its latency: 1-5 ms after PulseAudio stalled
                                     * and left gaps of 3-11 ms that ALSA's pulse plugin did
                                     * not report; 40-50 ms otherwise, 15 ms at least under load */
#define DEVCLOCK_UNSAID_USEC (20 * USEC_PER_MSEC) /* unless it is this long: CI saw a 65.8 ms
                                                   * gap with neither sign */

struct devclock {
        unsigned rate;
        usec_t latency;     /* what the device holds when full */
        usec_t origin;      /* when the device says its first frame was heard; 0: not known yet */
        usec_t late_min;    /* the least lateness of late_n buffers in a row */
        unsigned late_n;
        bool dry;           /* it ran dry at dry_frame */
        uint64_t dry_frame;
};

/* What one buffer's figures showed: time the listener heard as a gap, to be made up, or
 * by how much the device moved its word with nothing heard. */
struct devclock_jump {
        usec_t lost;
        usec_t revised;
};

void devclock_start(struct devclock *c, unsigned rate, usec_t latency);

/* The device ran dry before the buffer starting at frame (PortAudio said so). */
void devclock_ran_dry(struct devclock *c, uint64_t frame);

/* The buffer starting at frame is heard at heard_at, buffered after what the device holds
 * now (its latency at this moment). */
struct devclock_jump devclock_heard(struct devclock *c, uint64_t frame, usec_t heard_at, usec_t buffered);
