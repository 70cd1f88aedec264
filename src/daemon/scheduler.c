#include <errno.h>
#include <stdio.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "scheduler.h"

#define FAR_FUTURE ((time_t) 7258118400) /* 2200-01-01: later than any run, within what timerfd takes */
#define SNOOZE_WINDOW_USEC (5 * 60 * USEC_PER_SEC)

struct scheduler {
        sd_event *event;
        struct coach *coach;
        struct history *history;
        int64_t offset; /* pretended minus real wall clock, for tests */
        sd_event_source *timer, *time_change;
        sd_event_source *midnight; /* Level (auto) and Streak may change there */
        usec_t last;               /* the last scheduled run dealt with */
        usec_t announced;          /* the run last announced */
        bool skip_next;
        struct {
                usec_t at, scheduled; /* at 0: none */
                char *routine;
        } snoozed;
        usec_t started; /* the workout playing: when it started, for its end record */
        usec_t next_run;
        struct {
                long day; /* the local day it was computed on */
                usec_t last_completed;
                unsigned streak;
        } streak;
        scheduler_notify_fn changed;
        void *userdata;
};

usec_t scheduler_now(const struct scheduler *s) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        return (usec_t) ((int64_t) ts.tv_sec * (int64_t) USEC_PER_SEC + ts.tv_nsec / 1000 + s->offset);
}

static const char *scheduler_routine_of(const struct scheduler *s, const struct occurrence *o) {
        const struct schedule *sc = coach_schedule(s->coach);
        const char *r = o->entry < sc->n_entries ? sc->entries[o->entry].routine : NULL;
        return r ?: coach_default_routine(s->coach);
}

/* Starts the run scheduled for `scheduled`, unless a routine is playing. */
static void start_run(struct scheduler *s, usec_t scheduled, const char *routine) {
        struct coach_status st;
        struct conf_error err;
        char when[LOCAL_TIME_MAX];
        int r;

        format_local_time(when, scheduled);
        coach_status(s->coach, &st);
        if (st.state != COACH_IDLE) {
                log_info("The run of %s due %s comes while %s plays: skipped.", routine, when, st.routine->id);
                (void) history_unplayed(s->history, scheduled, routine, OUTCOME_SKIPPED);
                return;
        }
        r = coach_start(s->coach, routine, scheduled, &err);
        if (r >= 0)
                return; /* scheduler_started() records it */
        log_error("Failed to start %s as scheduled for %s: %s", routine, when,
                  r == -ENOMEM ? "out of memory" : err.text);
        usec_t now = scheduler_now(s);
        if (history_start(s->history, now, scheduled, routine, level_to_string(coach_level(s->coach))) >= 0)
                (void) history_end(s->history, now, now, OUTCOME_FAILED, 0, 0, 0);
}

static void arm(struct scheduler *s);

/* When the next run is to be announced; 0: it is not. */
static usec_t announce_at(const struct scheduler *s, struct occurrence *o) {
        const struct schedule *sc = coach_schedule(s->coach);
        unsigned minutes;

        if (s->skip_next || !schedule_next(sc, s->last, NULL, o))
                return 0;
        minutes = sc->entries[o->entry].announce;
        if (!minutes || s->announced == o->at)
                return 0;
        return o->at - MIN(o->at, minutes * 60 * USEC_PER_SEC);
}

/* "Morning feet begins in 2 minutes": once for each run, if nothing plays. */
static void announce(struct scheduler *s, usec_t now) {
        struct occurrence o;
        struct conf_error err;
        usec_t at = announce_at(s, &o);
        int r;

        if (!at || now < at || now >= o.at)
                return;
        s->announced = o.at;
        r = coach_announce(s->coach, scheduler_routine_of(s, &o),
                           (unsigned) ((o.at - now + 60 * USEC_PER_SEC - 1) / (60 * USEC_PER_SEC)), &err);
        if (r < 0)
                log_info("Not announcing the run at hand: %s", r == -ENOMEM ? "out of memory" : err.text);
}

/* The next local midnight by the scheduler's clock: there Level (level = "auto") and Streak
 * may change with nothing else to tell of it, and whoever watches is told of them. */
