/* A routine as the user wrote it: exercises made of blocks, repeated for sets and
 * sides. Loaded from a libconfig file; the format is in config/routines/README.md. */
#pragma once

#include "conf.h"

enum block_kind {
        BLOCK_SAY,   /* an instruction, spoken */
        BLOCK_REPS,  /* counted repetitions at a tempo, or of sub-blocks */
        BLOCK_HOLD,  /* a position held for some seconds, counted */
        BLOCK_TIMED, /* a timed phase with halfway cue and final countdown */
        BLOCK_REST,  /* a rest with final countdown */
};

struct block {
        enum block_kind kind;
        char *say;           /* the instruction; for the other kinds, spoken first */
        char *explain;       /* said instead of say the first time the block comes round */
        struct range amount; /* reps: repetitions; hold, timed, rest: seconds */
        struct range tempo;  /* reps without sub-blocks: seconds per repetition */
        struct block *each;  /* reps: what every repetition consists of */
        size_t n_each;
};

enum switch_sides {
        SWITCH_EACH_SET,   /* set 1 right, set 1 left, set 2 right, ... */
        SWITCH_AFTER_SETS, /* every set on the right, then every set on the left */
};

struct side {
        char *name; /* spoken when the side begins: "Right leg" */
        char *say;  /* optional set-up, said the first time the side comes round */
};

struct exercise {
        char *name;
        char *purpose;
        char **setup; /* spoken instructions, NULL-terminated */
        struct range sets;
        struct side *sides;
        size_t n_sides;
        enum switch_sides switch_sides;
        char *switch_say; /* "Switch legs"; NULL: the voice's phrase */
        struct block *blocks;
        size_t n_blocks;
        struct block *between_sets;
        size_t n_between_sets;
};

struct routine {
        char *id;       /* file name without .conf (and without .LANGUAGE) */
        char *language; /* of every word in it; "en" unless it says */
        char *path;
        char *title;
        char *intro;
        double between; /* seconds of rest between exercises, with a preview of the next */
        struct exercise *exercises;
        size_t n_exercises;
};

/* True when name is a file path rather than a routine id (a file name without .conf). */
bool routine_name_is_path(const char *name);

int routine_load(const char *path, struct routine **ret, struct conf_error *err);
void routine_free(struct routine *r);
DEFINE_POINTER_CLEANUP(struct routine, routine_free)
