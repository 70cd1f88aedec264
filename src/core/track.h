/* Tracks: clips of speech, and earcons between them, placed at the samples where they sound. A track is built once
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
        struct placed_clip *clips; /* in order, never overlapping: clip i says the plan's cue i */
        size_t n_clips;
        struct placed_clip *earcons; /* the plan's sounds, in order, overlapping nothing */
        size_t n_earcons;
        struct clip *owned[4]; /* what the track drew itself (the earcons' clips), freed with it */
        uint64_t length;       /* samples */
        unsigned rate;
};

/* Where the last track_fill() stopped in each layer, so sequential calls cost O(n); start
 * it at {}. */
struct track_hint {
        size_t clip, earcon;
};

void track_free(struct track *t);
DEFINE_POINTER_CLEANUP(struct track, track_free)

/* Writes samples [pos, pos + n) of the track into out. */
void track_fill(const struct track *t, uint64_t pos, int16_t *out, size_t n, struct track_hint *hint);

/* The last speech clip that begins at or before pos, or -1. */
ssize_t track_clip_at(const struct track *t, uint64_t pos);

/* Where clip i is first heard: at the earcon that leads into it (ending no more than
 * within samples before it), if one does. */
uint64_t track_clip_onset(const struct track *t, size_t i, uint64_t within);

/* Where the sound (speech or earcon) heard at pos begins; pos itself in a silence. */
uint64_t track_sound_start(const struct track *t, uint64_t pos);

/* Whether pos is in a silence, between one sound (speech or earcon) and the next; if it is,
 * where the silence begins and ends (the track's length after the last sound). */
bool track_quiet(const struct track *t, uint64_t pos, uint64_t *ret_from, uint64_t *ret_to);
