/* The sound device, through PortAudio. The callback is the audio thread: it renders the
 * feed and nothing else, except holding back a device that runs ahead of real time. */
#include <alsa/asoundlib.h>
#include <errno.h>
#include <portaudio.h>
#include <signal.h>
#include <stdlib.h>
#include <strings.h>
#include <time.h>

#include "devclock.h"
#include "log.h"
#include "output.h"
#include "ring.h"

/* libjack comes with PortAudio; when it does, its chatter goes nowhere too. */
extern void jack_set_error_function(void (*)(const char *)) __attribute__((weak));
extern void jack_set_info_function(void (*)(const char *)) __attribute__((weak));

#define JUMPS 32
static_assert(RING_SIZE_OK(JUMPS), "a ring's size is a power of two");

struct pa_output {
        struct output output;
        PaStream *stream;
        bool started, broken; /* broken: PortAudio is started afresh for the next stream */
        usec_t guard;         /* how far ahead of real time a device may ask before it is held back */
        usec_t t0;            /* the first callback; only the callback touches t0 and frames */
        uint64_t frames;
        _Atomic bool racing;         /* it asked faster than real time: the system clock paces it */
        _Atomic unsigned underflows; /* the device ran dry: what it played had a gap */
        unsigned underflows_told;
        struct devclock clock; /* the callback's */
        /* Each jump in the device's clock, for pa_check() to tell: a log the callback writes.
         * A jump takes ten buffers and the check comes once a second while a stream runs,
         * so it holds what comes between two checks. */
        struct devclock_jump jumps[JUMPS];
        struct ring jump_log;
        uint32_t jumps_told;
        usec_t lost, skipped, revised; /* what was made up, held back, and taken for revisions */
        bool racing_told;
        uint64_t last_renders;
        usec_t last_progress;
};

#define STALLED_USEC (2 * USEC_PER_SEC)

static void alsa_quiet(const char *file, int line, const char *function, int err, const char *fmt, ...) {
}

static void jack_quiet(const char *message) {
}

/* PortAudio opens every PCM the ALSA configuration defines, to learn what each can do.
 * Opening a52, the AC-3 encoder for S/PDIF receivers, loads libavcodec and all it needs on
 * every start (bench/README.md has the cost), for a device a voice is never played
 * through unless someone names it. So unless the device asked for is a52, it is taken out
 * of the configuration before PortAudio reads it. */
static void skip_encoder(const char *target) {
        snd_config_t *n;

        if (target && strcasestr(target, "a52"))
                return;
        if (snd_config_update() >= 0 && snd_config_search(snd_config, "pcm.a52", &n) == 0)
                snd_config_delete(n);
}

int portaudio_initialize(const char *target) {
        snd_lib_error_set_handler(alsa_quiet);
        skip_encoder(target);
        if (jack_set_error_function)
                jack_set_error_function(jack_quiet);
        if (jack_set_info_function)
                jack_set_info_function(jack_quiet);
        return Pa_Initialize();
}

/* PortAudio stays up from one stream to the next: starting it probes every device, most
 * of the time from "start" to the first word (bench/README.md). It starts afresh for another
 * device, or when a device would not open or failed (a sound server restarted, a speaker
 * plugged in), and it does not stay up beside a JACK server, whose client it would remain,
 * woken every period. */
static struct {
        bool up;
        char *target;
} kept;

/* PortAudio 19.6, Debian 12's, can loop for ever in its audio thread when a device fails
 * under it: through pipewire-alsa, when PipeWire goes away, PaAlsaStream_WaitForFrames
 * jumps back to its own error label (fixed upstream in 2025, PortAudio #1038). Stopping the
 * stream then waits for that thread for ever, and nothing short of leaving the process
 * ends it. So stopping a stream has a deadline: past it tiptoed says why and exits, for its
 * service to start it again (Restart=on-failure), rather than hang with a core spinning. */
#define STOP_DEADLINE_SEC 5

static void stop_overdue(union sigval v) {
        log_error("PortAudio's audio thread did not stop within %d s: PortAudio 19.6 loops for "
                  "ever when a sound server goes away under pipewire-alsa. Exiting, to be started again.",
                  STOP_DEADLINE_SEC);
        _exit(EXIT_SOFTWARE);
}

/* Arms (or disarms) the deadline for what PortAudio does between the two calls. */
static void stop_deadline(bool arm) {
        static timer_t timer;
        static bool made;
        struct itimerspec when = { .it_value.tv_sec = arm ? STOP_DEADLINE_SEC : 0 };

        if (!made) {
                struct sigevent e = { .sigev_notify = SIGEV_THREAD, .sigev_notify_function = stop_overdue };
                if (timer_create(CLOCK_MONOTONIC, &e, &timer) < 0)
                        return; /* no deadline, as before it */
                made = true;
        }
        timer_settime(timer, 0, &when, NULL);
}

