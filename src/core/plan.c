#include <errno.h>
#include <stdio.h>

#include "earcon.h"
#include "plan.h"

static const char *const cue_kind_names[_CUE_KIND_MAX] = {
        [CUE_INTRO] = "intro",     [CUE_EXERCISE] = "exercise",
        [CUE_PURPOSE] = "purpose", [CUE_INSTRUCTION] = "instruction",
        [CUE_SET] = "set",         [CUE_SWITCH] = "switch",
        [CUE_SIDE] = "side",       [CUE_COUNT] = "count",
        [CUE_HOLD] = "hold",       [CUE_PHASE] = "phase",
        [CUE_HALFWAY] = "halfway", [CUE_COUNTDOWN] = "countdown",
        [CUE_REST] = "rest",       [CUE_NEXT] = "next",
        [CUE_FINISH] = "finish",   [CUE_ANNOUNCE] = "announce",
};

const char *cue_kind_to_string(enum cue_kind k) {
        return k < _CUE_KIND_MAX ? cue_kind_names[k] : NULL;
}

void plan_free(struct plan *p) {
        if (!p)
                return;
        for (size_t i = 0; i < p->n_cues; i++)
                free(p->cues[i].text);
        free(p->cues);
        free(p->sounds);
        free(p);
}

struct planner {
        struct plan *plan;
        const struct voice *voice;
        enum level level;
        phrase_duration_fn duration;
        void *userdata;
        usec_t cursor; /* nothing may start before this: the end of the last speech or block */
        usec_t signal; /* when set, the count that signals the hold about to be planned */
        unsigned exercise, set, sets, side, step;
};

/* A planner starts with an empty plan of its own... */
static int planner_begin(struct planner *p) {
        p->plan = calloc(1, sizeof *p->plan);
        if (!p->plan)
                return -ENOMEM;
        p->plan->earcon_level_db = p->voice ? p->voice->earcons.level_db : EARCON_LEVEL_DB;
        return 0;
}

/* ...and hands it over, n_steps long, when done, or frees it when it fails. */
static int planner_finish(struct planner *p, unsigned n_steps, struct plan **ret) {
        p->plan->total = p->cursor;
        p->plan->n_steps = n_steps;
        *ret = p->plan;
        p->plan = NULL;
        return 0;
}

static void planner_clear(struct planner *p) {
        plan_free(p->plan);
}

/* Room in *array (of *allocated elements of size) for one more after n. */
static int grow(void **array, size_t *allocated, size_t n, size_t size) {
        if (n < *allocated)
                return 0;
        size_t more = MAX(*allocated * 2, (size_t) 256);
        void *a = realloc(*array, more * size);
        if (!a)
                return -ENOMEM;
        *array = a;
        *allocated = more;
        return 0;
}

/* Appends text (taking it) at the first instant at or after beat that is free. */
static int say_on(struct planner *p, enum cue_kind kind, char *text, usec_t beat, usec_t *ret_start) {
        struct plan *plan = p->plan;
        usec_t duration;
        int r;

        if (!text)
                return -ENOMEM;
        r = p->duration(p->userdata, text, &duration);
        if (r >= 0)
                r = grow((void **) &plan->cues, &plan->allocated, plan->n_cues, sizeof *plan->cues);
        if (r < 0) {
                free(text);
                return r;
        }

        usec_t start = MAX(beat, p->cursor);
        plan->cues[plan->n_cues++] = (struct cue){
                .start = start,
                .duration = duration,
                .kind = kind,
                .text = text,
                .room = start - beat,
                .exercise = p->exercise,
                .set = p->set,
                .sets = p->sets,
                .side = p->side,
                .step = p->step,
        };
        p->cursor = start + duration;
        if (ret_start)
                *ret_start = start;
        return 0;
}

static bool sounds(const struct planner *p, enum earcon e) {
        return p->voice && p->voice->earcons.on && p->voice->earcons.play[e];
}

