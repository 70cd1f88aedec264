/* The feed: what passes between the control thread and the audio thread, without a lock.
 * Commands go to the player through a single-producer, single-consumer ring; what has
 * been heard comes back through the player's marks and a clock published per buffer. */
#pragma once

#include "player.h"
#include "ring.h"

#define FEED_RING 32 /* commands in flight; a person pressing keys never fills it */
static_assert(RING_SIZE_OK(FEED_RING), "a ring's size is a power of two");

struct heard {
        uint64_t frame; /* the output frame sounding now */
        enum player_state state;
        bool interlude;         /* "Ready. 3, 2, 1" or a repeat, the routine standing still */
        uint64_t interlude_end; /* the output frame it ends at */
        uint64_t pos;           /* the routine's sample */
        ssize_t cue;            /* the last cue begun at or before pos; -1 before the first */
};

struct feed {
        struct player player; /* the audio thread's while an output runs, else the control thread's */
        bool detached;        /* no output runs: commands go straight to the player */

        _Atomic uint8_t commands[FEED_RING]; /* a queue from the control thread to the audio thread */
        struct ring queue;

        struct {
                _Atomic uint32_t seq; /* odd while being written */
                _Atomic uint64_t frame, end;
                _Atomic usec_t heard_at;
        } clock;
        _Atomic uint64_t renders; /* buffers rendered: an output that stops asking is lost */
};

void feed_init(struct feed *f, const struct plan *plan, const struct track *track, const struct track *lead_in,
               double volume);

/* Control thread. -EAGAIN when the ring is full. */
int feed_send(struct feed *f, enum player_command c);
/* Control thread: commands sent that the audio thread has not taken yet. */
bool feed_sending(const struct feed *f);
/* What a listener hears at now (CLOCK_MONOTONIC); false before the first buffer. */
bool feed_heard(struct feed *f, usec_t now, struct heard *ret);
/* Control thread: the player is paused with nothing to say (no repeat, no tone), the listener hears
 * that it is, and no command is on its way: stopping the output loses nothing but silence. */
bool feed_at_rest(struct feed *f, usec_t now);
/* The output went away: whatever it had not yet played is lost, so pause where the
 * listener stopped hearing. Call only once nothing renders. *ret (if not NULL) is what was
 * heard last; false when nothing was. */
bool feed_detach(struct feed *f, usec_t now, struct heard *ret);

/* Audio thread: commands, then n frames, the first to be heard at heard_at
 * (USEC_INFINITY: the device has not begun to play, nobody knows when it will). */
void feed_render(struct feed *f, int16_t *out, size_t n, usec_t heard_at);
/* Audio thread: the device ran dry and lost n frames' time, or threw n frames of sound
 * away; the routine makes it up, or holds back as much. */
void feed_catch_up(struct feed *f, uint64_t n);
void feed_hold_back(struct feed *f, uint64_t n);
