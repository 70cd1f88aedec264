/* tiptoed-web's side of D-Bus: the daemon as a client sees it, exactly as tiptoectl does.
 * One sd-bus connection on the web's event loop; the daemon's properties kept as JSON and
 * read again whenever it says they changed; its signals handed on as events; every call
 * made without waiting, its answer an HTTP status and a JSON body. */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "util.h"

struct link;

/* An event for the page: its name ("state", "cue", "finished") and its data, JSON. */
typedef void (*link_event_t)(const char *name, const char *json, void *userdata);
/* A call's answer: 200 and its JSON, or an error's status and {"error","message"}. */
typedef void (*link_reply_t)(unsigned status, const char *json, void *userdata);

int link_new(sd_event *e, bool system, link_event_t on_event, void *userdata, struct link **ret);
void link_free(struct link *l);
DEFINE_POINTER_CLEANUP(struct link, link_free)

/* The properties as last read, with "Daemon": whether one answers. */
const char *link_state(const struct link *l);
/* The pairing token, as the daemon last said it; NULL while not known. */
const char *link_token(const struct link *l);

/* Does what the page asks: start [ROUTINE], stop, pause, resume, toggle, next, previous,
 * skip, cancel-skip, snooze MINUTES, level LEVEL; history, schedule, routines. The reply
 * comes later, unless the call cannot be made: then -EINVAL for an unknown action (no
 * reply) or the reply at once. *ret_slot cancels it when unreffed. */
int link_call(struct link *l, const char *action, const char *arg, link_reply_t reply, void *userdata,
              sd_bus_slot **ret_slot);

enum link_kind { LINK_UNKNOWN, LINK_READ, LINK_CHANGE };
/* Whether an action only reads (history, schedule, routines: GET) or changes (POST). */
enum link_kind link_action_kind(const char *action);