static void pa_release(void) {
        if (kept.up) {
                stop_deadline(true);
                Pa_Terminate();
                stop_deadline(false);
        }
        free(kept.target);
        kept.up = false;
        kept.target = NULL;
}

/* Beside a JACK server PortAudio is its client: not to be kept up. */
static bool beside_jack(void) {
        return Pa_HostApiTypeIdToHostApiIndex(paJACK) >= 0;
}

static bool pa_kept(const char *target) {
        return kept.up && streq_ptr(kept.target, target);
}

static PaError pa_acquire(const char *target) {
        PaError e;

        if (pa_kept(target))
                return paNoError;
        pa_release();
        usec_t t0 = now_monotonic();
        e = portaudio_initialize(target);
        if (e != paNoError)
                return e;
        log_debug("Started PortAudio in %.1f ms.", (now_monotonic() - t0) / 1e3);
        kept.up = true;
        kept.target = target ? strdup(target) : NULL;
        if (target && !kept.target) {
                pa_release();
                return paInsufficientMemory;
        }
        return paNoError;
}

void portaudio_prepare(const char *target) {
        if (pa_acquire(target) == paNoError && beside_jack())
                pa_release();
}

static bool is_output(PaDeviceIndex i) {
        const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
        return d && d->maxOutputChannels > 0;
}

int portaudio_list_devices(FILE *f) {
        PaError e = pa_acquire(NULL);
        PaDeviceIndex def;
        int n = 0;

        if (e != paNoError)
                return log_error_errno(EIO, "Failed to start PortAudio: %s", Pa_GetErrorText(e));
        def = Pa_GetDefaultOutputDevice();
        for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
                const PaDeviceInfo *d = Pa_GetDeviceInfo(i);
                if (!is_output(i))
                        continue;
                fprintf(f, "%s %s\t(%s, %d channels, %.0f Hz)\n", i == def ? "*" : " ", d->name,
                        Pa_GetHostApiInfo(d->hostApi)->name, d->maxOutputChannels, d->defaultSampleRate);
                n++;
        }
        pa_release();
        return n;
}

static void list_names(char *buf, size_t size) {
        size_t used = 0;
        buf[0] = 0;
        for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount() && used < size; i++)
                if (is_output(i))
                        used += snprintf(buf + used, size - used, "%s\"%s\"", used ? ", " : "",
                                         Pa_GetDeviceInfo(i)->name);
}

/* A device by its name, else the first with target among the words of its name
 * (output_name_match()). */
static PaDeviceIndex find_device(const char *target) {
        PaDeviceIndex found = paNoDevice;

        if (!target)
                return Pa_GetDefaultOutputDevice();
        for (PaDeviceIndex i = 0; i < Pa_GetDeviceCount(); i++) {
                if (!is_output(i))
                        continue;
                int match = output_name_match(Pa_GetDeviceInfo(i)->name, target);
                if (match == 2)
                        return i;
                if (match == 1 && found == paNoDevice)
                        found = i;
        }
        return found;
}

static int callback(const void *input, void *output, unsigned long n, const PaStreamCallbackTimeInfo *time,
                    PaStreamCallbackFlags flags, void *userdata) {
        struct pa_output *o = userdata;
        unsigned rate = o->output.rate;
        usec_t now = now_monotonic(), due, heard_at;
        double latency = time->outputBufferDacTime - time->currentTime;

        if (o->t0 == 0)
                o->t0 = now;
        if (flags & paOutputUnderflow) {
                atomic_fetch_add_explicit(&o->underflows, 1, memory_order_relaxed);
                devclock_ran_dry(&o->clock, o->frames);
        }
        due = o->t0 + usec_from_samples(o->frames, rate);
        if (latency <= 0 || latency >= 5.0)
                latency = o->output.latency / 1e6;
        if (due > now + o->guard) {
                /* Consuming faster than real time, as ALSA's null and file plugins do:
                 * the system clock paces it, like the wav: output. */
                struct timespec ts = { (due - o->guard) / USEC_PER_SEC, (due - o->guard) % USEC_PER_SEC * 1000 };
                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
                atomic_store_explicit(&o->racing, true, memory_order_relaxed);
        }
        if (atomic_load_explicit(&o->racing, memory_order_relaxed))
                /* Its own figures mean nothing, even when a wake-up comes late. */
                heard_at = due;
        else if (o->frames < 2 * (n + (uint64_t) (latency * rate)))
                /* Filling the device's buffer before it starts: a sound server can take a second
                 * or more to begin, and until it does the latency it reports means nothing. */
                heard_at = USEC_INFINITY;
        else {
                usec_t buffered = (usec_t) (latency * 1e6);
                heard_at = now + buffered;
                struct devclock_jump j = devclock_heard(&o->clock, o->frames, heard_at, buffered);
                if (j.lost)
                        feed_catch_up(o->output.feed, samples_from_usec(j.lost, rate));
                if (j.skipped)
                        feed_hold_back(o->output.feed, samples_from_usec(j.skipped, rate));
                if (j.lost || j.skipped || j.revised) {
                        o->jumps[ring_next(&o->jump_log) % JUMPS] = j;
                        ring_push(&o->jump_log);
                }
        }
        feed_render(o->output.feed, output, n, heard_at);
        o->frames += n;
        return paContinue;
}

