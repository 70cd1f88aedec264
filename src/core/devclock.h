/* The device's clock, against the system's: from when each buffer will be heard, as the
 * device says, when it sounded the first frame it was given, and which of its jumps the
 * listener heard. Pure, so that tests can feed it the figures a device gives.
 *
 * Those figures creep as the device's crystal and the system clock differ. They jump
 * later when the device ran dry and played a gap, which the player makes up, and sooner
 * when, running dry, it threw sound away, which the player holds back. They also move
 * with nothing heard, as a sound server revises them, which only moves the origin. A jump
 * was heard when it comes soon after the device ran dry, or is too long to be a revision.
 * The figures behind each constant are in bench/README.md, "Why the constants". */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* A jump is a device sounding this far from its word (its figures wander by less)... */
#define DEVCLOCK_JUMP_MIN_USEC (2 * USEC_PER_MSEC)
/* ...for this many buffers in a row (one figure is noise)... */
#define DEVCLOCK_JUMP_BUFFERS 10
/* ...and it was heard if it came this soon after the device ran dry... */
#define DEVCLOCK_DRY_USEC (2 * USEC_PER_SEC)
/* ...which it did when PortAudio says so, or when it held under 1/this of its latency
 * (ALSA's pulse plugin does not report every gap)... */
#define DEVCLOCK_DRAINED_FRACTION 4
/* ...or if it is this long, too long for a revision, with or without a sign. */
#define DEVCLOCK_UNSAID_USEC (20 * USEC_PER_MSEC)

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
