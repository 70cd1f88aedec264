#include <assert.h>
#include <errno.h>
#include <math.h>

#include "earcon.h"

/* Each is a sine (and an overtone) that starts within 2 ms and dies away: a tick short
 * and high, the countdown's tone lower and longer, the chime a bell's two partials
 * ringing on. The frequencies differ so that each is told apart by ear and by a test. */
static const struct {
        double hz;
        double overtone; /* twice hz, this loud against the fundamental */
        usec_t duration;
        usec_t decay; /* time constant of the fall */
} shapes[_EARCON_MAX] = {
        [EARCON_TICK] = { 2000.0, 0.0, 30 * USEC_PER_MSEC, 8 * USEC_PER_MSEC },
        [EARCON_COUNTDOWN] = { 880.0, 0.0, 150 * USEC_PER_MSEC, 60 * USEC_PER_MSEC },
        [EARCON_CHIME] = { 1318.5, 0.4, 450 * USEC_PER_MSEC, 150 * USEC_PER_MSEC },
};

#define ATTACK_USEC (2 * USEC_PER_MSEC)
#define RELEASE_USEC (5 * USEC_PER_MSEC) /* the last of the fall taken to zero: no click */

usec_t earcon_duration(enum earcon e) {
        return shapes[e].duration;
}

int earcon_clip(enum earcon e, unsigned rate, double level_db, struct clip **ret) {
        _cleanup_(clip_freep) struct clip *c = calloc(1, sizeof *c);
        size_t n = (size_t) (shapes[e].duration * rate / USEC_PER_SEC);
        double attack = (double) ATTACK_USEC * rate / USEC_PER_SEC,
               release = (double) RELEASE_USEC * rate / USEC_PER_SEC;
        double decay = (double) shapes[e].decay * rate / USEC_PER_SEC, peak = 0;
        double *wave;

        assert(e < _EARCON_MAX);
        if (!c || !(c->samples = calloc(MAX(n, (size_t) 1), sizeof *c->samples)))
                return -ENOMEM;
        wave = calloc(MAX(n, (size_t) 1), sizeof *wave);
        if (!wave)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                double up = i < attack ? 0.5 - 0.5 * cos(M_PI * i / attack) : 1;
                double down = n - i < release ? 0.5 - 0.5 * cos(M_PI * (n - i) / release) : 1;
                double phase = 2 * M_PI * shapes[e].hz * (double) i / rate;
                wave[i] = up * down * exp(-(double) i / decay) * (sin(phase) + shapes[e].overtone * sin(2 * phase));
                peak = MAX(peak, fabs(wave[i]));
        }
        double scale = peak > 0 ? 32767.0 * pow(10, level_db / 20) / peak : 0;
        for (size_t i = 0; i < n; i++)
                c->samples[i] = (int16_t) lround(wave[i] * scale);
        free(wave);
        c->n_samples = n;
        *ret = c;
        c = NULL;
        return 0;
}
