/* Outputs: where the feed's samples go, each at its own pace.
 *   portaudio[:DEVICE]  a sound device; the samples it consumes are the routine's clock
 *   wav:FILE            what would be played, written in real time, silence included
 *   null                silence paced in real time, for tests
 * CLOCK_MONOTONIC paces the last two, and holds back a device that consumes far faster
 * than real time (ALSA's null and file plugins do). */
#pragma once

#include <errno.h>
#include <stdio.h>

#include "feed.h"
#include "settings.h"

enum output_kind { OUTPUT_PORTAUDIO, OUTPUT_WAV, OUTPUT_NULL };

struct output_spec {
        enum output_kind kind;
        const char *target;    /* the device (NULL: the default) or the file */
        bool quiet;            /* retrying a device that went away: no error messages */
        unsigned latency_msec; /* 0: AUDIO_LATENCY_MSEC */
        unsigned rate;         /* 0: the clips' own */
};

struct output {
        const struct output_ops *ops;
        struct output_spec spec;
        unsigned rate;
        usec_t latency;    /* from a sample leaving the feed to its being heard */
        struct feed *feed; /* while started */
        char *description;
};

struct output_ops {
        int (*start)(struct output *o);
        int (*check)(struct output *o, usec_t now);
        void (*stop)(struct output *o);
        void (*free)(struct output *o);
};

/* Tells the sound server what tiptoed's streams are, so that its policy can lower music
 * under them (PulseAudio's module-role-ducking, a WirePlumber policy): media.role "announcement",
 * through the environment that ALSA's pulse plugin (libpulse) and pipewire-alsa read when
 * a stream opens, unless the user's environment already says. Call before any thread. */
void output_announce_role(void);

/* Parses --output: -EINVAL for a spec that is none of the above. */
int output_spec_parse(const char *s, struct output_spec *ret);
/* The output named on the command line, or else the settings' device; at the settings' latency
 * and rate. */
struct output_spec output_spec_choose(const struct output_spec *named, const struct settings *settings);
/* The rate a device is asked for: the settings', or else the clips' own. */
unsigned output_spec_rate(const struct output_spec *spec, unsigned clips_rate);

/* How a device's name answers the name asked for: 2 the same name, 1 one of its words (or
 * words: "USB Audio", "hw:1,0"), 0 neither; case does not matter. A word begins the name
 * or follows what is not a letter or digit: "default" is not "sysdefault", whose stream
 * goes to the card itself, around the sound server that "default" is. */
int output_name_match(const char *name, const char *target);

/* Opens an output at rate, or at the nearest rate the device takes: see o->rate. Says in
 * one sentence what is wrong when it cannot (-ENODEV: no such device, none at all). */
int output_open(const struct output_spec *spec, unsigned rate, struct output **ret);
/* What a failure of output_open() or output_start() was: the sound device is not there or
 * would not open (said by the output), or a file to write cannot be created there (what
 * open(O_CREAT) says of a missing directory, a read-only disk, a directory, no right). */
static inline bool output_error_is_device(int r) {
        return r == -ENODEV || r == -EIO;
}
static inline bool output_error_is_file(int r) {
        return r == -ENOENT || r == -EACCES || r == -EROFS || r == -EISDIR;
}

/* Whatever can be done before a stream is opened, done now: a daemon's first start is then
 * as quick as its next. Nothing, for most outputs. */
void output_prepare(const struct output_spec *spec);
/* From now on the output's thread renders the feed. */
int output_start(struct output *o, struct feed *f);
/* Control thread, every so often: 0, or -EIO when the device stopped taking samples (it
 * was unplugged, its sound server went away), or the error of writing a file. */
int output_check(struct output *o, usec_t now);
/* Stops at once: when it returns nothing renders the feed any more. */
void output_stop(struct output *o);
void output_free(struct output *o);
DEFINE_POINTER_CLEANUP(struct output, output_free)

/* The PortAudio side: Pa_Initialize() without the hundred lines ALSA and JACK print when
 * there is no card or server, and without probing devices nobody asked for (TARGET is the
 * device asked for, or NULL); the devices it sees; opening one. */
int portaudio_initialize(const char *target);
int portaudio_list_devices(FILE *f);
void portaudio_prepare(const char *target);
int portaudio_open(const struct output_spec *spec, unsigned rate, struct output **ret);