/* Earcon e at the first instant at or after at that is free, if the voice sounds it. */
static int sound_on(struct planner *p, enum earcon e, usec_t at) {
        struct plan *plan = p->plan;

        if (!sounds(p, e))
                return 0;
        int r = grow((void **) &plan->sounds, &plan->sounds_allocated, plan->n_sounds, sizeof *plan->sounds);
        if (r < 0)
                return r;
        usec_t start = MAX(at, p->cursor);
        plan->sounds[plan->n_sounds++] = (struct sound){
                .start = start,
                .duration = earcon_duration(e),
                .earcon = e,
        };
        p->cursor = start + earcon_duration(e);
        return 0;
}

/* say_on(), after earcon e on the beat when the voice sounds it: the tone marks the beat,
 * and the words follow it. *ret_start is where the beat fell. */
static int say_after(struct planner *p, enum earcon e, enum cue_kind kind, char *text, usec_t beat, usec_t *ret_start) {
        usec_t start = MAX(beat, p->cursor);
        int r;

        if (!sounds(p, e))
                return say_on(p, kind, text, beat, ret_start);
        r = sound_on(p, e, start);
        if (r >= 0)
                r = say_on(p, kind, text, p->cursor + EARCON_GAP_USEC, NULL);
        else
                free(text);
        if (r < 0)
                return r;
        p->plan->cues[p->plan->n_cues - 1].room = start - beat;
        if (ret_start)
                *ret_start = start;
        return 0;
}

/* Speech that follows the previous speech after a breath. */
static int say(struct planner *p, enum cue_kind kind, const char *text) {
        usec_t gap = p->plan->n_cues ? usec_from_seconds(p->voice->gap) : 0;
        return say_on(p, kind, strdup(text), p->cursor + gap, NULL);
}

static char *phrase_n(const struct planner *p, enum phrase ph, const char *name, unsigned n) {
        char number[16], *text = NULL;
        snprintf(number, sizeof number, "%u", n);
        return voice_phrase(p->voice, ph, &text, name, number, NULL) < 0 ? NULL : text;
}

/* "3, 2, 1": each number starts exactly that many seconds before end (or its tone does,
 * the number after it). When speech runs into the countdown, the end moves later rather
 * than cutting anything. */
static int countdown(struct planner *p, usec_t end) {
        usec_t late = p->cursor + 3 * USEC_PER_SEC > end ? p->cursor + 3 * USEC_PER_SEC - end : 0;

        end += late;
        for (unsigned n = 3; n >= 1; n--) {
                int r = say_after(p, EARCON_COUNTDOWN, CUE_COUNTDOWN, phrase_n(p, PHRASE_COUNT, "n", n),
                                  end - n * USEC_PER_SEC, NULL);
                if (r < 0)
                        return r;
                if (n == 3)
                        p->plan->cues[p->plan->n_cues - 1].room += late;
        }
        p->cursor = MAX(p->cursor, end);
        return 0;
}

static unsigned resolve_count(const struct planner *p, struct range r) {
        return (unsigned) range_resolve(r, p->level, true);
}

static usec_t resolve_seconds(const struct planner *p, struct range r) {
        return usec_from_seconds(range_resolve(r, p->level, false));
}

static int plan_block(struct planner *p, const struct block *b, bool first);

/* The instruction a block opens with: the explanation the first time, if it has one. */
static const char *instruction(const struct block *b, bool first) {
        return first && b->explain ? b->explain : b->say;
}

/* Timed things (holds, phases, rests) last from the instant their cue starts (or
 * from `from`, when they have none): the cue is the signal to move. A halfway cue
 * when asked for and 10 s or longer; a countdown at the end when 4 s or longer,
 * else what is said next marks the end; a chime at the end of all but holds, whose end
 * the next count marks. */
