#include <errno.h>

#include "press.h"

/* Where decided presses go: as many as there is room for. */
struct sink {
        struct press *out;
        size_t n, written;
};

static void put(struct sink *s, const struct press_key *k, enum press_kind kind, usec_t at) {
        if (s->written < s->n)
                s->out[s->written++] = (struct press){ .code = k->code, .kind = kind, .at = at };
}

static struct press_key *find(struct press_classifier *c, unsigned code) {
        for (size_t i = 0; i < c->n_keys; i++)
                if (c->keys[i].code == code)
                        return &c->keys[i];
        return NULL;
}

int press_add_key(struct press_classifier *c, unsigned code, unsigned wants) {
        if (find(c, code))
                return -EEXIST;
        if (c->n_keys >= PRESS_KEYS_MAX)
                return -ENOSPC;
        c->keys[c->n_keys++] = (struct press_key){ .code = code, .wants = wants };
        return 0;
}

static bool wants(const struct press_key *k, enum press_kind kind) {
        return k->wants & PRESS_WANTS(kind);
}

/* The key went down or up at t, bounces settled. */
static void change(struct press_key *k, bool down, usec_t t, struct sink *s) {
        k->down = down;
        k->changed = t;
        if (down && k->phase == PHASE_RELEASED) { /* the second press, in time */
                put(s, k, PRESS_DOUBLE, t);
                k->phase = PHASE_SPENT;
        } else if (down && k->phase == PHASE_IDLE) {
                if (wants(k, PRESS_LONG) || wants(k, PRESS_DOUBLE)) {
                        k->phase = PHASE_DOWN;
                        k->down_at = t;
                } else { /* nothing to wait for: at once */
                        put(s, k, PRESS_SHORT, t);
                        k->phase = PHASE_SPENT;
                }
        } else if (!down && k->phase == PHASE_DOWN) {
                if (wants(k, PRESS_DOUBLE)) {
                        k->phase = PHASE_RELEASED;
                        k->up_at = t;
                } else {
                        put(s, k, PRESS_SHORT, t);
                        k->phase = PHASE_IDLE;
                }
        } else if (!down && k->phase == PHASE_SPENT)
                k->phase = PHASE_IDLE;
}

static bool settling(const struct press_key *k) {
        return k->raw != k->down;
}

/* A change at t is taken: the key never changed, or its last change is old enough. */
static bool settled(const struct press_key *k, usec_t t) {
        return k->changed == 0 || t >= k->changed + PRESS_DEBOUNCE_USEC;
}

/* What time alone decides for k by now. */
static void expire(struct press_key *k, usec_t now, struct sink *s) {
        if (settling(k) && settled(k, now))
                change(k, k->raw, k->raw_at, s);
        if (k->phase == PHASE_DOWN && wants(k, PRESS_LONG) && now >= k->down_at + PRESS_LONG_USEC) {
                put(s, k, PRESS_LONG, k->down_at + PRESS_LONG_USEC);
                k->phase = PHASE_SPENT;
        }
        if (k->phase == PHASE_RELEASED && now >= k->up_at + PRESS_DOUBLE_USEC) {
                put(s, k, PRESS_SHORT, k->up_at + PRESS_DOUBLE_USEC);
                k->phase = PHASE_IDLE;
        }
}

size_t press_tick(struct press_classifier *c, usec_t now, struct press *out, size_t n) {
        struct sink s = { out, n, 0 };

        for (size_t i = 0; i < c->n_keys; i++)
                expire(&c->keys[i], now, &s);
        return s.written;
}

size_t press_event(struct press_classifier *c, unsigned code, int value, usec_t at, struct press *out, size_t n) {
        size_t written = press_tick(c, at, out, n);
        struct sink s = { out + written, n - written, 0 };
        struct press_key *k = find(c, code);

        if (!k || (value != 0 && value != 1))
                return written;
        k->raw = value == 1;
        k->raw_at = at;
        if (settling(k) && settled(k, at))
                change(k, k->raw, at, &s);
        return written + s.written;
}

usec_t press_deadline(const struct press_classifier *c) {
        usec_t next = USEC_INFINITY;

        for (size_t i = 0; i < c->n_keys; i++) {
                const struct press_key *k = &c->keys[i];
                if (settling(k))
                        next = MIN(next, k->changed + PRESS_DEBOUNCE_USEC);
                if (k->phase == PHASE_DOWN && wants(k, PRESS_LONG))
                        next = MIN(next, k->down_at + PRESS_LONG_USEC);
                if (k->phase == PHASE_RELEASED)
                        next = MIN(next, k->up_at + PRESS_DOUBLE_USEC);
        }
        return next;
}

void press_forget(struct press_classifier *c) {
        for (size_t i = 0; i < c->n_keys; i++) {
                struct press_key *k = &c->keys[i];
                *k = (struct press_key){ .code = k->code, .wants = k->wants };
        }
}
