/* A setup: one load of the files the daemon plays from, swapped whole on reload. The
 * settings (with what overrides them applied), the voice, and the clips spoken in it.
 * Reference-counted: a workout keeps the clips it plays across a reload that changes the
 * voice. */
#pragma once

#include "clips.h"
#include "load.h"
#include "plan.h"

struct setup {
        unsigned n_ref;
        struct settings *settings;
        struct voice *voice;
        struct clips *clips; /* NULL until setup_speak() */
};

/* What overrides the settings file: the command line, and what was set at run time. */
struct setup_overrides {
        const char *config;   /* the settings file; NULL: looked for */
        int level;            /* -1: the file's; LEVEL_AUTO: as the history says */
        double volume;        /* NAN: the file's */
        const char *language; /* NULL: the file's */
};

/* Loads the settings, the voice and the default routine, and checks that the routine plays
 * in the voice and that eSpeak NG has it (speech NULL: not yet known), so that a setup that
 * loads is one that works. -EINVAL and err for a file that is wrong, or one not there. */
int setup_load(struct setup_overrides o, struct speech *speech, struct setup **ret, struct conf_error *err);

/* Gives s its clips: current's when they speak the same (a reload that changes no voice
 * synthesizes nothing again), else a new cache. */
int setup_speak(struct setup *s, const struct setup *current, struct speech *speech);

/* name, or the settings' routine when name is NULL or "". */
const char *setup_routine_name(const struct setup *s, const char *name);
/* The routine's plan at the settings' level, in the voice. -ENOENT: no such routine;
 * -EINVAL: it is broken, in another language, or cannot be spoken (err says which). */
int setup_plan(const struct setup *s, const char *name, struct routine **ret_routine, struct plan **ret_plan,
               struct conf_error *err);

struct routine_summary {
        char *id, *title;
        usec_t duration;
};

/* Every routine there is that plays in the voice, sorted by id; the others are logged at
 * debug and left out. */
int setup_routines(const struct setup *s, struct routine_summary **ret, size_t *ret_n);
void routine_summaries_free(struct routine_summary *s, size_t n);

struct setup *setup_ref(struct setup *s);
void setup_unref(struct setup *s);
DEFINE_POINTER_CLEANUP(struct setup, setup_unref)