static void arm_midnight(struct scheduler *s) {
        time_t now = (time_t) (scheduler_now(s) / USEC_PER_SEC), next;
        struct tm tm;

        if (!localtime_r(&now, &tm))
                return;
        next = mktime(
                &(struct tm){ .tm_year = tm.tm_year, .tm_mon = tm.tm_mon, .tm_mday = tm.tm_mday + 1, .tm_isdst = -1 });
        if (next == (time_t) -1)
                return;
        sd_event_source_set_time(s->midnight, (usec_t) ((int64_t) next * (int64_t) USEC_PER_SEC - s->offset));
        sd_event_source_set_enabled(s->midnight, SD_EVENT_ONESHOT);
}

static int on_midnight(sd_event_source *source, uint64_t usec, void *userdata) {
        struct scheduler *s = userdata;

        arm_midnight(s);
        if (s->changed)
                s->changed(s, s->userdata);
        return 0;
}

void scheduler_evaluate(struct scheduler *s) {
        const struct schedule *sc = coach_schedule(s->coach);
        usec_t now = scheduler_now(s);
        struct occurrence o;
        enum schedule_step step;
        char when[LOCAL_TIME_MAX];

        if (s->snoozed.at && s->snoozed.at <= now) {
                _cleanup_free_ char *routine = s->snoozed.routine;
                s->snoozed.at = 0;
                s->snoozed.routine = NULL;
                start_run(s, s->snoozed.scheduled, routine);
        }
        while ((step = schedule_step(sc, now, s->last, NULL, &o)) != SCHEDULE_NOTHING) {
                const char *routine = scheduler_routine_of(s, &o);
                s->last = o.at;
                format_local_time(when, o.at);
                if (s->skip_next) { /* even one missed: it is the run the skip was for */
                        s->skip_next = false;
                        log_info("Skipping the run of %s due %s, as asked.", routine, when);
                        (void) history_unplayed(s->history, o.at, routine, OUTCOME_SKIPPED);
                } else if (step == SCHEDULE_MISSED) {
                        log_info("Missed the run of %s due %s (more than %u minutes ago).", routine, when,
                                 sc->entries[o.entry].catch_up);
                        (void) history_unplayed(s->history, o.at, routine, OUTCOME_MISSED);
                } else
                        start_run(s, o.at, routine);
        }
        announce(s, now);
        arm(s);
        arm_midnight(s);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata) {
        scheduler_evaluate(userdata);
        return 0;
}

/* A CLOCK_REALTIME timerfd set for the end of time with TFD_TIMER_CANCEL_ON_SET becomes
 * readable, with ECANCELED, when someone sets the clock (libsystemd 252 has no
 * sd_event_add_time_change() yet). */
static int watch_clock(int fd) {
        struct itimerspec never = { .it_value = { .tv_sec = FAR_FUTURE } };
        return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &never, NULL) < 0 ? -errno : 0;
}

static int on_time_change(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        uint64_t expirations;

        if (read(fd, &expirations, sizeof expirations) < 0 && errno != ECANCELED && errno != EAGAIN)
                return log_error_errno(errno, "Failed to watch the wall clock: %m");
        (void) watch_clock(fd);
        log_info("The wall clock changed; looking at the schedule again.");
        scheduler_evaluate(userdata);
        return 0;
}

static int add_clock_watch(struct scheduler *s) {
        _cleanup_close_ int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
        int r;

        if (fd < 0)
                return -errno;
        r = watch_clock(fd);
        if (r < 0)
                return r;
        r = sd_event_add_io(s->event, &s->time_change, fd, EPOLLIN, on_time_change, s);
        if (r < 0)
                return r;
        r = sd_event_source_set_io_fd_own(s->time_change, true);
        if (r < 0)
                return r;
        fd = -1; /* the event source's now */
        return 0;
}

/* Wakes for the next scheduled run (even one to skip: it is recorded when it comes) or the
 * snoozed one; NextRun is the next that will start. Whatever changes what comes next ends
 * here, so here a skip and a snooze are kept for a restart. */
