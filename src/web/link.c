#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <json-c/json.h>

#include "bus-names.h"
#include "link.h"
#include "log.h"

#define PROPERTIES "org.freedesktop.DBus.Properties"
#define SCHEDULE_RUNS 8u

struct link {
        sd_bus *bus;
        link_event_t on_event;
        void *userdata;
        char *state; /* JSON */
        char token[64];
        sd_bus_slot *reading, *asking; /* GetAll, GetWebToken in flight */
        bool read_again;               /* the properties changed while they were being read */
};

/* What each action calls, and how its answer becomes JSON. */
typedef int (*answer_t)(sd_bus_message *reply, json_object *out);

static int answer_history(sd_bus_message *reply, json_object *out);
static int answer_schedule(sd_bus_message *reply, json_object *out);
static int answer_routines(sd_bus_message *reply, json_object *out);

static const struct action {
        const char *name, *method;
        char argument; /* 0, 's' or 'u' */
        answer_t answer;
} actions[] = {
        { "start", "Start", 's', NULL },
        { "stop", "Stop", 0, NULL },
        { "pause", "Pause", 0, NULL },
        { "resume", "Resume", 0, NULL },
        { "toggle", "TogglePause", 0, NULL },
        { "next", "Next", 0, NULL },
        { "previous", "Previous", 0, NULL },
        { "skip", "SkipNextRun", 0, NULL },
        { "cancel-skip", "CancelSkip", 0, NULL },
        { "snooze", "Snooze", 'u', NULL },
        { "level", NULL, 's', NULL }, /* the Level property */
        { "history", "GetHistory", 0, answer_history },
        { "schedule", "GetSchedule", 0, answer_schedule },
        { "routines", "ListRoutines", 0, answer_routines },
};

static const struct action *action_by_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(actions); i++)
                if (streq(actions[i].name, name))
                        return &actions[i];
        return NULL;
}

enum link_kind link_action_kind(const char *name) {
        const struct action *a = action_by_name(name);
        return !a ? LINK_UNKNOWN : a->answer ? LINK_READ : LINK_CHANGE;
}

static char *json_text(json_object *o) {
        char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        return s;
}

/* A D-Bus error as HTTP: what the person did wrong is a 4xx, the daemon not there a 503. */
static unsigned http_status(const sd_bus_error *e) {
        static const struct {
                const char *name;
                unsigned status;
        } map[] = {
                { BUS_ERROR "NotRunning", 409 },       { BUS_ERROR "AlreadyRunning", 409 },
                { BUS_ERROR "NothingScheduled", 409 }, { BUS_ERROR "NoSuchRoutine", 404 },
                { BUS_ERROR "InvalidConfig", 422 },    { BUS_ERROR "AudioUnavailable", 503 },
                { SD_BUS_ERROR_INVALID_ARGS, 400 },    { SD_BUS_ERROR_ACCESS_DENIED, 403 },
                { SD_BUS_ERROR_SERVICE_UNKNOWN, 503 }, { SD_BUS_ERROR_NAME_HAS_NO_OWNER, 503 },
                { SD_BUS_ERROR_NO_REPLY, 504 },
        };
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (sd_bus_error_has_name(e, map[i].name))
                        return map[i].status;
        return 502;
}

static void reply_error(link_reply_t reply, void *userdata, unsigned status, const char *name, const char *message) {
        json_object *o = json_object_new_object();
        _cleanup_free_ char *text = NULL;

        json_object_object_add(o, "error", json_object_new_string(name));
        json_object_object_add(o, "message", json_object_new_string(message ?: ""));
        text = json_text(o);
        reply(status, text ?: "{}", userdata);
}

