/* bench/pa-modes: what PortAudio's two ways of playing cost a start, and what each tells of
 * when a sample is heard, for bench/modes to set side by side.
 *
 *   pa-modes play callback|blocking MS    a second of tone on the default device, a stream
 *                                         at latency MS, as tiptoed opens it
 *   pa-modes clock callback|blocking MS   three seconds of silence; prints how far the
 *                                         figure "heard at" wanders from the sample count
 *                                         (ms, max - min after the first second)
 *
 * A callback stream is given the time its buffer will be heard (the DAC time, from the
 * device's delay); a blocking stream knows only the space in its buffer, from which the
 * same figure is now + what the buffer still holds. */
#include <math.h>
#include <portaudio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RATE 22050

static struct {
        bool tone;
        long frames;
        double lo, hi; /* "heard at" less the sample count, after the first second */
} s = { .lo = 1e9, .hi = -1e9 };

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(short *out, unsigned long n) {
        for (unsigned long i = 0; i < n; i++, s.frames++)
                out[i] = s.tone && s.frames < RATE ? (short) (8000 * sin(2 * M_PI * 440.0 * s.frames / RATE)) : 0;
}

static void heard(double at) {
        double r = at - (double) s.frames / RATE;
        if (s.frames < RATE)
                return;
        if (r < s.lo)
                s.lo = r;
        if (r > s.hi)
                s.hi = r;
}

static int callback(const void *in, void *out, unsigned long n, const PaStreamCallbackTimeInfo *t,
                    PaStreamCallbackFlags flags, void *userdata) {
        heard(now() + t->outputBufferDacTime - t->currentTime);
        fill(out, n);
        return paContinue;
}

int main(int argc, char *argv[]) {
        if (argc != 4) {
                fprintf(stderr, "usage: pa-modes play|clock callback|blocking MS\n");
                return 2;
        }
        bool blocking = !strcmp(argv[2], "blocking");
        double latency = atof(argv[3]) / 1000, seconds = 3;
        unsigned long period = (unsigned long) (RATE * latency / 10); /* as tiptoed's */
        PaStreamParameters p = { .channelCount = 1, .sampleFormat = paInt16, .suggestedLatency = latency };
        PaStream *stream;
        short buf[RATE];

        s.tone = !strcmp(argv[1], "play");
        if (Pa_Initialize() != paNoError)
                return 1;
        p.device = Pa_GetDefaultOutputDevice();
        if (Pa_OpenStream(&stream, NULL, &p, RATE, period, paNoFlag, blocking ? NULL : callback, NULL) != paNoError ||
            Pa_StartStream(stream) != paNoError) {
                fprintf(stderr, "pa-modes: cannot play on the default device\n");
                return 1;
        }
        if (blocking) {
                long size = Pa_GetStreamWriteAvailable(stream); /* empty: its whole buffer */
                while (s.frames < seconds * RATE) {
                        long avail = Pa_GetStreamWriteAvailable(stream);
                        if (avail < (long) period) {
                                Pa_Sleep(5);
                                continue;
                        }
                        heard(now() + (double) (size - avail) / RATE);
                        fill(buf, period);
                        Pa_WriteStream(stream, buf, period);
                }
        } else
                Pa_Sleep((long) (seconds * 1000));
        Pa_AbortStream(stream);
        Pa_CloseStream(stream);
        Pa_Terminate();
        if (!s.tone)
                printf("%.1f\n", (s.hi - s.lo) * 1000);
        return 0;
}