static void arm(struct scheduler *s) {
        const struct schedule *sc = coach_schedule(s->coach);
        struct occurrence first, second;
        bool have = schedule_next(sc, s->last, NULL, &first);
        usec_t wake = have ? first.at : 0, next = wake;
        usec_t announcement = announce_at(s, &second);

        if (announcement > scheduler_now(s))
                wake = MIN(wake, announcement);
        if (have && s->skip_next)
                next = schedule_next(sc, first.at, NULL, &second) ? second.at : 0;
        if (s->snoozed.at) {
                wake = wake ? MIN(wake, s->snoozed.at) : s->snoozed.at;
                next = next ? MIN(next, s->snoozed.at) : s->snoozed.at;
        }
        if (wake) {
                sd_event_source_set_time(s->timer, (usec_t) ((int64_t) wake - s->offset));
                sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        } else
                sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        if (next != s->next_run) {
                char when[LOCAL_TIME_MAX] = "none";
                if (next)
                        format_local_time(when, next);
                log_debug("Next run: %s.", when);
                s->next_run = next;
                if (s->changed)
                        s->changed(s, s->userdata);
        }
        (void) history_keep_pending(s->history, &(struct pending){
                                                        .skip = have && s->skip_next ? first.at : 0,
                                                        .snoozed_at = s->snoozed.at,
                                                        .snoozed_scheduled = s->snoozed.scheduled,
                                                        .snoozed_routine = s->snoozed.routine,
                                                });
}

/* A skip or a snooze asked for before a restart. The skip holds if the run it was for is
 * still the next; a snoozed run that came due more than the catch-up window ago is missed,
 * as a scheduled run would be. */
static void restore_pending(struct scheduler *s) {
        usec_t now = scheduler_now(s);
        struct pending p;
        struct occurrence next;
        char when[LOCAL_TIME_MAX];

        history_pending(s->history, &p);
        if (p.snoozed_at) {
                format_local_time(when, p.snoozed_at);
                s->last = MAX(s->last, p.snoozed_scheduled); /* dealt with: by the snoozed run */
                if (now > p.snoozed_at && now - p.snoozed_at > SCHEDULE_CATCH_UP_MINUTES * 60 * USEC_PER_SEC) {
                        log_info("Missed the run of %s snoozed until %s.", p.snoozed_routine, when);
                        (void) history_unplayed(s->history, p.snoozed_scheduled, p.snoozed_routine, OUTCOME_MISSED);
                        free(p.snoozed_routine);
                } else {
                        log_info("%s stays snoozed until %s.", p.snoozed_routine, when);
                        s->snoozed.at = p.snoozed_at;
                        s->snoozed.scheduled = p.snoozed_scheduled;
                        s->snoozed.routine = p.snoozed_routine;
                }
        }
        if (p.skip && schedule_next(coach_schedule(s->coach), s->last, NULL, &next) && next.at == p.skip) {
                format_local_time(when, p.skip);
                log_info("The run due %s is still to be skipped.", when);
                s->skip_next = true;
        }
}

/* level = "auto": the history as of the scheduler's clock, in the system's zone as the streak. */
static void on_progress(void *userdata, struct progress *ret) {
        struct scheduler *s = userdata;
        history_progress(s->history, scheduler_now(s), NULL, ret);
}

int scheduler_new(sd_event *e, struct coach *c, struct history *h, usec_t clock_start, scheduler_notify_fn changed,
                  void *userdata, struct scheduler **ret) {
        _cleanup_(scheduler_freep) struct scheduler *s = calloc(1, sizeof *s);
        int r;

        if (!s)
                return -ENOMEM;
        s->event = sd_event_ref(e);
        s->coach = c;
        s->history = h;
        s->changed = changed;
        s->userdata = userdata;
        if (clock_start)
                s->offset = (int64_t) clock_start - (int64_t) scheduler_now(s);
        /* Never owe what came before the first start: a new box does not start at once. */
        s->last = history_last_scheduled(h) ?: scheduler_now(s);
        restore_pending(s);
        coach_set_progress(c, on_progress, s);

        r = sd_event_add_time(e, &s->timer, CLOCK_REALTIME, 0, 1, on_timer, s);
        if (r < 0)
                return log_error_errno(r, "Failed to add the schedule's timer: %m");
        r = sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        if (r < 0)
                return log_error_errno(r, "Failed to add the schedule's timer: %m");
        r = sd_event_add_time(e, &s->midnight, CLOCK_REALTIME, 0, 1, on_midnight, s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s->midnight, SD_EVENT_OFF);
        if (r < 0)
                return log_error_errno(r, "Failed to add the midnight timer: %m");
        r = add_clock_watch(s);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the wall clock: %m");
        *ret = s;
        s = NULL;
        return 0;
}

void scheduler_free(struct scheduler *s) {
        if (!s)
                return;
        coach_set_progress(s->coach, NULL, NULL);
        sd_event_source_disable_unref(s->timer);
        sd_event_source_disable_unref(s->time_change);
        sd_event_source_disable_unref(s->midnight);
        sd_event_unref(s->event);
        free(s->snoozed.routine);
        free(s);
}