static int plan_span(struct planner *p, enum cue_kind kind, const char *text, usec_t from, usec_t length,
                     bool halfway) {
        usec_t start = from;
        int r;

        if (text) {
                r = say_on(p, kind, strdup(text), from, &start);
                if (r < 0)
                        return r;
        }
        if (halfway && length >= 10 * USEC_PER_SEC) {
                r = say_on(p, CUE_HALFWAY, strdup(p->voice->phrases[PHRASE_HALFWAY]), start + length / 2, NULL);
                if (r < 0)
                        return r;
        }
        if (length >= 4 * USEC_PER_SEC) {
                r = countdown(p, start + length);
                if (r < 0)
                        return r;
        } else
                p->cursor = MAX(p->cursor, start + length);
        return kind == CUE_HOLD ? 0 : sound_on(p, EARCON_CHIME, p->cursor);
}

/* A hold right after a repetition's count starts on the count. */
static int plan_hold(struct planner *p, const struct block *b, bool first) {
        usec_t from = p->signal ?: p->cursor;

        p->signal = 0;
        return plan_span(p, CUE_HOLD, instruction(b, first), from, resolve_seconds(p, b->amount), false);
}

static int plan_reps(struct planner *p, const struct block *b, bool first) {
        unsigned reps = resolve_count(p, b->amount);
        usec_t tempo = resolve_seconds(p, b->tempo);
        const char *text = instruction(b, first);
        int r;

        if (text) {
                r = say(p, CUE_INSTRUCTION, text);
                if (r < 0)
                        return r;
        }
        usec_t beat = p->cursor + usec_from_seconds(p->voice->ready);
        for (unsigned n = 1; n <= reps; n++) {
                usec_t start;
                r = say_after(p, EARCON_TICK, CUE_COUNT, phrase_n(p, PHRASE_COUNT, "n", n), beat, &start);
                if (r < 0)
                        return r;
                /* The count is the signal for a repetition's first part. */
                p->signal = b->n_each && b->each[0].kind == BLOCK_HOLD ? start : 0;
                for (size_t i = 0; i < b->n_each; i++) {
                        r = plan_block(p, &b->each[i], first && n == 1);
                        if (r < 0)
                                return r;
                }
                /* The next beat keeps the tempo from where this one really fell. */
                beat = b->n_each ? p->cursor : start + tempo;
        }
        if (!b->n_each)
                p->cursor = MAX(p->cursor, beat);
        return 0;
}

static int plan_block(struct planner *p, const struct block *b, bool first) {
        switch (b->kind) {
        case BLOCK_SAY:
                return instruction(b, first) ? say(p, CUE_INSTRUCTION, instruction(b, first)) : 0;
        case BLOCK_REPS:
                return plan_reps(p, b, first);
        case BLOCK_HOLD:
                return plan_hold(p, b, first);
        case BLOCK_TIMED:
                return plan_span(p, CUE_PHASE, instruction(b, first), p->cursor + usec_from_seconds(p->voice->gap),
                                 resolve_seconds(p, b->amount), true);
        case BLOCK_REST:
                return plan_span(p, CUE_REST, instruction(b, first) ?: p->voice->phrases[PHRASE_REST],
                                 p->cursor + usec_from_seconds(p->voice->gap), resolve_seconds(p, b->amount), false);
        }
        return -EINVAL;
}