static int pa_start(struct output *o) {
        struct pa_output *p = (struct pa_output *) o;
        PaError e;

        p->t0 = p->frames = 0;
        atomic_store(&p->racing, false);
        devclock_start(&p->clock, o->rate, o->latency);
        p->last_renders = atomic_load(&o->feed->renders);
        p->last_progress = now_monotonic();
        e = Pa_StartStream(p->stream);
        if (e != paNoError) {
                p->broken = true;
                return log_error_errno(EIO, "Failed to start playing on %s: %s", o->description, Pa_GetErrorText(e));
        }
        p->started = true;
        return 0;
}

/* Each jump, where in the stream it began and how long after the device last ran dry, so
 * that a step in a recording can be matched to what the player made of it. */
static void tell_jump(struct pa_output *p, const struct devclock_jump *j) {
        char dry[64] = "never ran dry";
        double at = (double) j->frame / p->output.rate;

        if (j->after_dry != USEC_INFINITY)
                snprintf(dry, sizeof dry,
                         j->dry_held ? "%.3f s after it held %.1f ms" : "%.3f s after it said it ran dry",
                         j->after_dry / 1e6, j->dry_held / 1e3);
        if (j->lost) {
                p->lost += j->lost;
                log_debug("%s: a gap of %.1f ms at %.3f s of this stream, %s; lost %.1f ms to gaps so far, "
                          "made up in the silences after them.",
                          p->output.description, j->lost / 1e3, at, dry, p->lost / 1e3);
        } else if (j->skipped) {
                p->skipped += j->skipped;
                log_debug("%s: %.1f ms of sound thrown away at %.3f s of this stream, %s; skipped %.1f ms so far, "
                          "held back in the silences after them.",
                          p->output.description, j->skipped / 1e3, at, dry, p->skipped / 1e3);
        } else {
                p->revised += (usec_t) llabs(j->revised);
                log_debug("%s: %.1f ms %s than it said at %.3f s of this stream, %s; taken for a revision, "
                          "%.1f ms so far.",
                          p->output.description, llabs(j->revised) / 1e3, j->revised > 0 ? "later" : "sooner", at, dry,
                          p->revised / 1e3);
        }
}

static int pa_check(struct output *o, usec_t now) {
        struct pa_output *p = (struct pa_output *) o;
        uint64_t renders = atomic_load(&o->feed->renders);

        if (atomic_load(&p->racing) && !p->racing_told) {
                log_info("%s asks for sound faster than it can be heard; the system clock paces it.", o->description);
                p->racing_told = true;
        }
        unsigned underflows = atomic_load(&p->underflows);
        if (underflows != p->underflows_told) {
                log_debug("%s ran dry %u times: the listener heard gaps.", o->description, underflows);
                p->underflows_told = underflows;
        }
        uint32_t w = ring_published(&p->jump_log);
        if (w - p->jumps_told > JUMPS) {
                log_debug("%s: %u jumps in its clock came too fast to tell.", o->description,
                          w - p->jumps_told - JUMPS);
                p->jumps_told = w - JUMPS;
        }
        assert(w - p->jumps_told <= JUMPS);
        for (; p->jumps_told != w; p->jumps_told++)
                tell_jump(p, &p->jumps[p->jumps_told % JUMPS]);
        if (renders != p->last_renders) {
                p->last_renders = renders;
                p->last_progress = now;
        }
        /* The stream stopped, or asked for nothing for too long: the device went away. */
        if (Pa_IsStreamActive(p->stream) != 1 || now - p->last_progress > STALLED_USEC + o->latency) {
                p->broken = true;
                return -EIO;
        }
        return 0;
}

static void pa_stop(struct output *o) {
        struct pa_output *p = (struct pa_output *) o;
        if (!p->started)
                return;
        stop_deadline(true);
        Pa_AbortStream(p->stream);
        stop_deadline(false);
        p->started = false;
}

