#include <errno.h>

#include "feed.h"

void feed_init(struct feed *f, const struct plan *plan, const struct track *track, const struct track *lead_in,
               double volume) {
        memset(f, 0, sizeof *f);
        player_init(&f->player, plan, track, lead_in, volume);
        f->detached = true;
}

int feed_send(struct feed *f, enum player_command c) {
        if (f->detached && ring_empty(&f->queue))
                return player_command(&f->player, c) ? 0 : -EAGAIN;
        if (ring_full(&f->queue, FEED_RING))
                return -EAGAIN;
        atomic_store_explicit(&f->commands[ring_next(&f->queue) % FEED_RING], (uint8_t) c, memory_order_relaxed);
        ring_push(&f->queue);
        return 0;
}

bool feed_sending(const struct feed *f) {
        return !ring_empty(&f->queue);
}

static void take_commands(struct feed *f) {
        uint32_t tail = ring_tail(&f->queue), head = ring_published(&f->queue);

        assert(head - tail <= FEED_RING); /* feed_send() never overruns */
        for (; tail != head; tail++)
                if (!player_command(&f->player,
                                    atomic_load_explicit(&f->commands[tail % FEED_RING], memory_order_relaxed)))
                        break; /* a fade is under way: the rest wait for the next buffer */
        ring_pop(&f->queue, tail);
}

void feed_render(struct feed *f, int16_t *out, size_t n, usec_t heard_at) {
        uint32_t seq = atomic_load_explicit(&f->clock.seq, memory_order_relaxed);
        uint64_t frame;

        take_commands(f);
        frame = f->player.frame;
        player_fill(&f->player, out, n);

        atomic_store_explicit(&f->clock.seq, seq + 1, memory_order_relaxed);
        atomic_thread_fence(memory_order_release);
        atomic_store_explicit(&f->clock.frame, frame, memory_order_relaxed);
        atomic_store_explicit(&f->clock.end, frame + n, memory_order_relaxed);
        atomic_store_explicit(&f->clock.heard_at, heard_at, memory_order_relaxed);
        atomic_store_explicit(&f->clock.seq, seq + 2, memory_order_release);
        atomic_fetch_add_explicit(&f->renders, 1, memory_order_relaxed);
}

void feed_catch_up(struct feed *f, uint64_t n) {
        player_catch_up(&f->player, n);
}

void feed_hold_back(struct feed *f, uint64_t n) {
        player_hold_back(&f->player, n);
}

/* False when nothing the feed gave out has been heard yet. */
static bool heard_frame(struct feed *f, usec_t now, uint64_t *ret) {
        uint64_t frame, end;
        usec_t at;
        uint32_t seq;
        unsigned rate = f->player.track->rate;

        do {
                seq = atomic_load_explicit(&f->clock.seq, memory_order_acquire);
                frame = atomic_load_explicit(&f->clock.frame, memory_order_relaxed);
                end = atomic_load_explicit(&f->clock.end, memory_order_relaxed);
                at = atomic_load_explicit(&f->clock.heard_at, memory_order_relaxed);
                atomic_thread_fence(memory_order_acquire);
        } while ((seq & 1) || seq != atomic_load_explicit(&f->clock.seq, memory_order_relaxed));

        if (at == USEC_INFINITY)
                return false;
        if (now >= at)
                *ret = MIN(end, frame + (now - at) * rate / USEC_PER_SEC);
        else {
                uint64_t back = (at - now) * rate / USEC_PER_SEC;
                if (back > frame)
                        return false;
                *ret = frame - back;
        }
        return true;
}

bool feed_heard(struct feed *f, usec_t now, struct heard *ret) {
        struct player_mark m;
        uint64_t frame;

        if (atomic_load_explicit(&f->renders, memory_order_relaxed) == 0 || !heard_frame(f, now, &frame))
                return false;
        if (!player_mark_at(&f->player, frame, &m))
                return false;
        *ret = (struct heard){
                .frame = frame,
                .state = m.state,
                .interlude = m.interlude,
                .interlude_end = m.interlude_end,
                .pos = player_mark_pos(&f->player, &m, frame),
        };
        ret->cue = player_cue_at(&f->player, ret->pos);
        return true;
}

bool feed_at_rest(struct feed *f, usec_t now) {
        struct player_mark newest;
        struct heard h;

        if (!ring_empty(&f->queue))
                return false;
        if (!player_mark_at(&f->player, UINT64_MAX, &newest) || newest.state != PLAYER_PAUSED || newest.interlude)
                return false;
        return feed_heard(f, now, &h) && h.frame >= newest.frame &&
               h.frame >= atomic_load_explicit(&f->player.tone_end, memory_order_relaxed);
}

bool feed_detach(struct feed *f, usec_t now, struct heard *ret) {
        struct heard h;
        uint32_t head = ring_published(&f->queue);
        bool known = feed_heard(f, now, &h);

        f->detached = true;
        if (known && h.state != PLAYER_STOPPED && h.state != PLAYER_FINISHED)
                player_pause_at(&f->player, h.pos);
        else if (f->player.state == PLAYER_PLAYING)
                player_pause_at(&f->player, f->player.pos);
        /* Commands the audio thread never took: pausing answered them, except a stop. */
        for (uint32_t t = ring_tail(&f->queue); t != head; t++)
                if (atomic_load_explicit(&f->commands[t % FEED_RING], memory_order_relaxed) == PLAYER_STOP)
                        player_command(&f->player, PLAYER_STOP);
        ring_pop(&f->queue, head);
        if (known && ret)
                *ret = h;
        return known;
}
