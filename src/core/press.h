/* Presses: a button's key events, as the kernel timed them, become short, long and double
 * presses. Pure: the only clock is the events' own timestamps and the `now` given to
 * press_tick(), so tests play any timing they like.
 *
 * Contacts bounce: a key's first change is taken at once, and changes within
 * PRESS_DEBOUNCE_USEC after it are held back until the contact settles; whatever state
 * it settled in is then taken, at the time it got there, so a bounce never leaves a key
 * "held". A key decides as early as what is mapped to it allows: with only a short press
 * mapped, on the press itself; with a long press, on release (or when held long enough);
 * with a double press, when a second press comes or the gap for one has passed. */
#pragma once

#include "util.h"

#define PRESS_DEBOUNCE_USEC (20 * USEC_PER_MSEC)
#define PRESS_LONG_USEC (800 * USEC_PER_MSEC)   /* held this long: a long press */
#define PRESS_DOUBLE_USEC (350 * USEC_PER_MSEC) /* a second press this soon after release: a double */
#define PRESS_KEYS_MAX 32

enum press_kind {
        PRESS_SHORT,
        PRESS_LONG,
        PRESS_DOUBLE,
        _PRESS_KIND_MAX,
};

#define PRESS_WANTS(kind) (1u << (kind))

struct press {
        unsigned code; /* the key, as Linux numbers it (KEY_PLAYPAUSE...) */
        enum press_kind kind;
        usec_t at; /* when it was decided, on the events' clock */
};

struct press_key {
        unsigned code;
        unsigned wants; /* PRESS_WANTS() of each kind mapped */
        bool down;      /* as taken, after debouncing */
        usec_t changed; /* when it was taken; 0: never */
        bool raw;       /* as the last event said */
        usec_t raw_at;
        enum { PHASE_IDLE, PHASE_DOWN, PHASE_RELEASED, PHASE_SPENT } phase;
        usec_t down_at, up_at; /* the press deciding, and its release */
};

struct press_classifier {
        struct press_key keys[PRESS_KEYS_MAX];
        size_t n_keys;
};

/* A key to watch, with the kinds of press mapped to it: -ENOSPC past PRESS_KEYS_MAX, -EEXIST
 * for a key already there. Keys not added are ignored. */
int press_add_key(struct press_classifier *c, unsigned code, unsigned wants);

/* One key event (value 1 down, 0 up, 2 the kernel's autorepeat, ignored) at at. Writes what
 * it decides, and what time decided up to at, into out (room for n); returns how many. */
size_t press_event(struct press_classifier *c, unsigned code, int value, usec_t at, struct press *out, size_t n);

/* The instant press_tick() has something to decide at; USEC_INFINITY: nothing waits. */
usec_t press_deadline(const struct press_classifier *c);

/* Time has come to now: decides what waited on it (a key held long, a single press with no
 * second). Returns how many presses it wrote into out (room for n). */
size_t press_tick(struct press_classifier *c, usec_t now, struct press *out, size_t n);

/* The device went away: every key forgets, deciding nothing; none stays held. */
void press_forget(struct press_classifier *c);
