#include "devclock.h"

void devclock_start(struct devclock *c, unsigned rate, usec_t latency) {
        *c = (struct devclock){ .rate = rate, .latency = latency };
}

static void ran_dry(struct devclock *c, uint64_t frame, usec_t held) {
        c->dry = true;
        c->dry_frame = frame;
        c->dry_held = held;
}

void devclock_ran_dry(struct devclock *c, uint64_t frame) {
        ran_dry(c, frame, 0);
}

struct devclock_jump devclock_heard(struct devclock *c, uint64_t frame, usec_t heard_at, usec_t buffered) {
        usec_t origin = heard_at - usec_from_samples(frame, c->rate);
        struct devclock_jump j = {};
        int sign;
        usec_t off;

        if (buffered < c->latency / DEVCLOCK_DRAINED_FRACTION)
                ran_dry(c, frame, buffered);
        if (c->origin == 0) {
                c->origin = origin;
                return j;
        }
        sign = origin > c->origin ? 1 : -1;
        off = sign > 0 ? origin - c->origin : c->origin - origin;
        if (off < DEVCLOCK_JUMP_MIN_USEC) {
                if (sign < 0)
                        c->origin = origin; /* the earliest word of a steady device is its truest */
                c->run_n = 0;
                return j;
        }
        if (c->run_n == 0 || sign != c->run_sign) {
                c->run_n = 0;
                c->run_sign = sign;
                c->run_min = off;
                c->run_frame = frame;
        } else
                c->run_min = MIN(c->run_min, off);
        if (++c->run_n < DEVCLOCK_JUMP_BUFFERS)
                return j;

        j.frame = c->run_frame;
        j.after_dry = USEC_INFINITY;
        if (c->dry) {
                j.after_dry = usec_from_samples(c->run_frame - MIN(c->dry_frame, c->run_frame), c->rate);
                j.dry_held = c->dry_held;
        }
        bool dry = c->dry && frame - c->dry_frame <= samples_from_usec(DEVCLOCK_DRY_USEC, c->rate);
        if (dry || c->run_min >= DEVCLOCK_UNSAID_USEC)
                *(sign > 0 ? &j.lost : &j.skipped) = c->run_min;
        else
                j.revised = sign * (int64_t) c->run_min;
        c->origin = sign > 0 ? c->origin + c->run_min : c->origin - c->run_min;
        c->run_n = 0;
        return j;
}
