/* bench/wallclock: the alternative bench/timing measures tiptoed against. It plays the same
 * plan with the same clips through the same PortAudio stream, but starts each clip when
 * CLOCK_MONOTONIC says the cue is due, the way a daemon driven by timers would, instead of
 * placing it by sample count.
 *
 *   wallclock ROUTINE VOICE
 *
 * The main thread sleeps until each cue's instant and hands its clip to the callback,
 * which starts playing it at the next sample it writes. */
#include <errno.h>
#include <portaudio.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

#include "feed.h"
#include "output.h"
#include "planned.h"

struct state {
        _Atomic(const struct clip *) next; /* handed over by the main thread */
        const struct clip *playing;
        size_t at;
};

static int callback(const void *in, void *out, unsigned long n, const PaStreamCallbackTimeInfo *t,
                    PaStreamCallbackFlags flags, void *userdata) {
        struct state *s = userdata;
        int16_t *o = out;
        const struct clip *c = atomic_exchange(&s->next, NULL);

        if (c) {
                s->playing = c;
                s->at = 0;
        }
        for (unsigned long i = 0; i < n; i++)
                o[i] = s->playing && s->at < s->playing->n_samples ? s->playing->samples[s->at++] : 0;
        return paContinue;
}

static void sleep_until(usec_t t) {
        struct timespec ts = { t / USEC_PER_SEC, t % USEC_PER_SEC * 1000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
                ;
}

int main(int argc, char *argv[]) {
        struct planned planned;
        struct state s = {};
        PaStream *stream;
        PaStreamParameters params = { .channelCount = 1, .sampleFormat = paInt16 };

        if (argc != 3)
                return fprintf(stderr, "Usage: wallclock ROUTINE VOICE\n"), 2;
        if (planned_load(argv[1], argv[2], LEVEL_NORMAL, -1, 0, &planned) < 0)
                return 2;
        const struct plan *plan = planned.plan;
        const struct track *track = planned.track;

        if (portaudio_initialize(NULL) != paNoError || (params.device = Pa_GetDefaultOutputDevice()) == paNoDevice)
                return fprintf(stderr, "wallclock: no output device\n"), 69;
        params.suggestedLatency = 0.05; /* as tiptoed opens it */
        /* tiptoed's 5 ms periods: the clip starts at the next one */
        if (Pa_OpenStream(&stream, NULL, &params, track->rate, track->rate / 200, paNoFlag, callback, &s) !=
                    paNoError ||
            Pa_StartStream(stream) != paNoError)
                return fprintf(stderr, "wallclock: cannot open the output device\n"), 69;

        usec_t t0 = now_monotonic() + USEC_PER_SEC / 2; /* the same half second of quiet first */
        for (size_t i = 0; i < plan->n_cues; i++) {
                sleep_until(t0 + plan->cues[i].start);
                atomic_store(&s.next, track->clips[i].clip);
        }
        sleep_until(t0 + plan->total + USEC_PER_SEC / 2);
        Pa_StopStream(stream);
        Pa_CloseStream(stream);
        Pa_Terminate();
        planned_free(&planned);
        return 0;
}
