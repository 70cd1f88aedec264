/* Tracks: clips of speech placed at the samples where they sound. A track is built once
 * (audio/mix.c) and then only read: track_fill() renders any window of it without
 * allocating, locking or logging, so an audio callback may call it. */
#pragma once

#include "util.h"

struct clip {
        int16_t *samples; /* leading and trailing silence trimmed */
        size_t n_samples;
};

void clip_free(struct clip *c);
DEFINE_POINTER_CLEANUP(struct clip, clip_free)

/* A sine of hz, duration long at rate, peak loud, its ends faded over 5 ms: a tone the
 * player sounds over the routine (a volume changed, a button refused). */
int clip_tone(unsigned rate, double hz, usec_t duration, int16_t peak, struct clip **ret);

/* A sample this loud or louder is sound; quieter is silence. About -50 dBFS. */
#define CLIP_SILENCE_THRESHOLD 100

/* Removes samples quieter than the threshold from both ends, in place. */
void clip_trim(struct clip *c);

struct placed_clip {
        uint64_t start; /* sample at which the clip's first sample sounds */
        const struct clip *clip;
};

struct track {
        struct placed_clip *clips; /* in order, never overlapping */
        size_t n_clips;
        uint64_t length; /* samples */
        unsigned rate;
};

void track_free(struct track *t);
DEFINE_POINTER_CLEANUP(struct track, track_free)

/* Writes samples [pos, pos + n) of the track into out. *hint remembers where the last
 * call stopped, so sequential calls cost O(n); start it at 0. */
void track_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, size_t *hint);