static int answer_history(sd_bus_message *m, json_object *out) {
        json_object *list = json_object_new_array();
        uint64_t started, scheduled, paused, heard;
        const char *routine, *level, *outcome;
        uint32_t skipped;
        int r;

        json_object_object_add(out, "entries", list);
        r = sd_bus_message_enter_container(m, 'a', "(ttsssttu)");
        while (r >= 0 && (r = sd_bus_message_read(m, "(ttsssttu)", &started, &scheduled, &routine, &level, &outcome,
                                                  &paused, &heard, &skipped)) > 0) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "started", json_object_new_int64((int64_t) started));
                json_object_object_add(e, "scheduled", json_object_new_int64((int64_t) scheduled));
                json_object_object_add(e, "routine", json_object_new_string(routine));
                json_object_object_add(e, "level", json_object_new_string(level));
                json_object_object_add(e, "outcome", json_object_new_string(outcome));
                json_object_object_add(e, "paused", json_object_new_int64((int64_t) paused));
                json_object_object_add(e, "heard", json_object_new_int64((int64_t) heard));
                json_object_object_add(e, "skippedSteps", json_object_new_int64(skipped));
                json_object_array_add(list, e);
        }
        return r;
}

static int answer_schedule(sd_bus_message *m, json_object *out) {
        json_object *list = json_object_new_array();
        const char *routine;
        uint64_t at;
        int skipped, r;

        json_object_object_add(out, "runs", list);
        r = sd_bus_message_enter_container(m, 'a', "(tsb)");
        while (r >= 0 && (r = sd_bus_message_read(m, "(tsb)", &at, &routine, &skipped)) > 0) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "at", json_object_new_int64((int64_t) at));
                json_object_object_add(e, "routine", json_object_new_string(routine));
                json_object_object_add(e, "skipped", json_object_new_boolean(skipped));
                json_object_array_add(list, e);
        }
        return r;
}

static int answer_routines(sd_bus_message *m, json_object *out) {
        json_object *list = json_object_new_array();
        const char *id, *title;
        uint64_t duration;
        int r;

        json_object_object_add(out, "routines", list);
        r = sd_bus_message_enter_container(m, 'a', "(sst)");
        while (r >= 0 && (r = sd_bus_message_read(m, "(sst)", &id, &title, &duration)) > 0) {
                json_object *e = json_object_new_object();
                json_object_object_add(e, "id", json_object_new_string(id));
                json_object_object_add(e, "title", json_object_new_string(title));
                json_object_object_add(e, "duration", json_object_new_int64((int64_t) duration));
                json_object_array_add(list, e);
        }
        return r;
}

struct call {
        const struct action *action;
        link_reply_t reply;
        void *userdata;
};

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        struct call *c = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(m);
        json_object *out;
        _cleanup_free_ char *text = NULL;
        int r = 0;

        if (e) {
                reply_error(c->reply, c->userdata, http_status(e), e->name, e->message);
                return 0;
        }
        out = json_object_new_object();
        if (c->action->answer)
                r = c->action->answer(m, out);
        if (r < 0) {
                json_object_put(out);
                reply_error(c->reply, c->userdata, 502, "org.freedesktop.DBus.Error.InvalidSignature",
                            "the daemon's answer was not what its interface says");
                return 0;
        }
        text = json_text(out);
        c->reply(200, text ?: "{}", c->userdata);
        return 0;
}

int link_call(struct link *l, const char *action, const char *arg, link_reply_t reply, void *userdata,
              sd_bus_slot **ret_slot) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const struct action *a = action_by_name(action);
        struct call *c;
        int r;

        if (!a)
                return -EINVAL;
        if (a->method)
                r = sd_bus_message_new_method_call(l->bus, &m, BUS_NAME, BUS_PATH, BUS_INTERFACE, a->method);
        else
                r = sd_bus_message_new_method_call(l->bus, &m, BUS_NAME, BUS_PATH, PROPERTIES, "Set");
        if (r >= 0 && !a->method)
                r = sd_bus_message_append(m, "ssv", BUS_INTERFACE, "Level", "s", arg ?: "");
        else if (r >= 0 && a->argument == 's')
                r = sd_bus_message_append(m, "s", arg ?: "");
        else if (r >= 0 && a->argument == 'u') {
                char *end;
                unsigned long n = arg ? strtoul(arg, &end, 10) : 0;

                if (!arg || !*arg || *end || *arg == '-' || n > UINT32_MAX) {
                        reply_error(reply, userdata, 400, SD_BUS_ERROR_INVALID_ARGS,
                                    "give the minutes as a whole number, such as 10");
                        return 0;
                }
                r = sd_bus_message_append(m, "u", (uint32_t) n);
        } else if (r >= 0 && a->answer == answer_schedule)
                r = sd_bus_message_append(m, "u", SCHEDULE_RUNS);
        if (r < 0)
                return r;
        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        *c = (struct call){ .action = a, .reply = reply, .userdata = userdata };
        r = sd_bus_call_async(l->bus, ret_slot, m, on_reply, c, 0);
        if (r < 0) {
                free(c);
                return r;
        }
        sd_bus_slot_set_destroy_callback(*ret_slot, free);
        return 0;
}

