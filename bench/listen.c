/* bench/listen: when something is heard, on CLOCK_REALTIME, for a shell script to set
 * against the instant it asked for it (date +%s.%N). It reads a sound server's monitor as
 * raw 16-bit mono samples on standard input (parec --raw --latency-msec=5).
 *
 *   listen sound      prints "ready" once samples flow, then the instant sound begins
 *   listen quiet MS   prints "ready" once sound is heard, then the instant each stretch of
 *                     MS ms of quiet began, once it has lasted that long, until stopped
 *   listen still MS   the same, but "ready" once samples flow: quiet from the first
 *                     sample counts
 *
 * An instant is that of the sample: the read's arrival less the samples after it. Whatever
 * the monitor itself adds is the same for every program bench/compare measures. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define RATE 22050
#define LOUD 100 /* as CLIP_SILENCE_THRESHOLD */

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char *argv[]) {
        int16_t buf[4096];
        bool want_quiet, ready = false;
        size_t quiet = 0, need = 0;
        double quiet_since = 0;

        bool still = argc == 3 && strcmp(argv[1], "still") == 0;
        want_quiet = still || (argc == 3 && strcmp(argv[1], "quiet") == 0);
        if (!want_quiet && (argc != 2 || strcmp(argv[1], "sound")))
                return fprintf(stderr, "Usage: listen sound|quiet MS|still MS < RAW\n"), 2;
        if (want_quiet)
                need = (size_t) atoi(argv[2]) * RATE / 1000;
        setvbuf(stdout, NULL, _IOLBF, 0);
        for (;;) {
                ssize_t got = read(STDIN_FILENO, buf, sizeof buf);
                if (got <= 0)
                        return 1;
                double t = now();
                size_t n = (size_t) got / sizeof *buf;
                for (size_t i = 0; i < n; i++) {
                        double at = t - (double) (n - i) / RATE;
                        bool loud = abs(buf[i]) >= LOUD;
                        if (!want_quiet) {
                                if (!ready) {
                                        ready = true;
                                        puts("ready");
                                } else if (loud) {
                                        printf("%.6f\n", at);
                                        return 0;
                                }
                        } else if (loud) {
                                if (!ready) {
                                        ready = true;
                                        puts("ready");
                                }
                                quiet = 0;
                        } else {
                                if (!ready && still) {
                                        ready = true;
                                        puts("ready");
                                }
                                if (ready && quiet++ == 0)
                                        quiet_since = at;
                                else if (ready && quiet == need)
                                        printf("%.6f\n", quiet_since);
                        }
                }
        }
}