static int plan_blocks(struct planner *p, const struct block *b, size_t n, bool first) {
        for (size_t i = 0; i < n; i++) {
                int r;
                p->step++;
                r = plan_block(p, &b[i], first);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* One set on one side: what is announced, then the blocks. */
static int plan_set(struct planner *p, const struct exercise *e, unsigned set, unsigned sets, unsigned side,
                    bool new_set, bool new_side, bool first) {
        int r;

        p->set = set;
        p->side = side;
        p->step++;
        if (new_set && sets > 1) {
                char n[16], total[16], *text = NULL;
                snprintf(n, sizeof n, "%u", set + 1);
                snprintf(total, sizeof total, "%u", sets);
                r = voice_phrase(p->voice, PHRASE_SET, &text, "n", n, "total", total, NULL);
                if (r < 0)
                        return r;
                r = say_on(p, CUE_SET, text, p->cursor + usec_from_seconds(p->voice->gap), NULL);
                if (r < 0)
                        return r;
        }
        if (new_side && e->n_sides > 0) {
                if (!first) {
                        r = say(p, CUE_SWITCH, e->switch_say ?: p->voice->phrases[PHRASE_SWITCH]);
                        if (r < 0)
                                return r;
                }
                r = say(p, CUE_SIDE, e->sides[side].name);
                if (r < 0)
                        return r;
                if (e->sides[side].say && set == 0) {
                        r = say(p, CUE_INSTRUCTION, e->sides[side].say);
                        if (r < 0)
                                return r;
                }
        }
        return plan_blocks(p, e->blocks, e->n_blocks, first);
}

static int plan_exercise(struct planner *p, const struct exercise *e) {
        unsigned sets = resolve_count(p, e->sets), sides = MAX(e->n_sides, (size_t) 1);
        unsigned last_set = UINT32_MAX, last_side = UINT32_MAX, pairs = sets * sides;
        bool first_between = true;
        int r;

        p->set = p->side = 0;
        p->sets = sets;
        p->step++;
        r = say(p, CUE_EXERCISE, e->name);
        if (r < 0)
                return r;
        r = say(p, CUE_PURPOSE, e->purpose);
        if (r < 0)
                return r;
        for (char **s = e->setup; s && *s; s++) {
                r = say(p, CUE_INSTRUCTION, *s);
                if (r < 0)
                        return r;
        }

        for (unsigned i = 0; i < pairs; i++) {
                bool each_set = e->switch_sides == SWITCH_EACH_SET;
                unsigned set = each_set ? i / sides : i % sets;
                unsigned side = each_set ? i % sides : i / sets;
                unsigned next_set = i + 1 < pairs ? (each_set ? (i + 1) / sides : (i + 1) % sets) : set;

                r = plan_set(p, e, set, sets, side, set != last_set, side != last_side, i == 0);
                if (r < 0)
                        return r;
                last_set = set;
                last_side = side;
                if (next_set != set) {
                        r = plan_blocks(p, e->between_sets, e->n_between_sets, first_between);
                        first_between = false;
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

int plan_build(const struct routine *routine, enum level level, const struct voice *voice, phrase_duration_fn duration,
               void *userdata, struct plan **ret) {
        _cleanup_(planner_clear) struct planner p = {
                .voice = voice,
                .level = level,
                .duration = duration,
                .userdata = userdata,
        };
        int r;

        r = planner_begin(&p);
        if (r < 0)
                return r;
        if (routine->intro) {
                r = say(&p, CUE_INTRO, routine->intro);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < routine->n_exercises; i++) {
                p.exercise = i;
                r = plan_exercise(&p, &routine->exercises[i]);
                if (r < 0)
                        return r;
                if (i + 1 == routine->n_exercises)
                        break;

                char *next = NULL;
                r = voice_phrase(voice, PHRASE_NEXT, &next, "name", routine->exercises[i + 1].name, NULL);
                if (r < 0)
                        return r;
                p.step++;
                r = plan_span(&p, CUE_NEXT, next, p.cursor + usec_from_seconds(voice->gap),
                              usec_from_seconds(routine->between), false);
                free(next);
                if (r < 0)
                        return r;
        }

        char minutes[16], *finish = NULL;
        snprintf(minutes, sizeof minutes, "%u", (unsigned) ((p.cursor + 30 * USEC_PER_SEC) / (60 * USEC_PER_SEC)));
        r = voice_phrase(voice, PHRASE_FINISH, &finish, "minutes", minutes, NULL);
        if (r < 0)
                return r;
        p.step++;
        r = say_on(&p, CUE_FINISH, finish, p.cursor + usec_from_seconds(voice->gap), NULL);
        if (r < 0)
                return r;
        return planner_finish(&p, p.step + 1, ret);
}

int plan_level_news(const struct routine *routine, enum level from, enum level to, const struct voice *voice,
                    char **ret) {
        *ret = NULL;
        for (size_t i = 0; i < routine->n_exercises; i++) {
                const struct exercise *e = &routine->exercises[i];
                for (size_t k = 0; k < e->n_blocks; k++) {
                        const struct block *b = &e->blocks[k];
                        if (b->kind != BLOCK_REPS)
                                continue;
                        unsigned was = (unsigned) range_resolve(b->amount, from, true);
                        unsigned now = (unsigned) range_resolve(b->amount, to, true);
                        if (was == now)
                                continue;
                        char n[16];
                        snprintf(n, sizeof n, "%u", now);
                        return voice_phrase(voice, to > from ? PHRASE_LEVEL_UP : PHRASE_LEVEL_DOWN, ret, "name",
                                            e->name, "n", n, NULL);
                }
        }
        return 0;
}

int plan_prepend(struct plan *p, const char *text, const struct voice *voice, phrase_duration_fn duration,
                 void *userdata) {
        usec_t length, shift;
        char *copy;
        int r;

        r = duration(userdata, text, &length);
        if (r < 0)
                return r;
        r = grow((void **) &p->cues, &p->allocated, p->n_cues, sizeof *p->cues);
        if (r < 0)
                return r;
        copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        shift = length + usec_from_seconds(voice->gap);
        for (size_t i = 0; i < p->n_cues; i++)
                p->cues[i].start += shift;
        for (size_t i = 0; i < p->n_sounds; i++)
                p->sounds[i].start += shift;
        unsigned sets = p->n_cues ? p->cues[0].sets : 0;
        memmove(p->cues + 1, p->cues, p->n_cues * sizeof *p->cues);
        p->cues[0] = (struct cue){ .kind = CUE_ANNOUNCE, .text = copy, .duration = length, .sets = sets };
        p->n_cues++;
        p->total += shift;
        return 0;
}

int plan_lead_in(const struct voice *voice, phrase_duration_fn duration, void *userdata, struct plan **ret) {
        _cleanup_(planner_clear) struct planner p = {
                .voice = voice,
                .duration = duration,
                .userdata = userdata,
        };
        int r;

        r = planner_begin(&p);
        if (r < 0)
                return r;
        /* Half a second of quiet first: a device that has just come back, or an amplifier
         * that dozed off during the pause, would swallow the start of "Ready". */
        r = say_on(&p, CUE_INSTRUCTION, strdup(voice->phrases[PHRASE_READY]), USEC_PER_SEC / 2, NULL);
        if (r < 0)
                return r;
        r = countdown(&p, USEC_PER_SEC / 2 + 4 * USEC_PER_SEC);
        if (r < 0)
                return r;
        return planner_finish(&p, 1, ret);
}

int plan_silence(usec_t total, struct plan **ret) {
        _cleanup_(planner_clear) struct planner p = { .cursor = total };
        int r = planner_begin(&p);
        if (r < 0)
                return r;
        return planner_finish(&p, 0, ret);
}

int plan_announcement(const char *text, phrase_duration_fn duration, void *userdata, struct plan **ret) {
        _cleanup_(planner_clear) struct planner p = {
                .duration = duration,
                .userdata = userdata,
        };
        int r;

        r = planner_begin(&p);
        if (r < 0)
                return r;
        r = say_on(&p, CUE_ANNOUNCE, strdup(text), USEC_PER_SEC / 2, NULL); /* quiet first, as for "Ready" */
        if (r < 0)
                return r;
        return planner_finish(&p, 1, ret);
}
