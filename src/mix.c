#include <errno.h>
#include <unistd.h>

#include "mix.h"
#include "wav.h"

int track_build(const struct plan *plan, struct clips *clips, struct track **ret) {
        struct track *t = calloc(1, sizeof *t);
        int r;

        if (!t || !(t->clips = calloc(plan->n_cues ? plan->n_cues : 1, sizeof *t->clips))) {
                free(t);
                return -ENOMEM;
        }
        t->rate = clips_sample_rate(clips);
        t->n_clips = plan->n_cues;
        t->length = samples_from_usec(plan->total, t->rate);
        for (size_t i = 0; i < plan->n_cues; i++) {
                r = clips_get(clips, plan->cues[i].text, &t->clips[i].clip);
                if (r < 0) {
                        track_free(t);
                        return r;
                }
                t->clips[i].start = samples_from_usec(plan->cues[i].start, t->rate);
        }
        *ret = t;
        return 0;
}

void track_free(struct track *t) {
        if (!t)
                return;
        free(t->clips);
        free(t);
}

void mix_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, size_t *hint) {
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

int mix_render_wav(const struct track *t, const char *path) {
        struct wav_writer *w;
        int16_t block[4096];
        size_t hint = 0;
        int r = wav_writer_open(path, t->rate, &w);

        if (r < 0)
                return r;
        for (uint64_t pos = 0; pos < t->length && r >= 0; pos += ELEMENTSOF(block)) {
                size_t n = MIN(ELEMENTSOF(block), t->length - pos);
                mix_fill(t, pos, block, n, &hint);
                r = wav_writer_write(w, block, n);
        }
        int k = wav_writer_close(w);
        if (r >= 0)
                r = k;
        if (r < 0)
                unlink(path); /* half a routine is no use to anyone */
        return r;
}
