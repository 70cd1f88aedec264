/* The mixer: a plan's clips placed by sample position in one continuous stream.
 * mix_fill() is what the offline renderer and the live player both call; it does not
 * allocate, lock or log, so an audio callback may call it. */
#pragma once

#include "clips.h"
#include "plan.h"

struct placed_clip {
        uint64_t start; /* sample at which the clip's first sample sounds */
        const struct clip *clip;
};

struct track {
        struct placed_clip *clips; /* in order, never overlapping */
        size_t n_clips;
        uint64_t length; /* samples */
        unsigned rate;
        struct clip *owned; /* the clips resampled to rate, when that is not the speech rate */
        const struct clip **sources;
        size_t n_owned;
};

/* Synthesizes (through the cache) whatever the plan says that is not yet cached, and
 * places it at rate (0: the speech rate), resampled when that differs. */
int track_build(const struct plan *plan, struct clips *clips, unsigned rate, struct track **ret);
void track_free(struct track *t);
DEFINE_POINTER_CLEANUP(struct track, track_free)

/* Writes samples [pos, pos + n) of the track into out. *hint remembers where the last
 * call stopped, so sequential calls cost O(n); start it at 0. */
void mix_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, size_t *hint);

/* Writes the whole track, silence included, to a WAV file. */
int mix_render_wav(const struct track *t, const char *path);
