#include <errno.h>
#include <soxr.h>
#include <unistd.h>

#include "log.h"

#include "mix.h"
#include "wav.h"

/* The clip at another rate, through libsoxr: clips are resampled once, before playing,
 * so the audio thread only ever copies. */
static int resample(const struct clip *in, unsigned from, unsigned to, struct clip *ret) {
        soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
        soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
        size_t n = (size_t) (((uint64_t) in->n_samples * to + from - 1) / from), done = 0;
        soxr_error_t e;

        ret->samples = calloc(MAX(n, (size_t) 1), sizeof *ret->samples);
        if (!ret->samples)
                return -ENOMEM;
        e = soxr_oneshot(from, to, 1, in->samples, in->n_samples, NULL, ret->samples, n, &done, &io, &quality, NULL);
        if (e) {
                free(ret->samples);
                ret->samples = NULL;
                return log_error_errno(EINVAL, "Failed to resample speech from %u to %u Hz: %s", from, to, e);
        }
        ret->n_samples = done;
        return 0;
}

/* The track's own copy of clip at its rate: one per distinct clip. */
static int track_clip(struct track *t, const struct clip *clip, unsigned from, const struct clip **ret) {
        for (size_t i = 0; i < t->n_owned; i++)
                if (t->sources[i] == clip) {
                        *ret = &t->owned[i];
                        return 0;
                }
        int r = resample(clip, from, t->rate, &t->owned[t->n_owned]);
        if (r < 0)
                return r;
        t->sources[t->n_owned] = clip;
        *ret = &t->owned[t->n_owned++];
        return 0;
}

int track_build(const struct plan *plan, struct clips *clips, unsigned rate, struct track **ret) {
        unsigned from = clips_sample_rate(clips);
        size_t n = MAX(plan->n_cues, (size_t) 1);
        _cleanup_(track_freep) struct track *t = calloc(1, sizeof *t);
        int r;

        if (!t || !(t->clips = calloc(n, sizeof *t->clips)))
                return -ENOMEM;
        t->rate = rate ?: from;
        if (t->rate != from &&
            (!(t->owned = calloc(n, sizeof *t->owned)) || !(t->sources = calloc(n, sizeof *t->sources))))
                return -ENOMEM;
        t->n_clips = plan->n_cues;
        t->length = samples_from_usec(plan->total, t->rate);
        for (size_t i = 0; i < plan->n_cues; i++) {
                r = clips_get(clips, plan->cues[i].text, &t->clips[i].clip);
                if (r < 0)
                        return r;
                if (t->rate != from) {
                        r = track_clip(t, t->clips[i].clip, from, &t->clips[i].clip);
                        if (r < 0)
                                return r;
                }
                t->clips[i].start = samples_from_usec(plan->cues[i].start, t->rate);
        }
        *ret = t;
        t = NULL;
        return 0;
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
                track_fill(t, pos, block, n, &hint);
                r = wav_writer_write(w, block, n);
        }
        int k = wav_writer_close(w);
        if (r >= 0)
                r = k;
        if (r < 0)
                unlink(path); /* half a routine is no use to anyone */
        return r;
}
