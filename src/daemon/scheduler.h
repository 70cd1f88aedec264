/* The scheduler: the schedule and the history on sd-event. A CLOCK_REALTIME timer waits
 * for the next run; a change of the wall clock (NTP, by hand) or a resume from suspend
 * makes it look again, and what came due meanwhile starts if still within its catch-up
 * window, or is recorded as missed. It records every workout's start and end. */
#pragma once

#include "coach.h"
#include "history.h"

struct scheduler;
typedef void (*scheduler_notify_fn)(struct scheduler *s, void *userdata);

/* clock_start: 0, or the wall-clock time (µs since the epoch) to pretend it is now, for
 * tests; the pretended clock runs on in real time. */
int scheduler_new(sd_event *e, struct coach *c, struct history *h, usec_t clock_start, scheduler_notify_fn changed,
                  void *userdata, struct scheduler **ret);
void scheduler_free(struct scheduler *s);
DEFINE_POINTER_CLEANUP(struct scheduler, scheduler_free)

/* Looks at the schedule again: at start, after a reload. */
void scheduler_evaluate(struct scheduler *s);
/* The coach started or finished a workout: into the history. */
void scheduler_started(struct scheduler *s);
void scheduler_finished(struct scheduler *s);
/* A routine that started at `started` (its start in the history) is gone on with, after a
 * restart: its end is recorded against that start. */
void scheduler_went_on(struct scheduler *s, usec_t started);
/* When the routine playing started, as the history has it. */
usec_t scheduler_started_at(const struct scheduler *s);

/* Stops the scheduled routine that has just started, and starts it again in minutes.
 * -ESRCH: no scheduled routine is in its first 5 minutes. */
int scheduler_snooze(struct scheduler *s, unsigned minutes, struct conf_error *err);
/* -ENOENT: nothing is scheduled. */
int scheduler_skip_next(struct scheduler *s, bool skip, struct conf_error *err);

usec_t scheduler_now(const struct scheduler *s);
/* The next run that will start (a snoozed one, or the schedule's, skips skipped); 0: none. */
usec_t scheduler_next_run(const struct scheduler *s);
/* Up to n runs from now: when, which routine, whether it is to be skipped. */
struct upcoming {
        usec_t at;
        const char *routine;
        bool skipped;
};
size_t scheduler_upcoming(const struct scheduler *s, struct upcoming *ret, size_t n);
const struct history *scheduler_history(const struct scheduler *s);
unsigned scheduler_streak(struct scheduler *s);
