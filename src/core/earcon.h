/* Earcons: the soft tones a voice may sound with its counting (conf/voice.h says which
 * and how loud). The planner places them by their length, the mixer draws them. */
#pragma once

#include "track.h"
#include "voice.h"

/* Speech after an earcon begins this long after it ends, so the two are heard apart. */
#define EARCON_GAP_USEC (40 * USEC_PER_MSEC)

usec_t earcon_duration(enum earcon e);

/* The earcon at rate, its peak level_db against full scale. */
int earcon_clip(enum earcon e, unsigned rate, double level_db, struct clip **ret);
