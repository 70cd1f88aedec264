/* Logging: one line per message on stderr, at syslog levels; with sd-daemon(3) priority
 * prefixes when stderr is the journal. */
#pragma once

#include <syslog.h>

#include "util.h"

extern int log_max_level;

/* Looks whether stderr is systemd's journal stream. */
void log_setup(void);

/* Logs (when level is enabled) and returns -abs(error), with errno set for %m. */
int log_full_errno(int level, int error, const char *format, ...) _printf_(3, 4);

#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, error, __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, error, __VA_ARGS__)
#define log_oom() log_full_errno(LOG_ERR, ENOMEM, "Out of memory.")
