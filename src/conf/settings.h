/* The daemon's settings, from tiptoed.conf, or built-in defaults when there is none. */
#pragma once

#include "buttons.h"
#include "conf.h"
#include "schedule.h"

/* audio.latency: how much sound a device holds. A skip or a change of volume is heard this
 * much later (a pause at once: the device's sound is dropped), and the device is refilled
 * about four times in it (PortAudio only). */
#define AUDIO_LATENCY_MSEC 500
#define AUDIO_LATENCY_MIN_MSEC 10
#define AUDIO_LATENCY_MAX_MSEC 1000

/* audio.rate: the rate the device is opened at, the clips resampled to it once, before
 * playing; 0, the default, plays them at the voice's own. */
#define AUDIO_RATE_MIN 8000
#define AUDIO_RATE_MAX 192000

/* duck: other players (MPRIS) lowered while tiptoed speaks. */
#define DUCK_VOLUME 0.5 /* of each player's Volume: about 18 dB down on mpv and MPD */
#define DUCK_FADE_MSEC 250
#define DUCK_FADE_MAX_MSEC 2000
#define DUCK_LATENCY_MSEC 100 /* mpv through PulseAudio: bench/duck */

struct duck_settings {
        bool mpris;            /* lower the other MPRIS players' Volume while a cue is heard */
        double volume;         /* what each keeps of its Volume, 0 to 1 */
        unsigned fade_msec;    /* how long the way down and the way up each take */
        unsigned latency_msec; /* how much later than it is told a player is heard */
        char **players;        /* which, by the name after org.mpris.MediaPlayer2.; NULL: all */
};

struct settings {
        char *path;       /* NULL: built-in defaults */
        enum level level; /* in force: with level_auto, what the history made it (core/progress.h) */
        bool level_auto;
        char *routine;               /* the routine to play when none is named */
        char *routine_dir;           /* searched before the shipped routines; NULL: none */
        char *language;              /* picks voices/LANGUAGE.conf */
        int earcons;                 /* the voice's earcons on (1) or off (0); -1: as the voice says */
        char *audio_device;          /* a PortAudio device's name, or part of it; NULL: the default */
        double volume;               /* 1.0 as spoken; louder only as far as it does not clip */
        unsigned audio_latency_msec; /* sound held by the device: pauses take this long, and
                                      * the fewer its refills the less CPU */
        unsigned audio_rate;         /* Hz, or 0: the voice's */
        struct schedule schedule;    /* when the daemon starts a routine by itself */
        struct buttons buttons;      /* the input devices it reads, and what their keys do */
        struct duck_settings duck;
};

int settings_new_default(struct settings **ret);
int settings_load(const char *path, struct settings **ret, struct conf_error *err);
void settings_free(struct settings *s);
DEFINE_POINTER_CLEANUP(struct settings, settings_free)
