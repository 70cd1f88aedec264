#include "devclock.h"

void devclock_start(struct devclock *c, unsigned rate, usec_t latency) {
        *c = (struct devclock){ .rate = rate, .latency = latency };
}

void devclock_ran_dry(struct devclock *c, uint64_t frame) {
        c->dry = true;
        c->dry_frame = frame;
}

struct devclock_jump devclock_heard(struct devclock *c, uint64_t frame, usec_t heard_at, usec_t buffered) {
        usec_t origin = heard_at - usec_from_samples(frame, c->rate);
        usec_t late = origin - c->origin;
        struct devclock_jump j = {};

        if (buffered < c->latency / DEVCLOCK_DRAINED_FRACTION)
                devclock_ran_dry(c, frame);
        if (c->origin == 0 || origin <= c->origin) {
                c->origin = origin;
                c->late_n = 0;
                return j;
        }
        if (late < DEVCLOCK_LATE_MIN_USEC) {
                c->late_n = 0;
                return j;
        }
        c->late_min = c->late_n++ == 0 ? late : MIN(c->late_min, late);
        if (c->late_n < DEVCLOCK_LATE_BUFFERS)
                return j;
        bool dry = c->dry && frame - c->dry_frame <= samples_from_usec(DEVCLOCK_DRY_USEC, c->rate);
        if (dry || c->late_min >= DEVCLOCK_UNSAID_USEC)
                j.lost = c->late_min;
        else
                j.revised = c->late_min;
        c->origin += c->late_min;
        c->late_n = 0;
        return j;
}
