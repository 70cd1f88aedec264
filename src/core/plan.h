/* The planner: a routine, a level and a voice become an exact timeline of spoken cues.
 * Pure: the only thing it learns from outside is how long each phrase takes to say. */
#pragma once

#include "routine.h"
#include "voice.h"

enum cue_kind {
        CUE_INTRO,
        CUE_EXERCISE,
        CUE_PURPOSE,
        CUE_INSTRUCTION,
        CUE_SET,
        CUE_SWITCH,
        CUE_SIDE,
        CUE_COUNT,
        CUE_HOLD,
        CUE_PHASE,
        CUE_HALFWAY,
        CUE_COUNTDOWN,
        CUE_REST,
        CUE_NEXT,
        CUE_FINISH,
        CUE_ANNOUNCE, /* not part of a routine: a scheduled one is coming */
        _CUE_KIND_MAX,
};

struct cue {
        usec_t start;
        usec_t duration;
        enum cue_kind kind;
        char *text;
        usec_t room;       /* how much later than its beat the cue starts, so speech is not cut */
        unsigned exercise; /* indices from 0 */
        unsigned set;
        unsigned sets; /* of this exercise, at this level */
        unsigned side;
        unsigned step; /* a block, side, set or exercise boundary: where skipping lands */
};

/* An earcon at its instant, between the speech and never over it. */
struct sound {
        usec_t start;
        usec_t duration;
        enum earcon earcon;
};

struct plan {
        struct cue *cues;
        size_t n_cues;
        size_t allocated;
        struct sound *sounds; /* in order, none while the voice's earcons are off */
        size_t n_sounds;
        size_t sounds_allocated;
        double earcon_level_db;
        usec_t total;
        unsigned n_steps;
};

/* How long text takes to say, trimmed of leading and trailing silence. */
typedef int (*phrase_duration_fn)(void *userdata, const char *text, usec_t *ret);

int plan_build(const struct routine *routine, enum level level, const struct voice *voice, phrase_duration_fn duration,
               void *userdata, struct plan **ret);
/* Quiet, then "Ready. 3, 2, 1", the numbers on the seconds: what a paused routine says as
 * it goes on, so nobody is caught cold. The routine continues at the plan's total. */
int plan_lead_in(const struct voice *voice, phrase_duration_fn duration, void *userdata, struct plan **ret);

/* Nothing said, total long: what a tone sounds over while no routine plays. */
int plan_silence(usec_t total, struct plan **ret);

/* Quiet, then one sentence: what the schedule says a few minutes before a run. */
int plan_announcement(const char *text, phrase_duration_fn duration, void *userdata, struct plan **ret);

/* What the voice says of a level changed from one to another (PHRASE_LEVEL_UP or _DOWN): the
 * first exercise whose repetitions the change alters, and their number now. *ret NULL
 * when the change alters no count. */
int plan_level_news(const struct routine *routine, enum level from, enum level to, const struct voice *voice,
                    char **ret);

/* text said first, the rest of the plan after it and a gap, every instant moved by as
 * much: a level's news before a morning's routine. */
int plan_prepend(struct plan *p, const char *text, const struct voice *voice, phrase_duration_fn duration,
                 void *userdata);

void plan_free(struct plan *p);
DEFINE_POINTER_CLEANUP(struct plan, plan_free)

const char *cue_kind_to_string(enum cue_kind k);