void scheduler_started(struct scheduler *s) {
        struct coach_status st;

        coach_status(s->coach, &st);
        s->started = scheduler_now(s);
        (void) history_start(s->history, s->started, st.scheduled, st.routine->id,
                             level_to_string(coach_level(s->coach)));
}

void scheduler_went_on(struct scheduler *s, usec_t started) {
        s->started = started;
        history_went_on(s->history, started);
}

usec_t scheduler_started_at(const struct scheduler *s) {
        return s->started;
}

void scheduler_finished(struct scheduler *s) {
        const struct coach_finished *f = coach_last(s->coach);
        enum outcome o = f->completed ? OUTCOME_COMPLETED : f->failed ? OUTCOME_FAILED : OUTCOME_STOPPED;

        (void) history_end(s->history, s->started, scheduler_now(s), o, f->paused, f->duration, f->skipped_steps);
        if (s->changed)
                s->changed(s, s->userdata); /* Streak, LastCompleted */
}

/* The run of routine due at `scheduled` comes in minutes instead. */
static int put_off(struct scheduler *s, const char *routine, usec_t scheduled, unsigned minutes) {
        char *copy = strdup(routine);

        if (!copy)
                return -ENOMEM;
        free(s->snoozed.routine);
        s->snoozed.routine = copy;
        s->snoozed.scheduled = scheduled;
        s->snoozed.at = scheduler_now(s) + minutes * 60 * USEC_PER_SEC;
        log_info("Snoozed %s for %u minutes.", routine, minutes);
        arm(s);
        return 0;
}

int scheduler_snooze(struct scheduler *s, unsigned minutes, struct conf_error *err) {
        struct coach_status st;
        struct occurrence o;
        int r;

        coach_status(s->coach, &st);
        if (st.state == COACH_IDLE && st.cue && st.cue->kind == CUE_ANNOUNCE &&
            schedule_next(coach_schedule(s->coach), s->last, NULL, &o)) {
                /* While it is announced: the run comes later instead. */
                coach_hush(s->coach);
                s->last = o.at; /* it is dealt with: by the snoozed run */
                return put_off(s, scheduler_routine_of(s, &o), o.at, minutes);
        }
        if (st.state == COACH_IDLE || !st.scheduled || scheduler_now(s) - s->started > SNOOZE_WINDOW_USEC)
                return conf_error_set(
                        err, -ESRCH,
                        "Nothing scheduled is coming or has just started: snooze works "
                        "while a run is announced and in the first %u minutes of a routine the schedule started.",
                        (unsigned) (SNOOZE_WINDOW_USEC / USEC_PER_SEC / 60));
        r = coach_command(s->coach, PLAYER_STOP, err);
        if (r < 0)
                return r;
        return put_off(s, st.routine->id, st.scheduled, minutes); /* the routine lives until it is reaped */
}

int scheduler_skip_next(struct scheduler *s, bool skip, struct conf_error *err) {
        struct occurrence o;

        if (skip && !schedule_next(coach_schedule(s->coach), s->last, NULL, &o))
                return conf_error_set(err, -ENOENT, "Nothing is scheduled: add a schedule to tiptoed.conf.");
        s->skip_next = skip;
        arm(s);
        return 0;
}

usec_t scheduler_next_run(const struct scheduler *s) {
        return s->next_run;
}

size_t scheduler_upcoming(const struct scheduler *s, struct upcoming *ret, size_t n) {
        usec_t after = s->last;
        struct occurrence o;
        size_t k = 0;

        if (s->snoozed.at && k < n)
                ret[k++] = (struct upcoming){ s->snoozed.at, s->snoozed.routine, false };
        for (bool first = true; k < n && schedule_next(coach_schedule(s->coach), after, NULL, &o); first = false) {
                ret[k++] = (struct upcoming){ o.at, scheduler_routine_of(s, &o), first && s->skip_next };
                after = o.at;
        }
        return k;
}

/* The streak changes with the history and the date: computed once for each. */
unsigned scheduler_streak(struct scheduler *s) {
        usec_t now = scheduler_now(s);
        long day = local_day(now);

        if (day != s->streak.day || history_last_completed(s->history) != s->streak.last_completed) {
                s->streak.day = day;
                s->streak.last_completed = history_last_completed(s->history);
                s->streak.streak = history_streak(s->history, now, NULL);
        }
        return s->streak.streak;
}

const struct history *scheduler_history(const struct scheduler *s) {
        return s->history;
}
