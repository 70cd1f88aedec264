#include <errno.h>
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <signal.h>

#include "log.h"
#include "speech.h"

enum request_state { STARTING, IDLE, PENDING, DONE, QUIT };

struct speech {
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t changed;
        enum request_state state;
        const struct voice *voice;
        unsigned rate;
        int init_error;

        /* What eSpeak is set to speak with now: the speech thread's. */
        char *espeak_voice;
        int espeak_rate, espeak_pitch;

        /* The one request in flight, guarded by lock. text NULL: only switch voices. */
        const struct voice *want;
        const char *text;
        struct clip *result;
        int error;
};

struct pcm {
        int16_t *samples;
        size_t n, allocated;
        bool failed;
};

static int on_synth(short *wav, int n, espeak_EVENT *events) {
        struct pcm *pcm = events->user_data;

        if (!wav || n <= 0 || pcm->failed)
                return 0;
        if (pcm->n + n > pcm->allocated) {
                size_t size = MAX(pcm->allocated * 2, pcm->n + n + 22050);
                int16_t *p = realloc(pcm->samples, size * sizeof *p);
                if (!p) {
                        pcm->failed = true;
                        return 1; /* abort synthesis */
                }
                pcm->samples = p;
                pcm->allocated = size;
        }
        memcpy(pcm->samples + pcm->n, wav, n * sizeof *wav);
        pcm->n += n;
        return 0;
}

/* Runs on the speech thread only. */
static int synthesize_now(const char *text, struct clip **ret) {
        struct pcm pcm = {};
        espeak_ERROR e = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, &pcm);
        if (e != EE_OK || pcm.failed) {
                free(pcm.samples);
                return pcm.failed ? -ENOMEM : -EIO;
        }
        struct clip *c = malloc(sizeof *c);
        if (!c) {
                free(pcm.samples);
                return -ENOMEM;
        }
        *c = (struct clip){ .samples = pcm.samples, .n_samples = pcm.n };
        clip_trim(c);
        if (c->n_samples == 0) {
                clip_free(c);
                return -ENODATA; /* nothing audible: punctuation only, say */
        }
        /* Kept for the daemon's life: give back what growing it in steps left over. */
        int16_t *exact = realloc(c->samples, c->n_samples * sizeof *c->samples);
        if (exact)
                c->samples = exact;
        *ret = c;
        return 0;
}

/* Runs on the speech thread only. Switching is cheap, but not free: only when it differs.
 * -ENOENT, unlogged, when eSpeak NG has no such voice: the caller says so. */
static int use_voice(struct speech *s, const struct voice *v) {
        if (streq_ptr(s->espeak_voice, v->espeak_voice) && s->espeak_rate == v->rate && s->espeak_pitch == v->pitch)
                return 0;
        free(s->espeak_voice);
        s->espeak_voice = NULL;
        if (espeak_SetVoiceByName(v->espeak_voice) != EE_OK)
                return -ENOENT;
        espeak_SetParameter(espeakRATE, v->rate, 0);
        espeak_SetParameter(espeakPITCH, v->pitch, 0);
        s->espeak_voice = strdup(v->espeak_voice); /* NULL only means switching again next time */
        s->espeak_rate = v->rate;
        s->espeak_pitch = v->pitch;
        return 0;
}

/* One request, on the speech thread: switch to voice want (NULL: keep the one in use), then
 * say text (NULL: nothing). */
static int speak(struct speech *s, const struct voice *want, const char *text, struct clip **ret) {
        if (want) {
                int r = use_voice(s, want);
                if (r < 0)
                        return r;
        }
        return text ? synthesize_now(text, ret) : 0;
}

static int espeak_start(struct speech *s, unsigned *ret_rate) {
        int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
        if (rate <= 0)
                return log_error_errno(EIO, "eSpeak NG could not start: is espeak-ng-data installed?");
        *ret_rate = rate;
        espeak_SetSynthCallback(on_synth);
        return use_voice(s, s->voice);
}

static void *speech_thread(void *userdata) {
        struct speech *s = userdata;
        sigset_t all;
        unsigned rate = 0;

        /* Signals belong to the main thread's event loop. */
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, NULL);

        int r = espeak_start(s, &rate);

        pthread_mutex_lock(&s->lock);
        s->init_error = r;
        s->rate = rate;
        s->state = r < 0 ? QUIT : IDLE;
        pthread_cond_broadcast(&s->changed);
        while (s->state != QUIT) {
                if (s->state != PENDING) {
                        pthread_cond_wait(&s->changed, &s->lock);
                        continue;
                }
                const char *text = s->text;
                const struct voice *want = s->want;
                struct clip *c = NULL;
                pthread_mutex_unlock(&s->lock);
                r = speak(s, want, text, &c);
                pthread_mutex_lock(&s->lock);
                s->result = c;
                s->error = r;
                s->state = DONE;
                pthread_cond_broadcast(&s->changed);
        }
        pthread_mutex_unlock(&s->lock);
        /* No espeak_Terminate(): in eSpeak NG 1.51 it hangs once eSpeak has been
         * initialised a second time in the process (its internal threads wait forever),
         * and a later speech_new() initialises it again anyway. */
        return NULL;
}

int speech_new(const struct voice *v, struct speech **ret) {
        struct speech *s = calloc(1, sizeof *s);
        int r;

        if (!s)
                return log_oom();
        s->voice = v;
        s->state = STARTING;
        pthread_mutex_init(&s->lock, NULL);
        pthread_cond_init(&s->changed, NULL);
        r = -pthread_create(&s->thread, NULL, speech_thread, s);
        if (r < 0) {
                free(s);
                return log_error_errno(r, "Failed to start the speech thread: %m");
        }

        pthread_mutex_lock(&s->lock);
        while (s->state == STARTING)
                pthread_cond_wait(&s->changed, &s->lock);
        r = s->init_error;
        pthread_mutex_unlock(&s->lock);
        if (r < 0) {
                pthread_join(s->thread, NULL);
                free(s);
                if (r == -ENOENT)
                        log_error(SPEECH_NO_VOICE, SPEECH_NO_VOICE_ARGS(v));
                return r;
        }
        *ret = s;
        return 0;
}

void speech_free(struct speech *s) {
        if (!s)
                return;
        pthread_mutex_lock(&s->lock);
        s->state = QUIT;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        pthread_join(s->thread, NULL);
        pthread_mutex_destroy(&s->lock);
        pthread_cond_destroy(&s->changed);
        free(s->espeak_voice);
        free(s);
}

unsigned speech_sample_rate(const struct speech *s) {
        return s->rate;
}

static int request(struct speech *s, const struct voice *v, const char *text, struct clip **ret) {
        struct clip *unused = NULL;
        int r;

        pthread_mutex_lock(&s->lock);
        while (s->state != IDLE)
                pthread_cond_wait(&s->changed, &s->lock);
        s->want = v;
        s->text = text;
        s->state = PENDING;
        pthread_cond_broadcast(&s->changed);
        while (s->state != DONE)
                pthread_cond_wait(&s->changed, &s->lock);
        r = s->error;
        *(ret ?: &unused) = s->result;
        s->result = NULL;
        s->state = IDLE;
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        return r;
}

int speech_synthesize(struct speech *s, const struct voice *v, const char *text, struct clip **ret) {
        return request(s, v, text, ret);
}

int speech_use_voice(struct speech *s, const struct voice *v) {
        return request(s, v, NULL, NULL);
}
