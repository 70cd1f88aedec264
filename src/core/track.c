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
        free(t->earcons);
        for (size_t i = 0; i < ELEMENTSOF(t->owned); i++)
                clip_free(t->owned[i]);
        free(t);
}

/* Copies the clips of one layer that sound in [pos, pos + n) into out. */
static void layer_fill(const struct placed_clip *clips, size_t n_clips, uint64_t pos, int16_t *out, size_t n,
                       size_t *hint) {
        size_t i = MIN(*hint, n_clips ? n_clips - 1 : 0);
        uint64_t end = pos + n;

        /* Back up if asked for an earlier position than last time (a seek). */
        while (i > 0 && clips[i].start > pos)
                i--;
        for (; i < n_clips; i++) {
                const struct placed_clip *c = &clips[i];
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

void track_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, struct track_hint *hint) {
        memset(out, 0, n * sizeof *out);
        layer_fill(t->clips, t->n_clips, pos, out, n, &hint->clip);
        layer_fill(t->earcons, t->n_earcons, pos, out, n, &hint->earcon);
}

/* The last clip of a layer that begins at or before pos, or -1. */
static ssize_t layer_at(const struct placed_clip *clips, size_t n_clips, uint64_t pos) {
        size_t lo = 0, hi = n_clips;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (clips[mid].start <= pos)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return (ssize_t) lo - 1;
}

ssize_t track_clip_at(const struct track *t, uint64_t pos) {
        return layer_at(t->clips, t->n_clips, pos);
}

uint64_t track_clip_onset(const struct track *t, size_t i, uint64_t within) {
        uint64_t start = t->clips[i].start;
        ssize_t k = layer_at(t->earcons, t->n_earcons, start);

        if (k >= 0 && t->earcons[k].start + t->earcons[k].clip->n_samples + within >= start)
                return t->earcons[k].start;
        return start;
}

/* Clip i of a layer, if it sounds at pos. */
static bool layer_sounds(const struct placed_clip *clips, ssize_t i, uint64_t pos) {
        return i >= 0 && pos < clips[i].start + clips[i].clip->n_samples;
}

uint64_t track_sound_start(const struct track *t, uint64_t pos) {
        ssize_t i = layer_at(t->clips, t->n_clips, pos), k = layer_at(t->earcons, t->n_earcons, pos);

        if (layer_sounds(t->clips, i, pos))
                return t->clips[i].start;
        return layer_sounds(t->earcons, k, pos) ? t->earcons[k].start : pos;
}

/* Narrows [*from, *to) to the silence around pos in one layer; false if pos sounds. */
static bool layer_quiet(const struct placed_clip *clips, size_t n_clips, uint64_t pos, uint64_t *from, uint64_t *to) {
        ssize_t i = layer_at(clips, n_clips, pos);

        if (layer_sounds(clips, i, pos))
                return false;
        if (i >= 0)
                *from = MAX(*from, clips[i].start + clips[i].clip->n_samples);
        if ((size_t) (i + 1) < n_clips)
                *to = MIN(*to, clips[i + 1].start);
        return true;
}

bool track_quiet(const struct track *t, uint64_t pos, uint64_t *ret_from, uint64_t *ret_to) {
        uint64_t from = 0, to = MAX(t->length, pos);

        if (!layer_quiet(t->clips, t->n_clips, pos, &from, &to) ||
            !layer_quiet(t->earcons, t->n_earcons, pos, &from, &to))
                return false;
        *ret_from = from;
        *ret_to = to;
        return true;
}
