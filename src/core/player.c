#include <sys/types.h>

#include "player.h"

static const char *const state_names[_PLAYER_STATE_MAX] = {
        [PLAYER_PLAYING] = "playing",
        [PLAYER_PAUSED] = "paused",
        [PLAYER_STOPPED] = "stopped",
        [PLAYER_FINISHED] = "finished",
};

static const char *const command_names[_PLAYER_COMMAND_MAX] = {
        [PLAYER_PAUSE] = "pause",
        [PLAYER_RESUME] = "resume",
        [PLAYER_TOGGLE] = "toggle",
        [PLAYER_NEXT] = "next",
        [PLAYER_PREVIOUS] = "previous",
        [PLAYER_REPEAT] = "repeat",
        [PLAYER_NEXT_EXERCISE] = "next-exercise",
        [PLAYER_PREVIOUS_EXERCISE] = "previous-exercise",
        [PLAYER_STOP] = "stop",
        [PLAYER_TONE_LEVEL] = "tone-level",
        [PLAYER_TONE_REFUSED] = "tone-refused",
};

const char *player_state_to_string(enum player_state s) {
        return s < _PLAYER_STATE_MAX ? state_names[s] : NULL;
}

const char *player_command_to_string(enum player_command c) {
        return c < _PLAYER_COMMAND_MAX ? command_names[c] : NULL;
}

static uint32_t layer_peak(const struct placed_clip *clips, size_t n) {
        uint32_t peak = 0;
        for (size_t i = 0; i < n; i++) {
                const struct clip *c = clips[i].clip;
                for (size_t k = 0; k < c->n_samples; k++)
                        peak = MAX(peak, (uint32_t) abs(c->samples[k]));
        }
        return peak;
}

static uint32_t track_peak(const struct track *t) {
        return t ? MAX(layer_peak(t->clips, t->n_clips), layer_peak(t->earcons, t->n_earcons)) : 0;
}

static void mark(struct player *p) {
        typeof(p->marks[0]) *m = &p->marks[ring_next(&p->mark_log) % PLAYER_MARKS];

        atomic_store_explicit(&m->frame, p->frame, memory_order_relaxed);
        atomic_store_explicit(&m->pos, p->pos, memory_order_relaxed);
        atomic_store_explicit(&m->state, p->state, memory_order_relaxed);
        atomic_store_explicit(&m->interlude, p->interlude != NULL, memory_order_relaxed);
        atomic_store_explicit(&m->interlude_end,
                              p->interlude ? p->frame + (p->interlude->length - p->interlude_pos) : 0,
                              memory_order_relaxed);
        ring_push(&p->mark_log);
}

void player_set_volume(struct player *p, double volume) {
        double gain = volume * 65536.0;

        if (p->peak > 0 && gain > 32767.0 * 65536.0 / p->peak)
                gain = 32767.0 * 65536.0 / p->peak; /* as loud as asked, short of clipping */
        atomic_store_explicit(&p->gain, (uint32_t) gain, memory_order_relaxed);
}

void player_init(struct player *p, const struct plan *plan, const struct track *track, const struct track *lead_in,
                 double volume) {
        *p = (struct player){
                .plan = plan,
                .track = track,
                .lead_in = lead_in,
                .state = PLAYER_PLAYING,
                .opening = { .length = track->rate * PLAYER_OPENING_MSEC / 1000, .rate = track->rate },
                .repeat = { .clips = &p->repeat_clip, .n_clips = 1, .rate = track->rate },
                .fade_len = MAX(1u, track->rate * PLAYER_FADE_MSEC / 1000),
        };
        p->peak = MAX(track_peak(track), track_peak(lead_in));
        player_set_volume(p, volume);
        p->interlude = &p->opening;
        mark(p);
}

bool player_audible(const struct player *p) {
        return p->interlude || p->state == PLAYER_PLAYING;
}

/* The routine itself runs on: playing, and no interlude holding it still. */
static bool running(const struct player *p) {
        return p->state == PLAYER_PLAYING && !p->interlude;
}

