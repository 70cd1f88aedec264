/* A session: one routine played live. It owns the routine's tracks, the feed and the
 * output, and runs on sd-event: a timer follows what the listener has heard, and a
 * watchdog notices a device that went away, pauses, and tries it again every 2 s. */
#pragma once

#include <systemd/sd-event.h>

#include "clips.h"
#include "duck.h"
#include "output.h"

enum session_event {
        SESSION_CUE,      /* a cue began to be heard */
        SESSION_STATE,    /* playing, paused (with a reason), stopped, finished */
        SESSION_PROGRESS, /* a while has passed: for a status line */
        SESSION_END,      /* finished, stopped, or failed (session_error()): free it */
};

struct session;
typedef void (*session_notify_fn)(struct session *s, enum session_event e, void *userdata);

struct session_status {
        struct heard heard;
        usec_t position, total; /* of the routine, as heard */
        const char *reason;     /* why it paused by itself; NULL if it did not */
        bool device;            /* an output is playing */
};

/* Where a session begins when not at the start: at a cue, paused there as the listener
 * left it, or going on from it ("Ready. 3, 2, 1" first) as soon as the device plays. */
struct session_from {
        size_t cue;
        bool paused; /* by the listener: it stays paused */
};

/* Builds the tracks (at the rate the output takes), opens the output and starts playing,
 * or, from a cue, begins there; one begun there with no device waits for it, as for a
 * device lost. The plan and clips must outlive the session. -ENODEV: no device; the
 * output said why. */
int session_start(sd_event *e, const struct plan *plan, struct clips *clips, const struct voice *voice,
                  const struct output_spec *spec, double volume, const struct session_from *from,
                  session_notify_fn notify, void *userdata, struct session **ret);
void session_free(struct session *s);
DEFINE_POINTER_CLEANUP(struct session, session_free)

int session_command(struct session *s, enum player_command c);
void session_status(struct session *s, struct session_status *ret);
/* From the next buffer on. */
void session_set_volume(struct session *s, double volume);
/* The first span of speech (a cue with the earcon that leads into it, or "Ready. 3, 2, 1")
 * the listener hears ending after after, as heard from now on: 1; 0 if none is coming
 * (paused, stopped, the last said);
 * -EAGAIN while the device has not begun to play, when nobody knows yet when it will. */
int session_speech(struct session *s, usec_t now, usec_t after, struct span *ret);
const struct plan *session_plan(const struct session *s);
const char *session_output(const struct session *s);
/* 0 while it plays and after it ended well; an output's write error otherwise. After
 * SESSION_END the session does nothing more: free it from outside its callback. */
int session_error(const struct session *s);
