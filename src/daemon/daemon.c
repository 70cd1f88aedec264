#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>

#include "bus.h"
#include "input.h"
#include "log.h"
#include "mpris.h"

#define GIVE_UP_USEC (2 * USEC_PER_SEC) /* for the fade and the goodbye, at SIGTERM */

/* STATUS= for systemctl status: what it is doing, in a few words. */
static void notify_status(struct daemon *d) {
        struct coach_status st;
        char status[sizeof d->status];

        coach_status(d->coach, &st);
        if (st.state == COACH_IDLE)
                snprintf(status, sizeof status, "Waiting for a start.");
        else
                snprintf(status, sizeof status, "%s %s%s%s%s", st.state == COACH_PAUSED ? "Paused:" : "Playing",
                         st.routine->id, *st.exercise ? ", " : "", st.exercise,
                         st.paused_by_audio ? " (the sound device went away)" : "");
        if (streq(status, d->status))
                return;
        strcpy(d->status, status);
        sd_notifyf(false, "STATUS=%s", status);
}

/* The buttons the file maps; with none, the media keys for the system service (a box's
 * remote works as it comes) and nothing for a user's daemon (it reads no keyboard unasked). */
static int read_buttons(struct daemon *d) {
        const struct buttons *b = coach_buttons(d->coach);
        struct buttons media;

        if (!b->configured && d->bus_kind == BUS_SYSTEM) {
                buttons_media_keys(&media);
                b = &media;
        }
        return input_set_map(d->input, b);
}

/* The routine's place, kept as it changes (a cue, a pause), for a daemon started again
 * after this one died during it; gone once it ends. */
static void keep_place(struct daemon *d) {
        struct place p;

        if (!d->place_dir)
                return;
        if (!coach_place(d->coach, &p)) {
                if (d->place.kept)
                        place_forget(d->place_dir);
                d->place.kept = false;
                return;
        }
        if (!d->place.kept || p.cue != d->place.cue || p.paused != d->place.paused) {
                p.started = scheduler_started_at(d->scheduler);
                p.saved = now_boottime();
                d->place.kept = place_keep(d->place_dir, &p) >= 0;
                d->place.cue = p.cue;
                d->place.paused = p.paused;
        }
        place_done(&p);
}

/* The routine the daemon's last run died during, gone on with from its place. */
static void go_on(struct daemon *d) {
        struct conf_error err = {};
        struct place p;
        int r;

        r = place_take(d->place_dir, now_boottime(), &p);
        if (r == -EBADMSG)
                log_warning("%s/place.json is not what tiptoed writes there: no routine is gone on with.",
                            d->place_dir);
        else if (r == -ESTALE)
                log_info("%s was cut short by tiptoed's end over %u minutes ago: too long ago to go on with it.",
                         p.routine, (unsigned) (PLACE_KEPT_USEC / USEC_PER_SEC / 60));
        else if (r == 0) {
                r = coach_go_on(d->coach, &p, &err);
                if (r < 0)
                        log_warning("Not going on with %s: %s", p.routine, r == -ENOMEM ? "out of memory." : err.text);
                else
                        scheduler_went_on(d->scheduler, p.started);
        }
        place_done(&p);
}

static void on_coach(struct coach *c, enum coach_event e, void *userdata) {
        struct daemon *d = userdata;

        if (e != COACH_RELOADED && e != COACH_QUIET)
                ducker_poke(d->ducker); /* what is heard changed */
        switch (e) {
        case COACH_STARTED:
                scheduler_started(d->scheduler);
                break;
        case COACH_RELOADED:
                scheduler_evaluate(d->scheduler); /* the schedule may have changed */
                if (read_buttons(d) < 0 || (d->ducker && ducker_set(d->ducker, coach_duck(d->coach)) < 0))
                        log_oom();
                break;
        case COACH_CHANGED:
                keep_place(d);
                bus_publish(d);
                mpris_publish(d);
                notify_status(d);
                break;
        case COACH_CUE:
                keep_place(d);
                bus_emit_cue(d);
                break;
        case COACH_FINISHED:
                keep_place(d);
                scheduler_finished(d->scheduler);
                bus_emit_finished(d);
                break;
        case COACH_QUIET: /* the fade and the goodbye were heard */
                if (d->stopping)
                        sd_event_exit(d->event, 0);
                break;
        }
}

