/* The coach: what the daemon knows and does, whoever asks. It keeps the last good setup
 * (settings, voice, and the clips spoken in that voice) and the workout playing, and
 * decides what starting, steering, reloading and changing a setting at run time do.
 * bus.c and mpris.c put it on D-Bus and daemon.c runs it; it knows none of them.
 *
 * Functions that can fail for the caller's reasons return a negative errno and say why
 * in err, in a sentence for whoever asked:
 *   -ENOENT  no such routine        -EINVAL  a file is wrong (FILE:LINE) or a value is
 *   -EBUSY   a workout is running   -ESRCH   no workout is running
 *   -ENODEV  no sound output        -EAGAIN  too many commands in flight
 *   -ENOMEM */
#pragma once

#include "load.h"
#include "place.h"
#include "progress.h"
#include "session.h"
#include "setup.h"

struct coach_options {
        const char *config;   /* the settings file; NULL: looked for */
        int level;            /* -1: the settings' */
        const char *language; /* NULL: the settings' */
        struct output_spec output;
        bool output_set; /* else the settings' device */
};

enum coach_event {
        COACH_STARTED,  /* a workout started: coach_status() says which */
        COACH_RELOADED, /* the settings were read again: the schedule may have changed */
        COACH_CHANGED,  /* what coach_status() says may have changed */
        COACH_CUE,      /* a cue began to be heard: coach_status()'s cue */
        COACH_FINISHED, /* a workout's end was decided: coach_last(); it may still be fading */
        COACH_QUIET,    /* a workout ended and fell silent: nothing plays */
};

struct coach;
typedef void (*coach_notify_fn)(struct coach *c, enum coach_event e, void *userdata);

enum coach_state { COACH_IDLE, COACH_RUNNING, COACH_PAUSED };

struct coach_status {
        enum coach_state state;
        bool paused_by_audio;          /* the sound device went away */
        const struct routine *routine; /* NULL when idle */
        const struct cue *cue;         /* heard last; NULL before the first */
        const char *exercise, *side;   /* "" when there is none */
        unsigned exercise_index, set;  /* counted from 1; 0 when there is none */
        unsigned exercise_count, set_count;
        usec_t position, duration; /* of the routine, as heard */
        usec_t scheduled;          /* the scheduled run it is; 0: started by hand */
};

struct coach_finished {
        char *routine; /* its id; NULL before any */
        bool completed, failed;
        usec_t duration; /* of the routine, as heard */
        usec_t scheduled, paused;
        unsigned skipped_steps; /* next and next-exercise */
};

int coach_new(sd_event *e, const struct coach_options *o, coach_notify_fn notify, void *userdata, struct coach **ret,
              struct conf_error *err);
void coach_free(struct coach *c);
DEFINE_POINTER_CLEANUP(struct coach, coach_free)

/* name "" or NULL: the settings' routine. scheduled: the scheduled run it is, or 0. */
int coach_start(struct coach *c, const char *name, usec_t scheduled, struct conf_error *err);
int coach_command(struct coach *c, enum player_command command, struct conf_error *err);
/* Sounds tone (PLAYER_TONE_LEVEL, PLAYER_TONE_REFUSED) over what plays, or alone: what a
 * button answers when nothing else would be heard. err is set only when no output opens;
 * -EAGAIN: too many commands in flight. */
int coach_tone(struct coach *c, enum player_command tone, struct conf_error *err);
/* Goes on with the routine at p (place.h), as coach_start() would start it but from its cue,
 * paused if the listener had paused it: the plan must be the one it was (-ESTALE). It is
 * not told of as started (COACH_STARTED): it started before. */
int coach_go_on(struct coach *c, const struct place *p, struct conf_error *err);
/* Where the routine playing is, for place_keep(), less its start (the scheduler's); false
 * when none plays, or it has not said a word yet. */
bool coach_place(struct coach *c, struct place *ret);
/* What a play key means: the settings' routine when none plays (an announcement gives way
 * to it), else command (PLAYER_RESUME, PLAYER_TOGGLE). */
int coach_play(struct coach *c, enum player_command command, struct conf_error *err);
/* A routine told to stop, or finished, that is still fading out (COACH_QUIET comes). */
bool coach_ending(const struct coach *c);
/* Ends an announcement being said; false when none is. */
bool coach_hush(struct coach *c);
/* Says that the routine begins in minutes, unless a routine plays (-EBUSY). A Start cuts it. */
int coach_announce(struct coach *c, const char *name, unsigned minutes, struct conf_error *err);
/* Reads the files again; on any error keeps what it had. A workout plays on as planned. */
int coach_reload(struct coach *c, struct conf_error *err);

/* The routine's plan at the current level, in the current voice. */
int coach_plan(struct coach *c, const char *name, struct routine **ret_routine, struct plan **ret_plan,
               struct conf_error *err);
/* Every routine there is in the current language, sorted by id. */
int coach_routines(struct coach *c, struct routine_summary **ret, size_t *ret_n);

void coach_status(struct coach *c, struct coach_status *ret);
const struct coach_finished *coach_last(const struct coach *c);
const struct schedule *coach_schedule(const struct coach *c);
const struct buttons *coach_buttons(const struct coach *c);
const struct duck_settings *coach_duck(const struct coach *c);
/* session_speech() of what plays, a routine or an announcement; 0 when nothing does. */
int coach_speech(struct coach *c, usec_t now, usec_t after, struct span *ret);
const char *coach_default_routine(const struct coach *c);

/* level = "auto": where the coach learns what the history makes the level (daemon.c asks the
 * history). Without one, "auto" is easy. */
typedef void (*coach_progress_fn)(void *userdata, struct progress *ret);
void coach_set_progress(struct coach *c, coach_progress_fn f, void *userdata);

/* Run-time settings: they last until the daemon exits, reloads included. */
enum level coach_level(struct coach *c); /* in force, "auto" or not */
bool coach_level_auto(const struct coach *c);
void coach_set_level(struct coach *c, int l); /* a level or LEVEL_AUTO, from the next start */
double coach_volume(const struct coach *c);
void coach_set_volume(struct coach *c, double volume); /* at once */
const char *coach_language(const struct coach *c);
/* From the next start. -ENOENT: there is no such voice. */
int coach_set_language(struct coach *c, const char *language, struct conf_error *err);
/* The output playing, or the one the next start opens. */
const char *coach_audio_device(const struct coach *c);

const char *coach_state_to_string(enum coach_state s);
