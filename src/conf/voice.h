/* A voice: which eSpeak NG voice speaks, how fast, and every phrase tiptoed makes up
 * itself ("Set 2 of 3", "Rest"), so no spoken language lives in the C code. */
#pragma once

#include "conf.h"

enum phrase {
        PHRASE_SET,    /* {n}, {total} */
        PHRASE_SWITCH, /* when an exercise says nothing better */
        PHRASE_REST,
        PHRASE_HALFWAY,
        PHRASE_NEXT,     /* {name} */
        PHRASE_COUNT,    /* {n}: reps, holds and countdowns */
        PHRASE_FINISH,   /* {minutes} */
        PHRASE_READY,    /* before "3, 2, 1" when a paused routine resumes */
        PHRASE_ANNOUNCE, /* {title}, {minutes}: a scheduled routine is coming */
        PHRASE_LEVEL_UP, /* {name}, {n}: level = "auto" went up; the first exercise's count that changed */
        PHRASE_LEVEL_DOWN,
        _PHRASE_MAX,
};

/* Soft tones the mixer sounds with the speech (core/earcon.c draws them): never over it. */
enum earcon {
        EARCON_TICK,      /* on the beat of each counted repetition, the number after it */
        EARCON_COUNTDOWN, /* on each second of "3, 2, 1", the number after it */
        EARCON_CHIME,     /* where a timed phase or a rest ends */
        _EARCON_MAX,
};

#define EARCON_LEVEL_DB (-20.0) /* the tones' peak, dB against full scale */

struct earcons {
        bool on;
        bool play[_EARCON_MAX]; /* which, when on */
        double level_db;
};

struct voice {
        char *path;
        char *language;
        char *espeak_voice;
        unsigned espeak_voice_line; /* where it was named, for errors only eSpeak can find */
        int rate;                   /* words per minute */
        int pitch;                  /* 0-100 */
        double gap;                 /* seconds of quiet between two sentences */
        double ready;               /* seconds between an instruction and the count that follows it */
        char *phrases[_PHRASE_MAX];
        struct earcons earcons;
};

int voice_load(const char *path, struct voice **ret, struct conf_error *err);
void voice_free(struct voice *v);
int voice_copy(const struct voice *v, struct voice **ret);
/* True when eSpeak NG says every text the same in both: same voice, rate and pitch. */
bool voice_speaks_like(const struct voice *a, const struct voice *b);
DEFINE_POINTER_CLEANUP(struct voice, voice_free)

const char *earcon_to_string(enum earcon e);

/* The phrase with its placeholders filled from NULL-terminated name, value pairs. */
int voice_phrase(const struct voice *v, enum phrase p, char **ret, ...);

/* Fills {name} placeholders of template from vars (name, value, ..., NULL). */
int template_expand(const char *template, const char *const *vars, char **ret);
