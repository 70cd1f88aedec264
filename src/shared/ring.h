/* The counters of a ring buffer with one producer thread. Slot i of a ring of N slots is
 * i % N, N a power of two, so the counters may wrap. The producer fills slot ring_next()
 * and then publishes it with ring_push(), a release store; a reader that loads
 * ring_published(), an acquire, may read every slot below it.
 *
 * A queue (the feed's commands) has one consumer, which hands slots back with ring_pop();
 * the producer must not push while ring_full(). A log (the player's marks, a device's
 * clock jumps) is never popped: the producer overwrites the oldest slot, and a reader that
 * fell N or more behind has lost what it missed. */
#pragma once

#include <assert.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define RING_SIZE_OK(n) ((n) > 0 && ((n) & ((n) -1)) == 0)

struct ring {
        _Atomic uint32_t head; /* slots published: the producer's */
        _Atomic uint32_t tail; /* slots handed back: a queue's consumer's */
};

/* Producer: the slot to fill next. */
static inline uint32_t ring_next(const struct ring *r) {
        return atomic_load_explicit(&r->head, memory_order_relaxed);
}

/* Producer: the slot ring_next() named is filled; readers may have it. */
static inline void ring_push(struct ring *r) {
        atomic_store_explicit(&r->head, ring_next(r) + 1, memory_order_release);
}

/* Reader: slots below this are filled. */
static inline uint32_t ring_published(const struct ring *r) {
        return atomic_load_explicit(&r->head, memory_order_acquire);
}

/* A queue's first unread slot. The consumer's own is exact; the producer's may be late. */
static inline uint32_t ring_tail(const struct ring *r) {
        return atomic_load_explicit(&r->tail, memory_order_acquire);
}

/* Queue, consumer: the slots below tail are read and may be filled again. */
static inline void ring_pop(struct ring *r, uint32_t tail) {
        atomic_store_explicit(&r->tail, tail, memory_order_release);
}

/* Queue, producer: all size slots hold what the consumer has not read. */
static inline bool ring_full(const struct ring *r, uint32_t size) {
        return ring_next(r) - ring_tail(r) >= size;
}

/* Queue: nothing published is unread. */
static inline bool ring_empty(const struct ring *r) {
        return ring_tail(r) == ring_published(r);
}
