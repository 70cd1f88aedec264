/* The clip cache: every distinct phrase is synthesized once and kept, and so is each
 * resampling of it. */
#pragma once

#include "speech.h"

struct clips;

/* Clips in voice (NULL: whichever the speech uses), which is copied. */
int clips_new(struct speech *speech, const struct voice *voice, struct clips **ret);
/* Shared by every setup whose voice speaks the same (voice_speaks_like()); freed with the last. */
struct clips *clips_ref(struct clips *c);
void clips_unref(struct clips *c);
const struct voice *clips_voice(const struct clips *c);
DEFINE_POINTER_CLEANUP(struct clips, clips_unref)

/* The clip for text, synthesized on first use. It lives as long as the cache. */
int clips_get(struct clips *c, const char *text, const struct clip **ret);
/* The same at rate (0: the speech's), resampled on first use and kept as long as the
 * cache, so that a device opened at its own rate costs the resampling at the first start,
 * not at every one. */
int clips_get_at(struct clips *c, const char *text, unsigned rate, const struct clip **ret);

size_t clips_count(const struct clips *c);
/* How many clips were resampled to some rate: each once. */
size_t clips_resampled_count(const struct clips *c);
unsigned clips_sample_rate(const struct clips *c);

/* A phrase_duration_fn over the cache: userdata is the struct clips. */
int clips_duration(void *userdata, const char *text, usec_t *ret);