ssize_t player_cue_at(const struct player *p, uint64_t pos) {
        return track_clip_at(p->track, pos);
}

static uint64_t cue_start(const struct player *p, ssize_t i) {
        if (i < 0)
                return 0;
        if ((size_t) i >= p->track->n_clips)
                return p->track->length;
        return p->track->clips[i].start;
}

/* Where to go on from after stopping at pos: an utterance or earcon cut off is heard again whole. */
static uint64_t resume_point(const struct player *p, uint64_t pos) {
        return track_sound_start(p->track, pos);
}

static ssize_t first_of_step(const struct player *p, ssize_t i) {
        while (i > 0 && p->plan->cues[i - 1].step == p->plan->cues[i].step)
                i--;
        return i;
}

static bool is_kind(const struct player *p, ssize_t i, enum cue_kind k) {
        return p->plan->cues[i].kind == k;
}

/* The last cue at or before i of kind k (or of any instruction-like kind for k < 0). */
static ssize_t last_kind(const struct player *p, ssize_t i, int k) {
        for (; i >= 0; i--) {
                enum cue_kind kind = p->plan->cues[i].kind;
                if (k >= 0 ? kind == (enum cue_kind) k
                           : kind == CUE_INSTRUCTION || kind == CUE_HOLD || kind == CUE_PHASE || kind == CUE_REST)
                        return i;
        }
        return -1;
}

static uint64_t target_next(const struct player *p, ssize_t i) {
        size_t j = i < 0 ? 0 : (size_t) i + 1;
        while (i >= 0 && j < p->track->n_clips && p->plan->cues[j].step == p->plan->cues[i].step)
                j++;
        return cue_start(p, j);
}

static uint64_t target_previous(const struct player *p, ssize_t i, uint64_t pos) {
        ssize_t k = first_of_step(p, i);
        uint64_t restart = samples_from_usec(PLAYER_RESTART_USEC, p->track->rate);

        if (k < 0 || pos - cue_start(p, k) > restart)
                return cue_start(p, k);
        return k == 0 ? 0 : cue_start(p, first_of_step(p, k - 1));
}

static uint64_t target_next_exercise(const struct player *p, ssize_t i) {
        for (size_t j = i + 1; j < p->track->n_clips; j++)
                if (is_kind(p, j, CUE_EXERCISE) || is_kind(p, j, CUE_FINISH))
                        return cue_start(p, j);
        return p->track->length;
}

static uint64_t target_previous_exercise(const struct player *p, ssize_t i, uint64_t pos) {
        ssize_t e = last_kind(p, i, CUE_EXERCISE);
        uint64_t restart = samples_from_usec(PLAYER_RESTART_USEC, p->track->rate);

        if (e < 0 || pos - cue_start(p, e) > restart)
                return cue_start(p, e);
        e = last_kind(p, e - 1, CUE_EXERCISE);
        return cue_start(p, e);
}

static void apply(struct player *p, enum player_command c, uint64_t target) {
        switch (c) {
        case PLAYER_PAUSE:
                p->state = PLAYER_PAUSED;
                p->interlude = NULL;
                break;
        case PLAYER_STOP:
                p->state = PLAYER_STOPPED;
                p->interlude = NULL;
                break;
        case PLAYER_REPEAT:
                p->interlude = &p->repeat;
                p->interlude_pos = 0;
                p->interlude_hint = (struct track_hint){};
                break;
        default: /* a jump */
                p->interlude = NULL;
                break;
        }
        p->pos = target;
        p->owed = 0;
        mark(p);
}

void player_set_tones(struct player *p, const struct clip *level, const struct clip *refused) {
        p->tones[player_tone_index(PLAYER_TONE_LEVEL)] = level;
        p->tones[player_tone_index(PLAYER_TONE_REFUSED)] = refused;
}

bool player_toning(const struct player *p) {
        return p->tone != NULL;
}

/* Over whatever plays, from the next frame: a tone never waits for a fade, and another
 * cuts it short. */
