/* The player: what the listener hears, as a pure function of the routine's track, the
 * commands given and the number of samples played so far, which is its clock.
 *
 * The audio thread runs it (player_fill); tests run it with a virtual clock. It never
 * allocates, locks or logs. A second thread learns what it did from its marks, which
 * player_fill publishes with release stores and player_mark_at reads with acquire loads. */
#pragma once

#include <stdatomic.h>

#include "plan.h"
#include "ring.h"
#include "track.h"

enum player_state {
        PLAYER_PLAYING,
        PLAYER_PAUSED,
        PLAYER_STOPPED,
        PLAYER_FINISHED,
        _PLAYER_STATE_MAX,
};

enum player_command {
        PLAYER_PAUSE,
        PLAYER_RESUME,
        PLAYER_TOGGLE,
        PLAYER_NEXT,
        PLAYER_PREVIOUS,
        PLAYER_REPEAT,
        PLAYER_NEXT_EXERCISE,
        PLAYER_PREVIOUS_EXERCISE,
        PLAYER_STOP,
        PLAYER_TONE_LEVEL,   /* a short high tone at the volume now: a volume changed */
        PLAYER_TONE_REFUSED, /* a short low tone: a button asked for what cannot be done now */
        _PLAYER_COMMAND_MAX,
};

#define PLAYER_TONES (_PLAYER_COMMAND_MAX - PLAYER_TONE_LEVEL)
/* Where a tone command's tone is among the player's tones. */
static inline size_t player_tone_index(enum player_command c) {
        return c - PLAYER_TONE_LEVEL;
}

/* From output frame `frame` on, the player was in `state` with the routine at `pos`; while
 * `interlude` is set the routine stood still at pos, otherwise it ran on from there. */
struct player_mark {
        uint64_t frame;
        uint64_t pos;
        enum player_state state;
        bool interlude;
        uint64_t interlude_end; /* the frame the interlude ends at, if it plays on */
};

#define PLAYER_MARKS 64 /* marks a reader can look back over: minutes of heavy skipping */
static_assert(RING_SIZE_OK(PLAYER_MARKS), "a ring's size is a power of two");
#define PLAYER_FADE_MSEC 10
/* Quiet before the first word: a sound server starting a stream drops the first few ms. */
#define PLAYER_OPENING_MSEC 30
#define PLAYER_RESTART_USEC (3 * USEC_PER_SEC) /* "previous" within this restarts the step before */

struct player {
        const struct plan *plan; /* cue i of the plan is clip i of the track */
        const struct track *track;
        const struct track *lead_in; /* "Ready. 3, 2, 1" before resuming; may be NULL */

        enum player_state state;
        uint64_t pos; /* the routine's next sample */
        struct track_hint hint;

        const struct track *interlude; /* sounds while the routine stands still */
        uint64_t interlude_pos;
        struct track_hint interlude_hint;
        struct track opening; /* the interlude before the first word: quiet */
        struct track repeat;  /* the interlude "repeat" plays: one clip */
        struct placed_clip repeat_clip;

        unsigned fade_len, fade_left; /* fading out before `pending` takes effect */
        enum player_command pending;
        uint64_t pending_pos;

        const struct clip *tones[PLAYER_TONES]; /* by command, from PLAYER_TONE_LEVEL; NULL: none */
        const struct clip *tone;                /* sounding over whatever plays, at the gain */
        size_t tone_pos;
        _Atomic uint64_t tone_end; /* the frame the last tone ends at */

        _Atomic uint32_t gain; /* 1 << 16 is unity; any thread may set it */
        uint32_t peak;         /* the loudest sample, which limits the gain */
        uint64_t frame;        /* frames written so far: the player's clock */
        int64_t owed;          /* frames of time the device lost (> 0), to come out of the next
                                * silence, or of sound it threw away (< 0), to go into it */

        struct {
                _Atomic uint64_t frame, pos;
                _Atomic int state;
                _Atomic bool interlude;
                _Atomic uint64_t interlude_end;
        } marks[PLAYER_MARKS];
        struct ring mark_log; /* a log: the oldest mark is overwritten */
};

/* Everything the player points to must outlive it. The gain is lowered, if need be,
 * so that no sample of the track or lead-in clips. */
void player_init(struct player *p, const struct plan *plan, const struct track *track, const struct track *lead_in,
                 double volume);

/* Any thread: from the next buffer on, as loud as volume asks (1.0: as spoken), or as
 * loud as it gets without clipping. */
void player_set_volume(struct player *p, double volume);

/* Writes the next n frames. */
void player_fill(struct player *p, int16_t *out, size_t n);

/* The tones PLAYER_TONE_LEVEL and PLAYER_TONE_REFUSED sound; they must outlive the player. */
void player_set_tones(struct player *p, const struct clip *level, const struct clip *refused);

/* Applies a command at the player's current frame. Returns false when it has to wait:
 * a fade is under way, give it again after the next player_fill. */
bool player_command(struct player *p, enum player_command c);
/* Something is to be heard: the routine playing, or an interlude (a repeat, "Ready. 3, 2,
 * 1"), paused or not. */
bool player_audible(const struct player *p);
/* A tone sounds, whatever the routine does. */
bool player_toning(const struct player *p);

/* The device lost n frames' time: it ran dry and the listener heard a gap, so the routine
 * runs that much behind its clock. The silences that come next are shortened by as much,
 * never a word. Lost while nothing of the routine runs (paused, an interlude) it costs
 * nothing; a command starts the routine's time afresh, forgiving what is owed. */
void player_catch_up(struct player *p, uint64_t n);

/* The device threw n frames of sound away: what follows comes that much early. The
 * silences that come next are lengthened by as much, never a word cut; otherwise as
 * player_catch_up(), the two settling against each other. */
void player_hold_back(struct player *p, uint64_t n);

/* Pauses at once, as if the routine had been heard up to pos and no further: for a
 * player whose device went away with samples still in its buffers. */
void player_pause_at(struct player *p, uint64_t pos);

/* What the player did at frame; false if that is older than the marks kept. */
bool player_mark_at(const struct player *p, uint64_t frame, struct player_mark *ret);
/* The routine's position at frame, given the mark in force then. */
uint64_t player_mark_pos(const struct player *p, const struct player_mark *m, uint64_t frame);

/* The last cue starting at or before pos, or -1 before the first. */
ssize_t player_cue_at(const struct player *p, uint64_t pos);

const char *player_state_to_string(enum player_state s);
const char *player_command_to_string(enum player_command c);
