#include <errno.h>
#include <soxr.h>

#include "clips.h"
#include "log.h"

/* The clip at another rate than the speech's, made when first asked for. */
struct resampled {
        unsigned rate;
        struct clip clip;
        struct resampled *next;
};

struct entry {
        char *text;
        struct clip *clip;
        struct resampled *resampled;
        struct entry *next;
};

struct clips {
        unsigned n_ref;
        struct speech *speech;
        struct voice *voice; /* a copy: the cache outlives the setup that made it */
        struct entry **buckets;
        size_t n_buckets;
        size_t n_entries;
        size_t n_resampled;
};

static uint64_t hash(const char *s) {
        uint64_t h = 14695981039346656037ull; /* FNV-1a */
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 1099511628211ull;
        return h;
}

int clips_new(struct speech *speech, const struct voice *voice, struct clips **ret) {
        struct clips *c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->n_ref = 1;
        c->speech = speech;
        c->n_buckets = 256;
        c->buckets = calloc(c->n_buckets, sizeof *c->buckets);
        if (!c->buckets || (voice && voice_copy(voice, &c->voice) < 0)) {
                free(c->buckets);
                free(c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

struct clips *clips_ref(struct clips *c) {
        c->n_ref++;
        return c;
}

const struct voice *clips_voice(const struct clips *c) {
        return c->voice;
}

void clips_unref(struct clips *c) {
        if (!c || --c->n_ref > 0)
                return;
        voice_free(c->voice);
        for (size_t i = 0; i < c->n_buckets; i++)
                for (struct entry *e = c->buckets[i], *next; e; e = next) {
                        next = e->next;
                        free(e->text);
                        clip_free(e->clip);
                        for (struct resampled *x = e->resampled, *n; x; x = n) {
                                n = x->next;
                                free(x->clip.samples);
                                free(x);
                        }
                        free(e);
                }
        free(c->buckets);
        free(c);
}

static void grow(struct clips *c) {
        size_t n = c->n_buckets * 2;
        struct entry **b = calloc(n, sizeof *b);
        if (!b)
                return; /* a fuller table is slower, not wrong */
        for (size_t i = 0; i < c->n_buckets; i++)
                for (struct entry *e = c->buckets[i], *next; e; e = next) {
                        next = e->next;
                        size_t k = hash(e->text) % n;
                        e->next = b[k];
                        b[k] = e;
                }
        free(c->buckets);
        c->buckets = b;
        c->n_buckets = n;
}

static int entry_get(struct clips *c, const char *text, struct entry **ret) {
        size_t k = hash(text) % c->n_buckets;
        struct entry *e;
        int r;

        for (e = c->buckets[k]; e; e = e->next)
                if (streq(e->text, text)) {
                        *ret = e;
                        return 0;
                }

        e = calloc(1, sizeof *e);
        if (!e || !(e->text = strdup(text))) {
                free(e);
                return -ENOMEM;
        }
        r = speech_synthesize(c->speech, c->voice, text, &e->clip);
        if (r < 0) {
                free(e->text);
                free(e);
                if (r == -ENOENT)
                        return log_error_errno(r, SPEECH_NO_VOICE, SPEECH_NO_VOICE_ARGS(c->voice));
                return r == -ENODATA ? log_error_errno(r, "Nothing audible in \"%s\": give it words.", text)
                                     : log_error_errno(r, "Failed to synthesize \"%s\": %m", text);
        }
        e->next = c->buckets[k];
        c->buckets[k] = e;
        if (++c->n_entries > c->n_buckets)
                grow(c);
        *ret = e;
        return 0;
}

int clips_get(struct clips *c, const char *text, const struct clip **ret) {
        struct entry *e;
        int r = entry_get(c, text, &e);
        if (r < 0)
                return r;
        *ret = e->clip;
        return 0;
}

/* Through libsoxr, at its high quality: once per clip and rate, never while playing. */
static int resample(const struct clip *in, unsigned from, unsigned to, struct clip *ret) {
        soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
        soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
        size_t n = (size_t) (((uint64_t) in->n_samples * to + from - 1) / from), done = 0;
        soxr_error_t e;

        ret->samples = calloc(MAX(n, (size_t) 1), sizeof *ret->samples);
        if (!ret->samples)
                return -ENOMEM;
        e = soxr_oneshot(from, to, 1, in->samples, in->n_samples, NULL, ret->samples, n, &done, &io, &quality, NULL);
        if (e) {
                free(ret->samples);
                ret->samples = NULL;
                return log_error_errno(EINVAL, "Failed to resample speech from %u to %u Hz: %s", from, to, e);
        }
        ret->n_samples = done;
        return 0;
}

int clips_get_at(struct clips *c, const char *text, unsigned rate, const struct clip **ret) {
        unsigned from = clips_sample_rate(c);
        struct resampled *x;
        struct entry *e;
        int r = entry_get(c, text, &e);

        if (r < 0)
                return r;
        if (rate == 0 || rate == from) {
                *ret = e->clip;
                return 0;
        }
        for (x = e->resampled; x; x = x->next)
                if (x->rate == rate) {
                        *ret = &x->clip;
                        return 0;
                }
        x = calloc(1, sizeof *x);
        if (!x)
                return -ENOMEM;
        r = resample(e->clip, from, rate, &x->clip);
        if (r < 0) {
                free(x);
                return r;
        }
        x->rate = rate;
        x->next = e->resampled;
        e->resampled = x;
        c->n_resampled++;
        *ret = &x->clip;
        return 0;
}

size_t clips_count(const struct clips *c) {
        return c->n_entries;
}

size_t clips_resampled_count(const struct clips *c) {
        return c->n_resampled;
}

unsigned clips_sample_rate(const struct clips *c) {
        return speech_sample_rate(c->speech);
}

int clips_duration(void *userdata, const char *text, usec_t *ret) {
        struct clips *c = userdata;
        const struct clip *clip;
        int r = clips_get(c, text, &clip);
        if (r < 0)
                return r;
        *ret = usec_from_samples(clip->n_samples, clips_sample_rate(c));
        return 0;
}