static void start_tone(struct player *p, const struct clip *tone) {
        if (!tone || tone->n_samples == 0)
                return;
        p->tone = tone;
        p->tone_pos = 0;
        atomic_store_explicit(&p->tone_end, p->frame + tone->n_samples, memory_order_relaxed);
}

static void mix_tone(struct player *p, int16_t *out, size_t n, uint32_t gain) {
        if (!p->tone)
                return;
        size_t k = MIN(n, p->tone->n_samples - p->tone_pos);
        for (size_t j = 0; j < k; j++) {
                int64_t v = out[j] + (int64_t) p->tone->samples[p->tone_pos + j] * gain / 65536;
                out[j] = (int16_t) MAX(MIN(v, INT16_MAX), INT16_MIN);
        }
        p->tone_pos += k;
        if (p->tone_pos == p->tone->n_samples)
                p->tone = NULL;
}

bool player_command(struct player *p, enum player_command c) {
        uint64_t pos = p->pos, target = pos;
        ssize_t i;

        if (c == PLAYER_TONE_LEVEL || c == PLAYER_TONE_REFUSED) {
                start_tone(p, p->tones[player_tone_index(c)]);
                return true;
        }
        if (p->fade_left > 0)
                return false;
        if (p->state == PLAYER_STOPPED || p->state == PLAYER_FINISHED)
                return true;
        i = player_cue_at(p, pos);
        if (c == PLAYER_TOGGLE)
                c = p->state == PLAYER_PAUSED ? PLAYER_RESUME : PLAYER_PAUSE;

        switch (c) {
        case PLAYER_RESUME:
                if (p->state == PLAYER_PAUSED) {
                        p->state = PLAYER_PLAYING;
                        if (!p->interlude && p->lead_in) {
                                p->interlude = p->lead_in;
                                p->interlude_pos = 0;
                                p->interlude_hint = (struct track_hint){};
                        }
                        mark(p);
                }
                return true;
        case PLAYER_PAUSE:
                if (!player_audible(p))
                        return true;
                target = p->interlude ? pos : resume_point(p, pos);
                break;
        case PLAYER_NEXT:
                target = target_next(p, i);
                break;
        case PLAYER_PREVIOUS:
                target = target_previous(p, i, pos);
                break;
        case PLAYER_NEXT_EXERCISE:
                target = target_next_exercise(p, i);
                break;
        case PLAYER_PREVIOUS_EXERCISE:
                target = target_previous_exercise(p, i, pos);
                break;
        case PLAYER_REPEAT: {
                ssize_t k = last_kind(p, i, -1);
                if (k < 0)
                        k = i;
                if (k < 0)
                        return true; /* nothing said yet */
                p->repeat_clip.clip = p->track->clips[k].clip;
                p->repeat.length = p->repeat_clip.clip->n_samples + p->track->rate / 2;
                target = p->interlude ? pos : resume_point(p, pos);
                break;
        }
        case PLAYER_STOP:
                break;
        default:
                return true;
        }

        if (player_audible(p)) {
                p->pending = c;
                p->pending_pos = target;
                p->fade_left = p->fade_len;
        } else
                apply(p, c, target);
        return true;
}

void player_pause_at(struct player *p, uint64_t pos) {
        if (p->state == PLAYER_STOPPED)
                return;
        p->fade_left = 0;
        p->state = PLAYER_PAUSED;
        p->interlude = NULL;
        p->pos = resume_point(p, MIN(pos, p->track->length));
        p->owed = 0;
        mark(p);
}

void player_catch_up(struct player *p, uint64_t n) {
        if (running(p))
                p->owed += (int64_t) n;
}

void player_hold_back(struct player *p, uint64_t n) {
        if (running(p))
                p->owed -= (int64_t) n;
}

/* Pays what is owed out of the silence at pos, if pos is in one: time lost by going on
 * to where the silence ends sooner, time gained by going back to where it began, so that
 * the silence is heard again from there. */