/* A variant's value into JSON: the types the interface's properties have. */
static json_object *json_variant(sd_bus_message *m) {
        const char *contents, *s;
        char type;
        union {
                uint32_t u;
                uint64_t t;
                int b;
                double d;
        } v;

        if (sd_bus_message_peek_type(m, &type, &contents) <= 0 || type != 'v' ||
            sd_bus_message_enter_container(m, 'v', contents) < 0)
                return NULL;
        json_object *o = NULL;
        switch (contents[0]) {
        case 's':
                if (sd_bus_message_read(m, "s", &s) > 0)
                        o = json_object_new_string(s);
                break;
        case 'u':
                if (sd_bus_message_read(m, "u", &v.u) > 0)
                        o = json_object_new_int64(v.u);
                break;
        case 't':
                if (sd_bus_message_read(m, "t", &v.t) > 0)
                        o = json_object_new_int64((int64_t) v.t);
                break;
        case 'b':
                if (sd_bus_message_read(m, "b", &v.b) > 0)
                        o = json_object_new_boolean(v.b);
                break;
        case 'd':
                if (sd_bus_message_read(m, "d", &v.d) > 0)
                        o = json_object_new_double(v.d);
                break;
        default:
                sd_bus_message_skip(m, contents);
        }
        sd_bus_message_exit_container(m);
        return o;
}

static void set_state(struct link *l, json_object *o) {
        char *text;

        json_object_object_add(o, "At", json_object_new_int64((int64_t) now_realtime()));
        text = json_text(o);
        if (!text)
                return;
        free(l->state);
        l->state = text;
        l->on_event("state", l->state, l->userdata);
}

static void set_absent(struct link *l) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "Daemon", json_object_new_boolean(false));
        l->token[0] = '\0';
        set_state(l, o);
}

static int read_state(struct link *l);

static int on_all(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        struct link *l = userdata;
        json_object *o;
        const char *name;
        int r;

        l->reading = sd_bus_slot_unref(l->reading);
        if (sd_bus_message_is_method_error(m, NULL)) {
                log_debug("No daemon answers: %s", sd_bus_message_get_error(m)->message);
                set_absent(l);
                return 0;
        }
        o = json_object_new_object();
        json_object_object_add(o, "Daemon", json_object_new_boolean(true));
        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                json_object *value;

                r = sd_bus_message_read(m, "s", &name);
                if (r < 0)
                        break;
                value = json_variant(m);
                if (value)
                        json_object_object_add(o, name, value);
                r = sd_bus_message_exit_container(m);
        }
        if (r < 0)
                log_warning_errno(r, "Failed to read the daemon's properties: %m");
        set_state(l, o);
        if (l->read_again) {
                l->read_again = false;
                read_state(l);
        }
        return 0;
}

/* Never starts the daemon by bus activation: a page looked at is not a routine asked for. */
static int ask(struct link *l, sd_bus_slot **slot, sd_bus_message_handler_t handler, const char *interface,
               const char *method, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(l->bus, &m, BUS_NAME, BUS_PATH, interface, method);
        if (r >= 0)
                r = sd_bus_message_set_auto_start(m, false);
        if (r >= 0 && types)
                r = sd_bus_message_append(m, types, BUS_INTERFACE);
        if (r >= 0)
                r = sd_bus_call_async(l->bus, slot, m, handler, l, 0);
        return r;
}

static int read_state(struct link *l) {
        if (l->reading) {
                l->read_again = true;
                return 0;
        }
        return ask(l, &l->reading, on_all, PROPERTIES, "GetAll", "s");
}

