/* Small helpers every module uses: time units, scope cleanup, array sizes. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

typedef uint64_t usec_t;

#define USEC_PER_SEC ((usec_t) 1000000)
#define USEC_PER_MSEC ((usec_t) 1000)
#define USEC_INFINITY ((usec_t) UINT64_MAX)

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd) {
        if (*fd >= 0)
                close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f) {
        if (*f)
                fclose(*f);
}

/* Defines name##p(), for _cleanup_(name##p) on a pointer to the type. */
#define DEFINE_POINTER_CLEANUP(type, func)                                                                             \
        static inline void func##p(type **p) {                                                                         \
                if (*p)                                                                                                \
                        func(*p);                                                                                      \
        }

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool endswith(const char *s, const char *suffix) {
        size_t n = strlen(s), k = strlen(suffix);
        return n >= k && streq(s + n - k, suffix);
}

static inline bool streq_ptr(const char *a, const char *b) {
        return a == b || (a && b && streq(a, b));
}

#define CLOCK_MAX sizeof("4294967295:59")

/* t as "m:ss", the seconds cut off, as a length is said: 27.9 s is 0:27. */
static inline const char *format_clock(char buf[static CLOCK_MAX], usec_t t) {
        unsigned s = (unsigned) (t / USEC_PER_SEC);
        snprintf(buf, CLOCK_MAX, "%u:%02u", s / 60, s % 60);
        return buf;
}

#define LOCAL_TIME_MAX 64

/* t (µs since the epoch) as "Fri 2026-03-13 07:10", in the time zone in force. */
static inline const char *format_local_time(char buf[static LOCAL_TIME_MAX], usec_t t) {
        time_t sec = (time_t) (t / USEC_PER_SEC);
        struct tm tm;
        if (!localtime_r(&sec, &tm) || strftime(buf, LOCAL_TIME_MAX, "%a %Y-%m-%d %H:%M", &tm) == 0)
                snprintf(buf, LOCAL_TIME_MAX, "@%lld", (long long) sec);
        return buf;
}

/* The day t falls on in the time zone in force, counted from 1970-01-01. */
static inline long local_day(usec_t t) {
        time_t sec = (time_t) (t / USEC_PER_SEC);
        struct tm tm;
        if (!localtime_r(&sec, &tm))
                return (long) (sec / 86400);
        return (long) (timegm(&(struct tm){ .tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday }) /
                       86400);
}

/* Seconds as a double to microseconds, rounded to the nearest. */
static inline usec_t usec_from_seconds(double s) {
        return s <= 0 ? 0 : (usec_t) (s * 1e6 + 0.5);
}

/* CLOCK_MONOTONIC now; a vDSO call, cheap enough for the audio callback. */
static inline usec_t now_monotonic(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* CLOCK_BOOTTIME now: time since the box booted, suspends included, whatever the wall clock does. */
static inline usec_t now_boottime(void) {
        struct timespec ts;
        clock_gettime(CLOCK_BOOTTIME, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* CLOCK_REALTIME now: what a person's clock and a browser's Date.now() say. */
static inline usec_t now_realtime(void) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (usec_t) ts.tv_sec * USEC_PER_SEC + (usec_t) ts.tv_nsec / 1000;
}

/* The first sample at or after instant t, at the given rate. */
static inline uint64_t samples_from_usec(usec_t t, unsigned rate) {
        return (t * rate + USEC_PER_SEC - 1) / USEC_PER_SEC;
}

/* The length of n samples, rounded up, so a clip never outlasts its slot. */
static inline usec_t usec_from_samples(uint64_t n, unsigned rate) {
        return (n * USEC_PER_SEC + rate - 1) / rate;
}

/* The sysexits(3) codes tiptoed exits with. */
enum {
        EXIT_USAGE = 64,
        EXIT_NOINPUT = 66,
        EXIT_UNAVAILABLE = 69,
        EXIT_SOFTWARE = 70,
        EXIT_CANTCREAT = 73,
        EXIT_IOERR = 74,
        EXIT_CONFIG = 78,
};
