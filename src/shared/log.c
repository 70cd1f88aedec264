#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

int log_max_level = LOG_INFO;
static bool to_journal;

/* systemd says in $JOURNAL_STREAM which device and inode its journal stream has. */
void log_setup(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        to_journal = e && sscanf(e, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) >= 0 &&
                     st.st_dev == dev && st.st_ino == ino;
}

int log_full_errno(int level, int error, const char *format, ...) {
        int saved = errno;
        error = abs(error);

        if (level <= log_max_level) {
                va_list ap;

                errno = error;
                va_start(ap, format);
                if (to_journal) /* the journal keeps the priority and adds the name itself */
                        fprintf(stderr, "<%d>", level);
                else
                        fprintf(stderr, "%s: ", program_invocation_short_name); /* tiptoed, tiptoed-web */
                vfprintf(stderr, format, ap);
                fputc('\n', stderr);
                va_end(ap);
        }
        errno = saved;
        return -error;
}