static void change_volume(struct daemon *d, enum button_action a, int steps) {
        double v = coach_volume(d->coach), step = input_map(d->input)->volume_step * steps;

        v = a == BUTTON_VOLUME_UP ? MIN(v + step, MAX(v, 1.0)) : MAX(v - step, 0.0);
        coach_set_volume(d->coach, round(v * 1000) / 1000); /* steps of 0.05 stay 0.05 */
        bus_publish(d);
        mpris_publish(d);
}

/* A person with no screen hears what a button did: a tone at the new volume, or a low one
 * when what it asked for cannot be done now. */
static void answer(struct daemon *d, enum player_command tone) {
        struct conf_error err = {};
        int r = coach_tone(d->coach, tone, &err);
        if (r < 0 && r != -EAGAIN) /* too many at once: the next one will do */
                log_info("No tone: %s", err.text[0] ? err.text : strerror(-r));
}

static void on_button(struct input *in, enum button_action a, int steps, const char *device, void *userdata) {
        static const enum player_command commands[_BUTTON_ACTION_MAX] = {
                [BUTTON_PAUSE] = PLAYER_PAUSE,
                [BUTTON_STOP] = PLAYER_STOP,
                [BUTTON_NEXT] = PLAYER_NEXT,
                [BUTTON_PREVIOUS] = PLAYER_PREVIOUS,
                [BUTTON_REPEAT] = PLAYER_REPEAT,
                [BUTTON_NEXT_EXERCISE] = PLAYER_NEXT_EXERCISE,
                [BUTTON_PREVIOUS_EXERCISE] = PLAYER_PREVIOUS_EXERCISE,
        };
        struct daemon *d = userdata;
        struct conf_error err;
        int r;

        switch (a) {
        case BUTTON_TOGGLE:
                r = coach_play(d->coach, PLAYER_TOGGLE, &err);
                break;
        case BUTTON_PLAY:
                r = coach_play(d->coach, PLAYER_RESUME, &err);
                break;
        case BUTTON_SNOOZE:
                r = scheduler_snooze(d->scheduler, input_map(in)->snooze_minutes, &err);
                break;
        case BUTTON_VOLUME_UP:
        case BUTTON_VOLUME_DOWN:
                change_volume(d, a, steps);
                answer(d, PLAYER_TONE_LEVEL);
                return;
        default:
                r = coach_command(d->coach, commands[a], &err);
                break;
        }
        if (r < 0) {
                log_info("%s: %s: %s", device, button_action_to_string(a), r == -ENOMEM ? "out of memory." : err.text);
                answer(d, PLAYER_TONE_REFUSED);
        }
}

static void on_schedule(struct scheduler *s, void *userdata) {
        bus_publish(userdata); /* NextRun, Streak, LastCompleted */
}

static int on_give_up(sd_event_source *s, uint64_t usec, void *userdata) {
        struct daemon *d = userdata;
        log_warning("The routine did not stop within %u s; exiting anyway.", (unsigned) (GIVE_UP_USEC / USEC_PER_SEC));
        return sd_event_exit(d->event, 0);
}

/* Fade out, say what happened, go; status: 0 or the negative errno daemon_run() returns. */
static int shut_down(struct daemon *d, int status) {
        struct conf_error err;

        if (d->stopping)
                return 0;
        d->stopping = true;
        d->exit_status = status;
        sd_notify(false, "STOPPING=1");
        if (coach_command(d->coach, PLAYER_STOP, &err) < 0 && !coach_ending(d->coach)) /* nothing plays: go now */
                return sd_event_exit(d->event, 0);
        return sd_event_add_time_relative(d->event, &d->give_up, CLOCK_MONOTONIC, GIVE_UP_USEC, 0, on_give_up, d);
}

/* SIGTERM, SIGINT. */
static int on_terminate(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        return shut_down(userdata, 0);
}

/* The bus went away (dbus-daemon restarted, or killed): a daemon nobody can reach is no
 * use, so it exits, failing, and systemd's Restart=on-failure starts it again. */
static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        log_error("Lost the connection to the bus; exiting so that a new start finds the new bus.");
        return shut_down(userdata, -ENODEV);
}

static int on_reload(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        struct daemon *d = userdata;
        struct conf_error err;
        int r;

        sd_notify(false, "RELOADING=1");
        r = coach_reload(d->coach, &err);
        if (r < 0)
                log_error("Reload failed, keeping the settings in use: %s", r == -ENOMEM ? "out of memory" : err.text);
        sd_notify(false, "READY=1");
        return 0;
}