static void pa_free(struct output *o) {
        struct pa_output *p = (struct pa_output *) o;
        if (p->stream) {
                stop_deadline(true);
                Pa_CloseStream(p->stream);
                stop_deadline(false);
        }
        if (p->broken || beside_jack())
                pa_release();
}

static const struct output_ops pa_ops = {
        .start = pa_start,
        .check = pa_check,
        .stop = pa_stop,
        .free = pa_free,
};

/* The device asked for, opened at rate or at its own: 0, -ENODEV (no such device) or -EIO
 * (it would not open: *error says why). */
static int open_stream(struct pa_output *p, unsigned rate, const PaDeviceInfo **ret_info, PaError *error) {
        PaStreamParameters params = { .channelCount = 1, .sampleFormat = paInt16 };
        const PaDeviceInfo *info;

        params.device = find_device(p->output.spec.target);
        if (params.device == paNoDevice)
                return -ENODEV;
        *ret_info = info = Pa_GetDeviceInfo(params.device);
        unsigned latency_msec = p->output.spec.latency_msec ?: AUDIO_LATENCY_MSEC;
        params.suggestedLatency = MAX(info->defaultLowOutputLatency, latency_msec / 1000.0);
        if (Pa_IsFormatSupported(NULL, &params, rate) != paFormatIsSupported)
                rate = (unsigned) info->defaultSampleRate; /* the track is resampled to suit */
        p->output.rate = rate;

        /* The callback fills a tenth of the latency at a time (50 ms, by default). PortAudio
         * makes ALSA's period a quarter of the buffer in whole callbacks (150 ms), and each
         * period wakes this thread and the sound server's client: a longer latency costs
         * less CPU. Through pipewire-alsa the period is the stream's node.latency, which
         * sets the graph's quantum up to the server's longest. A pause waits for none of
         * it: what the device holds is dropped. */
        unsigned long period = (unsigned long) rate * MAX(latency_msec / 10, 1u) / 1000;
        *error = Pa_OpenStream(&p->stream, NULL, &params, rate, period, paNoFlag, callback, p);
        if (*error != paNoError) {
                p->stream = NULL;
                return -EIO;
        }
        return 0;
}

int portaudio_open(const struct output_spec *spec, unsigned rate, struct output **ret) {
        _cleanup_(output_freep) struct output *o = NULL;
        struct pa_output *p = calloc(1, sizeof *p);
        const PaDeviceInfo *info = NULL;
        bool kept_up = pa_kept(spec->target);
        PaError e;
        char names[512];
        int r;

        if (!p)
                return -ENOMEM;
        *p = (struct pa_output){ .output = { .ops = &pa_ops, .spec = *spec } };
        o = &p->output;

        e = pa_acquire(spec->target);
        if (e != paNoError)
                return log_error_errno(EIO, "Failed to start PortAudio: %s", Pa_GetErrorText(e));
        r = open_stream(p, rate, &info, &e);
        if (r < 0 && kept_up) { /* the devices may have changed since PortAudio looked */
                pa_release();
                e = pa_acquire(spec->target);
                if (e != paNoError)
                        return log_error_errno(EIO, "Failed to start PortAudio: %s", Pa_GetErrorText(e));
                r = open_stream(p, rate, &info, &e);
        }
        if (r < 0)
                p->broken = true;
        if (r == -ENODEV) {
                if (spec->quiet)
                        return -ENODEV;
                list_names(names, sizeof names);
                if (!names[0])
                        return log_error_errno(ENODEV, "No sound output device: PortAudio finds none (no sound card, "
                                                       "no sound server). Connect a speaker, or play into a file with "
                                                       "--output wav:FILE.");
                return log_error_errno(ENODEV,
                                       "No output device matches \"%s\"; PortAudio sees %s. "
                                       "Name one of them (tiptoed --list-devices).",
                                       spec->target, names);
        }
        if (r < 0)
                return spec->quiet ? -EIO
                                   : log_error_errno(
                                             EIO,
                                             "Failed to open sound device \"%s\" at %u Hz: %s. "
                                             "Pick another one with --output portaudio:NAME (tiptoed --list-devices).",
                                             info->name, o->rate, Pa_GetErrorText(e));
        o->latency = usec_from_seconds(Pa_GetStreamInfo(p->stream)->outputLatency);
        p->guard = MAX(USEC_PER_SEC / 2, 2 * o->latency);
        if (asprintf(&o->description, "sound device \"%s\" (%s) at %u Hz, latency %.1f ms", info->name,
                     Pa_GetHostApiInfo(info->hostApi)->name, o->rate, o->latency / 1000.0) < 0) {
                o->description = NULL;
                return -ENOMEM;
        }
        *ret = o;
        o = NULL;
        return 0;
}
