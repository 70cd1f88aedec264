#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "log.h"
#include "output.h"
#include "wav.h"

void output_announce_role(void) {
        /* libpulse adds PULSE_PROP_<key> to every client's properties, and a stream takes
         * its client's; pipewire-alsa reads its stream's properties from PIPEWIRE_ALSA. */
        (void) setenv("PULSE_PROP_media.role", "announcement", false);
        (void) setenv("PIPEWIRE_ALSA", "{ media.role = \"announcement\" }", false);
}

int output_spec_parse(const char *s, struct output_spec *ret) {
        if (streq(s, "null"))
                *ret = (struct output_spec){ OUTPUT_NULL, NULL };
        else if (streq(s, "portaudio"))
                *ret = (struct output_spec){ OUTPUT_PORTAUDIO, NULL };
        else if (strncmp(s, "portaudio:", 10) == 0 && s[10])
                *ret = (struct output_spec){ OUTPUT_PORTAUDIO, s + 10 };
        else if (strncmp(s, "wav:", 4) == 0 && s[4])
                *ret = (struct output_spec){ OUTPUT_WAV, s + 4 };
        else
                return -EINVAL;
        return 0;
}

int output_name_match(const char *name, const char *target) {
        size_t n = strlen(target);

        if (strcasecmp(name, target) == 0)
                return 2;
        if (n == 0)
                return 0;
        for (const char *p = name; (p = strcasestr(p, target)); p++)
                if (p == name || !isalnum((unsigned char) p[-1]))
                        return 1;
        return 0;
}

struct output_spec output_spec_choose(const struct output_spec *named, const struct settings *settings) {
        struct output_spec spec = named ? *named : (struct output_spec){ OUTPUT_PORTAUDIO, settings->audio_device };
        spec.latency_msec = settings->audio_latency_msec;
        spec.rate = settings->audio_rate;
        return spec;
}

/* wav:FILE and null: a thread renders a block whenever CLOCK_MONOTONIC says it is due. */
struct paced {
        struct output output;
        pthread_t thread;
        bool running;
        _Atomic bool stop;
        _Atomic int error;
        struct wav_writer *wav;
};

#define PACED_BLOCK_MSEC 10
#define PACED_BLOCK_MAX (192000 * PACED_BLOCK_MSEC / 1000)

static void *paced_thread(void *userdata) {
        struct paced *p = userdata;
        unsigned rate = p->output.rate;
        size_t block = MIN(rate * PACED_BLOCK_MSEC / 1000, (size_t) PACED_BLOCK_MAX);
        int16_t buffer[PACED_BLOCK_MAX];
        usec_t t0 = now_monotonic();

        for (uint64_t frames = 0; !atomic_load(&p->stop); frames += block) {
                usec_t due = t0 + usec_from_samples(frames + block, rate);
                struct timespec ts = { due / USEC_PER_SEC, (due % USEC_PER_SEC) * 1000 };

                while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                        ;
                feed_render(p->output.feed, buffer, block, t0 + usec_from_samples(frames, rate));
                if (p->wav) {
                        int r = wav_writer_write(p->wav, buffer, block);
                        if (r < 0) {
                                atomic_store(&p->error, r);
                                break;
                        }
                }
        }
        return NULL;
}

static int paced_start(struct output *o) {
        struct paced *p = (struct paced *) o;
        int r = pthread_create(&p->thread, NULL, paced_thread, p);
        if (r > 0)
                return log_error_errno(r, "Failed to start the output thread: %m");
        p->running = true;
        return 0;
}

static int paced_check(struct output *o, usec_t now) {
        return atomic_load(&((struct paced *) o)->error);
}

static void paced_stop(struct output *o) {
        struct paced *p = (struct paced *) o;
        if (!p->running)
                return;
        atomic_store(&p->stop, true);
        pthread_join(p->thread, NULL);
        p->running = false;
        atomic_store(&p->stop, false);
}

static void paced_free(struct output *o) {
        struct paced *p = (struct paced *) o;
        if (p->wav) {
                int r = wav_writer_close(p->wav);
                if (r < 0)
                        log_error_errno(r, "Failed to finish %s: %m", o->spec.target);
        }
}

static const struct output_ops paced_ops = {
        .start = paced_start,
        .check = paced_check,
        .stop = paced_stop,
        .free = paced_free,
};

static int paced_open(const struct output_spec *spec, unsigned rate, struct output **ret) {
        struct paced *p = calloc(1, sizeof *p);
        int r;

        if (!p)
                return -ENOMEM;
        *p = (struct paced){ .output = { .ops = &paced_ops, .spec = *spec, .rate = rate } };
        if (spec->kind == OUTPUT_WAV) {
                r = wav_writer_open(spec->target, rate, &p->wav);
                if (r < 0) {
                        free(p);
                        return log_error_errno(r, "Failed to create %s: %m", spec->target);
                }
        }
        r = asprintf(&p->output.description, "%s%s at %u Hz, paced by the system clock",
                     spec->kind == OUTPUT_WAV ? "WAV file " : "no sound", spec->target ?: "", rate);
        if (r < 0) {
                p->output.description = NULL;
                output_free(&p->output);
                return -ENOMEM;
        }
        *ret = &p->output;
        return 0;
}

unsigned output_spec_rate(const struct output_spec *spec, unsigned clips_rate) {
        return spec->rate ?: clips_rate;
}

int output_open(const struct output_spec *spec, unsigned rate, struct output **ret) {
        rate = output_spec_rate(spec, rate);
        return spec->kind == OUTPUT_PORTAUDIO ? portaudio_open(spec, rate, ret) : paced_open(spec, rate, ret);
}

void output_prepare(const struct output_spec *spec) {
        if (spec->kind == OUTPUT_PORTAUDIO)
                portaudio_prepare(spec->target);
}

int output_start(struct output *o, struct feed *f) {
        o->feed = f;
        f->detached = false;
        int r = o->ops->start(o);
        if (r < 0)
                f->detached = true;
        return r;
}

int output_check(struct output *o, usec_t now) {
        return o->ops->check(o, now);
}

void output_stop(struct output *o) {
        o->ops->stop(o);
}

void output_free(struct output *o) {
        if (!o)
                return;
        o->ops->stop(o);
        o->ops->free(o);
        free(o->description);
        free(o);
}