static int on_speech(usec_t now, usec_t after, struct span *ret, void *userdata) {
        struct daemon *d = userdata;
        return coach_speech(d->coach, now, after, ret);
}

void daemon_done(struct daemon *d) {
        ducker_free(d->ducker); /* puts the players back while the bus is there */
        if (d->bus) {
                sd_bus_release_name(d->bus, MPRIS_NAME);
                sd_bus_release_name(d->bus, BUS_NAME);
                sd_bus_flush(d->bus);
        }
        for (size_t i = 0; i < ELEMENTSOF(d->slots); i++)
                sd_bus_slot_unref(d->slots[i]);
        sd_bus_flush_close_unref(d->bus);
        input_free(d->input);
        scheduler_free(d->scheduler);
        coach_free(d->coach);
        history_close(d->history);
        free(d->place_dir);
        free(d->state_dir);
        sd_event_source_disable_unref(d->give_up);
        sd_event_unref(d->event);
}

int daemon_setup(struct daemon *d, const struct coach_options *o, usec_t clock_start) {
        struct conf_error err;
        int r;

        r = sd_event_default(&d->event);
        if (r < 0)
                return log_error_errno(r, "Failed to create an event loop: %m");
        static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
        for (size_t i = 0; i < ELEMENTSOF(signals); i++) {
                r = sd_event_add_signal(d->event, NULL, signals[i], signals[i] == SIGHUP ? on_reload : on_terminate, d);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch signal %d: %m", signals[i]);
        }
        r = sd_event_set_watchdog(d->event, true); /* only when the unit has WatchdogSec= */
        if (r < 0)
                return log_error_errno(r, "Failed to set up the watchdog: %m");

        r = coach_new(d->event, o, on_coach, d, &d->coach, &err);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                log_error("%s", err.text); /* under the journal, at its priority */
                return -EBADMSG;
        }
        r = history_dir(d->bus_kind == BUS_SYSTEM, &d->state_dir);
        if (r < 0) {
                log_error_errno(r, "Failed to find a place for the history: set $XDG_STATE_HOME or $HOME.");
                return -EACCES;
        }
        r = history_open(d->state_dir, &d->history);
        if (r < 0) /* said */
                return -EACCES;
        r = scheduler_new(d->event, d->coach, d->history, clock_start, on_schedule, d, &d->scheduler);
        if (r < 0)
                return r;
        if (d->bus_kind != BUS_NONE) {
                r = bus_open(d);
                if (r < 0) /* said */
                        return -ENODEV;
                r = sd_bus_match_signal(d->bus, NULL, "org.freedesktop.DBus.Local", "/org/freedesktop/DBus/Local",
                                        "org.freedesktop.DBus.Local", "Disconnected", on_disconnected, d);
                if (r < 0)
                        return log_error_errno(r, "Failed to watch the bus connection: %m");
        }
        r = input_new(d->event, on_button, d, &d->input);
        if (r < 0)
                return r;
        r = read_buttons(d);
        if (r < 0)
                return r;
        if (d->bus_kind != BUS_NONE && place_dir(d->bus_kind == BUS_SYSTEM, &d->place_dir) >= 0)
                go_on(d);
        if (d->bus_kind != BUS_NONE) {
                r = ducker_new(d->event, d->bus, d->place_dir, MPRIS_NAME, on_speech, d, &d->ducker);
                if (r < 0)
                        return r;
                r = ducker_set(d->ducker, coach_duck(d->coach));
                if (r < 0)
                        return log_oom();
        }
        scheduler_evaluate(d->scheduler); /* what came due while it was not running, then the timer */
        notify_status(d);
        return 0;
}

int daemon_run(const struct coach_options *o, enum bus_kind bus, usec_t clock_start) {
        _cleanup_(daemon_done) struct daemon d = { .bus_kind = bus };
        sigset_t set;
        int r;

        /* Before any thread starts (eSpeak NG's, PortAudio's): signals are the loop's. */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set, NULL);

        r = daemon_setup(&d, o, clock_start);
        if (r < 0)
                return r;
        sd_notify(false, "READY=1");
        log_info("Ready%s%s.", bus == BUS_NONE ? "" : ", on the ",
                 bus == BUS_NONE     ? ""
                 : bus == BUS_SYSTEM ? "system bus"
                                     : "user bus");
        r = sd_event_loop(d.event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        log_info("Exiting.");
        return d.exit_status;
}
