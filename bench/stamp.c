/* stamp: writes CLOCK_MONOTONIC's now to standard error, then runs the command in its
 * place, so that a benchmark knows on the clock the daemon logs by when a person asked.
 *
 *   stamp COMMAND [ARG...]      prints "stamp 1234.567890", exits as COMMAND does */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        struct timespec now;

        if (argc < 2) {
                fprintf(stderr, "usage: stamp COMMAND [ARG...]\n");
                return 2;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        fprintf(stderr, "stamp %lld.%06ld\n", (long long) now.tv_sec, now.tv_nsec / 1000);
        execvp(argv[1], argv + 1);
        perror("stamp: cannot run the command");
        return 127;
}