static void make_up(struct player *p) {
        uint64_t k, quiet_from, quiet_to;

        if (!track_quiet(p->track, p->pos, &quiet_from, &quiet_to))
                return;
        if (p->owed > 0) {
                k = MIN((uint64_t) p->owed, quiet_to - p->pos);
                p->pos += k;
                p->owed -= (int64_t) k;
        } else {
                k = MIN((uint64_t) -p->owed, p->pos - quiet_from);
                p->pos -= k;
                p->owed += (int64_t) k;
        }
        if (k > 0)
                mark(p);
}

/* Writes up to n frames of what sounds now, stopping early where that ends. */
static size_t produce(struct player *p, int16_t *out, size_t n) {
        if (p->interlude) {
                n = MIN(n, p->interlude->length - p->interlude_pos);
                track_fill(p->interlude, p->interlude_pos, out, n, &p->interlude_hint);
                p->interlude_pos += n;
        } else if (p->state == PLAYER_PLAYING) {
                n = MIN(n, p->track->length - p->pos);
                track_fill(p->track, p->pos, out, n, &p->hint);
                p->pos += n;
        } else
                memset(out, 0, n * sizeof *out);
        return n;
}

/* Ends whatever has run out: an interlude, the routine. */
static void settle(struct player *p) {
        if (p->interlude && p->interlude_pos >= p->interlude->length) {
                p->interlude = NULL;
                mark(p);
        }
        if (!p->interlude && p->state == PLAYER_PLAYING && p->pos >= p->track->length) {
                p->state = PLAYER_FINISHED;
                mark(p);
        }
}

void player_fill(struct player *p, int16_t *out, size_t n) {
        uint32_t gain = atomic_load_explicit(&p->gain, memory_order_relaxed);

        while (n > 0) {
                size_t k;

                settle(p);
                if (p->owed != 0 && p->fade_left == 0 && running(p))
                        make_up(p);
                assert(p->fade_left <= p->fade_len); /* the gain only ever falls during a fade */
                k = produce(p, out, p->fade_left > 0 ? MIN(n, (size_t) p->fade_left) : n);
                assert(k <= n);
                for (size_t j = 0; j < k; j++) {
                        int64_t v = (int64_t) out[j] * gain;
                        if (p->fade_left > 0)
                                v = v * (int64_t) (p->fade_left - j) / (int64_t) p->fade_len;
                        out[j] = (int16_t) (v / 65536);
                }
                mix_tone(p, out, k, gain);
                p->frame += k;
                out += k;
                n -= k;
                if (p->fade_left > 0) {
                        p->fade_left -= k;
                        if (p->fade_left == 0)
                                apply(p, p->pending, p->pending_pos);
                }
        }
        settle(p);
}

bool player_mark_at(const struct player *p, uint64_t frame, struct player_mark *ret) {
        uint32_t n = ring_published(&p->mark_log);

        /* Newest first. The slot the writer fills next is left alone: it may be mid-write. */
        for (uint32_t back = 1; back <= MIN(n, (uint32_t) PLAYER_MARKS - 1); back++) {
                uint32_t i = n - back;
                const typeof(p->marks[0]) *m = &p->marks[i % PLAYER_MARKS];
                struct player_mark copy = {
                        .frame = atomic_load_explicit(&m->frame, memory_order_relaxed),
                        .pos = atomic_load_explicit(&m->pos, memory_order_relaxed),
                        .state = atomic_load_explicit(&m->state, memory_order_relaxed),
                        .interlude = atomic_load_explicit(&m->interlude, memory_order_relaxed),
                        .interlude_end = atomic_load_explicit(&m->interlude_end, memory_order_relaxed),
                };
                atomic_thread_fence(memory_order_acquire);
                if (atomic_load_explicit(&p->mark_log.head, memory_order_relaxed) - i >= PLAYER_MARKS)
                        return false; /* overwritten while we read it */
                if (copy.frame <= frame) {
                        *ret = copy;
                        return true;
                }
        }
        return false;
}

uint64_t player_mark_pos(const struct player *p, const struct player_mark *m, uint64_t frame) {
        if (m->state != PLAYER_PLAYING || m->interlude || frame < m->frame)
                return m->pos;
        return MIN(m->pos + (frame - m->frame), p->track->length);
}