static int on_token(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        struct link *l = userdata;
        const char *token;

        l->asking = sd_bus_slot_unref(l->asking);
        l->token[0] = '\0';
        if (sd_bus_message_is_method_error(m, NULL))
                log_warning("The daemon did not give the web token (%s): only this box's own address is served.",
                            sd_bus_message_get_error(m)->message);
        else if (sd_bus_message_read(m, "s", &token) > 0 && strlen(token) < sizeof l->token)
                strcpy(l->token, token);
        return 0;
}

static int ask_token(struct link *l) {
        l->asking = sd_bus_slot_unref(l->asking);
        return ask(l, &l->asking, on_token, BUS_INTERFACE, "GetWebToken", NULL);
}

static int on_properties(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        read_state(userdata);
        return 0;
}

static void event_json(struct link *l, const char *name, json_object *o) {
        _cleanup_free_ char *text = json_text(o);
        if (text)
                l->on_event(name, text, l->userdata);
}

static int on_cue(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        const char *kind, *text;
        uint64_t position;
        json_object *o;

        if (sd_bus_message_read(m, "tss", &position, &kind, &text) <= 0)
                return 0;
        o = json_object_new_object();
        json_object_object_add(o, "position", json_object_new_int64((int64_t) position));
        json_object_object_add(o, "kind", json_object_new_string(kind));
        json_object_object_add(o, "text", json_object_new_string(text));
        json_object_object_add(o, "at", json_object_new_int64((int64_t) now_realtime()));
        event_json(userdata, "cue", o);
        return 0;
}

static int on_finished(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        const char *routine;
        uint64_t duration;
        int completed;
        json_object *o;

        if (sd_bus_message_read(m, "sbt", &routine, &completed, &duration) <= 0)
                return 0;
        o = json_object_new_object();
        json_object_object_add(o, "routine", json_object_new_string(routine));
        json_object_object_add(o, "completed", json_object_new_boolean(completed));
        json_object_object_add(o, "duration", json_object_new_int64((int64_t) duration));
        event_json(userdata, "finished", o);
        return 0;
}

static int on_token_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        ask_token(userdata);
        return 0;
}

/* The daemon came or went: a new one's properties and token, or none. */
static int on_owner(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        struct link *l = userdata;
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) <= 0)
                return 0;
        if (!*new) {
                set_absent(l);
                return 0;
        }
        read_state(l);
        ask_token(l);
        return 0;
}

void link_free(struct link *l) {
        if (!l)
                return;
        sd_bus_slot_unref(l->reading);
        sd_bus_slot_unref(l->asking);
        sd_bus_flush_close_unref(l->bus);
        free(l->state);
        free(l);
}

int link_new(sd_event *e, bool system, link_event_t on_event, void *userdata, struct link **ret) {
        _cleanup_(link_freep) struct link *l = calloc(1, sizeof *l);
        int r;

        if (!l)
                return log_oom();
        l->on_event = on_event;
        l->userdata = userdata;
        r = system ? sd_bus_open_system(&l->bus) : sd_bus_open_user(&l->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the %s bus: %m", system ? "system" : "user");
        r = sd_bus_attach_event(l->bus, e, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");
        /* Matches first, then the first reading: nothing said between them is missed. */
        r = sd_bus_match_signal(l->bus, NULL, BUS_NAME, BUS_PATH, PROPERTIES, "PropertiesChanged", on_properties, l);
        if (r >= 0)
                r = sd_bus_match_signal(l->bus, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Cue", on_cue, l);
        if (r >= 0)
                r = sd_bus_match_signal(l->bus, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, "Finished", on_finished, l);
        if (r >= 0)
                r = sd_bus_match_signal(l->bus, NULL, BUS_NAME, BUS_PATH, BUS_INTERFACE, "WebTokenChanged",
                                        on_token_changed, l);
        if (r >= 0)
                r = sd_bus_add_match(l->bus, NULL,
                                     "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                                     "member='NameOwnerChanged',arg0='" BUS_NAME "'",
                                     on_owner, l);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the daemon's signals: %m");
        set_absent(l);
        r = read_state(l);
        if (r >= 0)
                r = ask_token(l);
        if (r < 0)
                return log_error_errno(r, "Failed to ask the daemon: %m");
        *ret = l;
        l = NULL;
        return 0;
}

const char *link_state(const struct link *l) {
        return l->state;
}

const char *link_token(const struct link *l) {
        return l->token[0] ? l->token : NULL;
}
