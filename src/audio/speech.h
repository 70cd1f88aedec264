/* Speech: eSpeak NG turns text into 16-bit mono PCM. eSpeak's state is global, so one
 * thread owns it, for the whole process, switching voices as asked; speech_synthesize() may be called from any thread
 * and waits. */
#pragma once

#include "track.h"
#include "voice.h"

struct speech;

int speech_new(const struct voice *v, struct speech **ret);
void speech_free(struct speech *s);
DEFINE_POINTER_CLEANUP(struct speech, speech_free)

unsigned speech_sample_rate(const struct speech *s);
/* Speaks text with voice v (NULL: the voice used last). */
int speech_synthesize(struct speech *s, const struct voice *v, const char *text, struct clip **ret);
/* What to say of a voice eSpeak NG lacks (-ENOENT from the calls here, which do not log it),
 * with its path, espeak_voice_line and espeak_voice. */
#define SPEECH_NO_VOICE "%s:%u: eSpeak NG has no voice '%s': pick one from 'espeak-ng --voices'."
#define SPEECH_NO_VOICE_ARGS(v) (v)->path, (v)->espeak_voice_line, (v)->espeak_voice

/* Switches to voice v now: -ENOENT when eSpeak NG lacks it. */
int speech_use_voice(struct speech *s, const struct voice *v);
