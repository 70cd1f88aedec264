/* The mixer: a plan's clips, synthesized through the cache and resampled to the device's
 * rate, placed by sample position in one continuous track (core/track.h). */
#pragma once

#include "clips.h"
#include "plan.h"
#include "track.h"

/* Synthesizes (through the cache) whatever the plan says that is not yet cached, and
 * places it at rate (0: the speech rate), resampled when that differs. */
int track_build(const struct plan *plan, struct clips *clips, unsigned rate, struct track **ret);

/* Writes the whole track, silence included, to a WAV file. */
int mix_render_wav(const struct track *t, const char *path);
