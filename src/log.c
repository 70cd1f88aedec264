#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int log_max_level = LOG_INFO;

int log_full_errno(int level, int error, const char *format, ...) {
        int saved = errno;
        error = abs(error);

        if (level <= log_max_level) {
                va_list ap;

                errno = error;
                va_start(ap, format);
                fputs("tiptoed: ", stderr);
                vfprintf(stderr, format, ap);
                fputc('\n', stderr);
                va_end(ap);
        }
        errno = saved;
        return -error;
}
