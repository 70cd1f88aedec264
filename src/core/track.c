#include <errno.h>
#include <math.h>
#include <string.h>

#include "track.h"

void clip_free(struct clip *c) {
        if (!c)
                return;
        free(c->samples);
        free(c);
}

int clip_tone(unsigned rate, double hz, usec_t duration, int16_t peak, struct clip **ret) {
        _cleanup_(clip_freep) struct clip *c = calloc(1, sizeof *c);
        size_t n = (size_t) (duration * rate / USEC_PER_SEC), ramp = MAX(rate / 200, 1u); /* 5 ms */

        if (!c)
                return -ENOMEM;
        c->samples = calloc(MAX(n, (size_t) 1), sizeof *c->samples);
        if (!c->samples)
                return -ENOMEM;
        c->n_samples = n;
        for (size_t i = 0; i < n; i++) {
                double edge = MIN(MIN(i, n - 1 - i), ramp) / (double) ramp; /* raised-cosine ends: no click */
                double envelope = 0.5 - 0.5 * cos(M_PI * edge);
                c->samples[i] = (int16_t) lround(peak * envelope * sin(2 * M_PI * hz * (double) i / rate));
        }
        *ret = c;
        c = NULL;
        return 0;
}

static bool loud(int16_t s) {
        return s >= CLIP_SILENCE_THRESHOLD || s <= -CLIP_SILENCE_THRESHOLD;
}

void clip_trim(struct clip *c) {
        size_t first = 0, end = c->n_samples;

        while (first < end && !loud(c->samples[first]))
                first++;
        while (end > first && !loud(c->samples[end - 1]))
                end--;
        memmove(c->samples, c->samples + first, (end - first) * sizeof *c->samples);
        c->n_samples = end - first;
}

void track_free(struct track *t) {
        if (!t)
                return;
        free(t->clips);
        free(t);
}

void track_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, size_t *hint) {
        size_t i = MIN(*hint, t->n_clips ? t->n_clips - 1 : 0);
        uint64_t end = pos + n;

        /* Back up if asked for an earlier position than last time (a seek). */
        while (i > 0 && t->clips[i].start > pos)
                i--;
        memset(out, 0, n * sizeof *out);
        for (; i < t->n_clips; i++) {
                const struct placed_clip *c = &t->clips[i];
                uint64_t clip_end = c->start + c->clip->n_samples;

                if (clip_end <= pos)
                        continue;
                if (c->start >= end)
                        break;
                uint64_t from = MAX(pos, c->start), to = MIN(end, clip_end);
                memcpy(out + (from - pos), c->clip->samples + (from - c->start), (to - from) * sizeof *out);
                if (clip_end > end)
                        break;
        }
        *hint = i;
}
