#include <assert.h>
#include <errno.h>
#include <unistd.h>

#include "log.h"

#include "earcon.h"
#include "mix.h"
#include "wav.h"

/* The plan's sounds, each earcon drawn once at the track's rate and owned by the track. */
static int place_earcons(struct track *t, const struct plan *plan) {
        static_assert(ELEMENTSOF(t->owned) >= _EARCON_MAX, "a track owns each earcon's clip");

        if (plan->n_sounds == 0)
                return 0;
        t->earcons = calloc(plan->n_sounds, sizeof *t->earcons);
        if (!t->earcons)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_sounds; i++) {
                enum earcon e = plan->sounds[i].earcon;
                if (!t->owned[e]) {
                        int r = earcon_clip(e, t->rate, plan->earcon_level_db, &t->owned[e]);
                        if (r < 0)
                                return r;
                }
                t->earcons[t->n_earcons++] = (struct placed_clip){
                        .start = samples_from_usec(plan->sounds[i].start, t->rate),
                        .clip = t->owned[e],
                };
        }
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
        t->n_clips = plan->n_cues;
        t->length = samples_from_usec(plan->total, t->rate);
        for (size_t i = 0; i < plan->n_cues; i++) {
                r = clips_get_at(clips, plan->cues[i].text, t->rate, &t->clips[i].clip);
                if (r < 0)
                        return r;
                t->clips[i].start = samples_from_usec(plan->cues[i].start, t->rate);
        }
        r = place_earcons(t, plan);
        if (r < 0)
                return r;
        *ret = t;
        t = NULL;
        return 0;
}

int mix_render_wav(const struct track *t, const char *path) {
        struct wav_writer *w;
        int16_t block[4096];
        struct track_hint hint = {};
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
