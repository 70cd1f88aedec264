/* The daemon: tiptoed with no action. It runs the coach on sd-event and waits: for D-Bus
 * calls (bus.c, mpris.c), for SIGTERM/SIGINT (fade out, exit 0) and SIGHUP (reload).
 * Idle, it wakes for nothing: no timer runs unless a workout plays or systemd asks for
 * a watchdog. */
#pragma once

#include <systemd/sd-bus.h>

#include "bus-util.h"
#include "coach.h"
#include "ducker.h"
#include "input.h"
#include "scheduler.h"

enum bus_kind { BUS_USER, BUS_SYSTEM, BUS_NONE };

/* The objects put on the bus, and the interfaces whose properties are announced. */
enum { SLOT_COACH, SLOT_MPRIS_ROOT, SLOT_MPRIS_PLAYER, _SLOT_MAX };
enum { PUBLISHED_COACH, PUBLISHED_MPRIS, _PUBLISHED_MAX };

/* The root state: sd-bus userdata for every interface. */
struct daemon {
        sd_event *event;
        sd_bus *bus;
        enum bus_kind bus_kind;
        struct coach *coach;
        struct history *history;
        struct scheduler *scheduler;
        struct input *input;
        struct ducker *ducker; /* NULL without a bus */
        sd_bus_slot *slots[_SLOT_MAX];
        char published[_PUBLISHED_MAX][PROPERTIES_MAX][PROPERTY_TEXT_MAX]; /* properties as last announced */
        char status[256];                                                  /* the last STATUS= sent to systemd */
        struct { /* where MPRIS clients think the routine is */
                usec_t position, at;
                bool running;
        } mpris;
        char *state_dir; /* the history's directory, where the web token is kept too */
        char *place_dir; /* where the routine's place is kept (place.h); NULL: nowhere */
        struct {         /* what place.json holds now */
                bool kept, paused;
                size_t cue;
        } place;
        bool stopping;
        int exit_status; /* once stopping: 0, or the negative errno daemon_run() returns */
        sd_event_source *give_up;
};

/* Runs the daemon until SIGTERM, or the bus is lost: 0, or a negative errno, said. clock_start:
 * 0, or for tests the wall-clock time to pretend it is (µs since the epoch). */
int daemon_run(const struct coach_options *o, enum bus_kind bus, usec_t clock_start);
/* daemon_run() in parts, for tests/fuzz/fuzz-bus: everything but the loop, on d->bus_kind's
 * bus (with BUS_NONE, the caller may give d->bus to bus_serve()); 0 or a negative errno, said. */
int daemon_setup(struct daemon *d, const struct coach_options *o, usec_t clock_start);
void daemon_done(struct daemon *d);
