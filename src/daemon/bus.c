#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#include "bus.h"
#include "bus-util.h"
#include "log.h"
#include "mpris.h"
#include "scheduler.h"
#include "token.h"

/* What the properties say now. Strings point into the coach: copy before keeping. */
struct view {
        const char *state, *pause_reason, *routine, *routine_title, *exercise, *side, *instruction;
        const char *level, *language, *audio_device;
        uint32_t exercise_index, exercise_count, set, set_count;
        uint64_t position, duration;
        int level_automatic; /* D-Bus booleans are ints */
        double volume;
        uint64_t next_run, last_completed;
        uint32_t streak;
};

static void view(struct daemon *d, struct view *v) {
        struct coach_status st;

        coach_status(d->coach, &st);
        *v = (struct view){
                .state = coach_state_to_string(st.state),
                .pause_reason = st.state != COACH_PAUSED ? ""
                                : st.paused_by_audio     ? "audio"
                                                         : "user",
                .routine = st.routine ? st.routine->id : "",
                .routine_title = st.routine ? st.routine->title : "",
                .exercise = st.exercise,
                .side = st.side,
                .instruction = st.cue ? st.cue->text : "",
                .level = level_to_string(coach_level(d->coach)),
                .level_automatic = coach_level_auto(d->coach),
                .language = coach_language(d->coach),
                .audio_device = coach_audio_device(d->coach),
                .exercise_index = st.exercise_index,
                .exercise_count = st.exercise_count,
                .set = st.set,
                .set_count = st.set_count,
                .position = st.position,
                .duration = st.duration,
                .volume = MIN(coach_volume(d->coach), 1.0), /* louder comes only from the file */
                .next_run = scheduler_next_run(d->scheduler),
                .last_completed = history_last_completed(scheduler_history(d->scheduler)),
                .streak = scheduler_streak(d->scheduler),
        };
}

/* Every property of org.tiptoed.Coach1, once, in the vtable's order, as one of
 *   READ(name, D-Bus type, field of struct view)          announced when it changes
 *   WRITE(name, D-Bus type, field of struct view, setter)  the same, and settable
 *   LOOK(name, D-Bus type, field of struct view)          changes all the time: not announced
 * The list makes the vtable's entries, the table get_property() reads and what
 * bus_publish() announces. */
#define COACH_PROPERTIES(READ, WRITE, LOOK)                                                                            \
        READ("State", "s", state)                                                                                      \
        READ("PauseReason", "s", pause_reason)                                                                         \
        READ("Routine", "s", routine)                                                                                  \
        READ("RoutineTitle", "s", routine_title)                                                                       \
        READ("Exercise", "s", exercise)                                                                                \
        READ("ExerciseIndex", "u", exercise_index)                                                                     \
        READ("ExerciseCount", "u", exercise_count)                                                                     \
        READ("Set", "u", set)                                                                                          \
        READ("SetCount", "u", set_count)                                                                               \
        READ("Side", "s", side)                                                                                        \
        READ("Instruction", "s", instruction)                                                                          \
        LOOK("Position", "t", position)                                                                                \
        READ("Duration", "t", duration)                                                                                \
        WRITE("Level", "s", level, set_level)                                                                          \
        READ("LevelAutomatic", "b", level_automatic)                                                                   \
        WRITE("Volume", "d", volume, set_volume)                                                                       \
        WRITE("Language", "s", language, set_language)                                                                 \
        READ("AudioDevice", "s", audio_device)                                                                         \
        READ("NextRun", "t", next_run)                                                                                 \
        READ("Streak", "u", streak)                                                                                    \
        READ("LastCompleted", "t", last_completed)

static const struct property {
        const char *name;
        const char *type;
        size_t offset;
} properties[] = {
#define ENTRY(name, type, field, ...) { name, type, offsetof(struct view, field) },
        COACH_PROPERTIES(ENTRY, ENTRY, ENTRY)
#undef ENTRY
};

static const char *const announced[] = {
#define NAME(name, ...) name,
#define NONE(...)
        COACH_PROPERTIES(NAME, NAME, NONE)
#undef NAME
#undef NONE
                NULL
};
static_assert(ELEMENTSOF(announced) <= PROPERTIES_MAX, "more properties than bus_publish_changes() compares");

static const struct property *property_by_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(properties); i++)
                if (streq(properties[i].name, name))
                        return &properties[i];
        return NULL;
}

static void property_text(const struct property *p, const struct view *v, char *buf, size_t size) {
        const void *field = (const char *) v + p->offset;

        switch (p->type[0]) {
        case 's':
                snprintf(buf, size, "%s", *(const char *const *) field);
                break;
        case 'u':
                snprintf(buf, size, "%" PRIu32, *(const uint32_t *) field);
                break;
        case 'b':
                snprintf(buf, size, "%s", *(const int *) field ? "true" : "false");
                break;
        case 't':
                snprintf(buf, size, "%" PRIu64, *(const uint64_t *) field);
                break;
        case 'd':
                snprintf(buf, size, "%.6f", *(const double *) field);
                break;
        }
}

static int get_property(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                        void *userdata, sd_bus_error *error) {
        const struct property *p = property_by_name(name);
        const void *field;
        struct view v;

        if (!p)
                return -ENOENT;
        view(userdata, &v);
        field = (const char *) &v + p->offset;
        switch (p->type[0]) {
        case 's':
                return sd_bus_message_append_basic(reply, 's', *(const char *const *) field);
        default:
                return sd_bus_message_append_basic(reply, p->type[0], field);
        }
}

/* A routine named over the bus is an id, never a path: a caller on the system bus must
 * not make the daemon read files of its choosing. */
static int read_routine_argument(sd_bus_message *m, const char **ret, sd_bus_error *error) {
        const char *name;
        int r = sd_bus_message_read(m, "s", &name);

        if (r < 0)
                return r;
        *ret = name;
        if (*name && (strchr(name, '/') || name[0] == '.' || strlen(name) > 200))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "routine \"%s\": give a routine id such as \"morning-feet\" "
                                         "(ListRoutines lists them), or \"\" for the default.",
                                         name);
        return 0;
}

static int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct conf_error err;
        const char *name;
        int r;

        r = read_routine_argument(m, &name, error);
        if (r < 0)
                return r;
        r = coach_start(d->coach, name, 0, &err);
        if (r < 0)
                return bus_reply_error(error, r, &err);
        return sd_bus_reply_method_return(m, NULL);
}

static int command(sd_bus_message *m, struct daemon *d, enum player_command c, sd_bus_error *error) {
        struct conf_error err;
        int r = coach_command(d->coach, c, &err);

        if (r < 0)
                return bus_reply_error(error, r, &err);
        return sd_bus_reply_method_return(m, NULL);
}

#define COMMAND_METHOD(function, c)                                                                                    \
        static int function(sd_bus_message *m, void *userdata, sd_bus_error *error) {                                  \
                return command(m, userdata, c, error);                                                                 \
        }
COMMAND_METHOD(method_stop, PLAYER_STOP)
COMMAND_METHOD(method_pause, PLAYER_PAUSE)
COMMAND_METHOD(method_resume, PLAYER_RESUME)
COMMAND_METHOD(method_toggle_pause, PLAYER_TOGGLE)
COMMAND_METHOD(method_next, PLAYER_NEXT)
COMMAND_METHOD(method_previous, PLAYER_PREVIOUS)
COMMAND_METHOD(method_repeat, PLAYER_REPEAT)
COMMAND_METHOD(method_next_exercise, PLAYER_NEXT_EXERCISE)
COMMAND_METHOD(method_previous_exercise, PLAYER_PREVIOUS_EXERCISE)

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct conf_error err;
        int r = coach_reload(d->coach, &err);

        if (r < 0) {
                log_error("Reload failed, keeping the settings in use: %s", err.text);
                return bus_reply_error(error, r, &err);
        }
        return sd_bus_reply_method_return(m, NULL);
}

/* Replies to m with an array of n structs, each of D-Bus type type, "(...)": append()
 * appends the i-th of data's. */
typedef int (*append_fn)(sd_bus_message *reply, const char *type, const void *data, size_t i);
static int reply_array(sd_bus_message *m, const char *type, size_t n, append_fn append, const void *data) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', type);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                r = append(reply, type, data, i);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int append_routine(sd_bus_message *reply, const char *type, const void *data, size_t i) {
        const struct routine_summary *s = (const struct routine_summary *) data + i;
        return sd_bus_message_append(reply, type, s->id, s->title, (uint64_t) s->duration);
}

static int method_list_routines(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct routine_summary *list = NULL;
        size_t n = 0;
        int r;

        r = coach_routines(d->coach, &list, &n);
        if (r < 0)
                return r;
        r = reply_array(m, "(sst)", n, append_routine, list);
        routine_summaries_free(list, n);
        return r;
}

struct device_list {
        const struct input_device_info *devices;
        const struct buttons *map;
};

static const char *action_or_none(enum button_action a) {
        return a == BUTTON_NONE ? "" : button_action_to_string(a);
}

/* (name, device node, grabbed, [(key, short, long, double)]); the dial as (axis, "volume", "", ""). */
static int append_device(sd_bus_message *reply, const char *type, const void *data, size_t i) {
        const struct device_list *l = data;
        const struct input_device_info *dev = &l->devices[i];
        int r;

        r = sd_bus_message_open_container(reply, 'r', "ssba(ssss)");
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "ssb", dev->name, dev->devnode, dev->grabbed);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ssss)");
        if (r < 0)
                return r;
        for (size_t k = 0; k < dev->n_keys; k++) {
                const struct button_key *key = buttons_key(l->map, dev->keys[k]);
                assert(key);
                r = sd_bus_message_append(
                        reply, "(ssss)", button_key_name(key->code), action_or_none(key->action[PRESS_SHORT]),
                        action_or_none(key->action[PRESS_LONG]), action_or_none(key->action[PRESS_DOUBLE]));
                if (r < 0)
                        return r;
        }
        if (dev->dial) {
                r = sd_bus_message_append(reply, "(ssss)", button_axis_name(l->map->dial), "volume", "", "");
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

static int method_list_buttons(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        size_t n = input_devices(d->input, NULL, 0);
        _cleanup_free_ struct input_device_info *devices = calloc(MAX(n, (size_t) 1), sizeof *devices);

        if (!devices)
                return -ENOMEM;
        input_devices(d->input, devices, n);
        return reply_array(m, "(ssba(ssss))", n, append_device,
                           &(struct device_list){ .devices = devices, .map = input_map(d->input) });
}

static int append_cue(sd_bus_message *reply, const char *type, const void *data, size_t i) {
        const struct cue *c = (const struct cue *) data + i;
        return sd_bus_message_append(reply, type, (uint64_t) c->start, (uint64_t) c->duration,
                                     cue_kind_to_string(c->kind), c->text);
}

static int method_get_plan(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        _cleanup_(routine_freep) struct routine *routine = NULL;
        _cleanup_(plan_freep) struct plan *plan = NULL;
        struct conf_error err;
        const char *name;
        int r;

        r = read_routine_argument(m, &name, error);
        if (r < 0)
                return r;
        r = coach_plan(d->coach, name, &routine, &plan, &err);
        if (r < 0)
                return bus_reply_error(error, r, &err);
        return reply_array(m, "(ttss)", plan->n_cues, append_cue, plan->cues);
}

static int method_snooze(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct conf_error err;
        uint32_t minutes;
        int r;

        r = sd_bus_message_read(m, "u", &minutes);
        if (r < 0)
                return r;
        if (minutes < 1 || minutes > 240)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "minutes %" PRIu32 ": give 1 to 240.",
                                         minutes);
        r = scheduler_snooze(d->scheduler, minutes, &err);
        if (r < 0)
                return bus_reply_error(error, r, &err);
        return sd_bus_reply_method_return(m, NULL);
}

static int skip(sd_bus_message *m, struct daemon *d, bool skip, sd_bus_error *error) {
        struct conf_error err;
        int r = scheduler_skip_next(d->scheduler, skip, &err);

        if (r < 0)
                return bus_reply_error(error, r == -ENOENT ? -ENOTSUP : r, &err);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_skip_next_run(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return skip(m, userdata, true, error);
}

static int method_cancel_skip(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return skip(m, userdata, false, error);
}

static int append_run(sd_bus_message *reply, const char *type, const void *data, size_t i) {
        const struct upcoming *u = (const struct upcoming *) data + i;
        return sd_bus_message_append(reply, type, (uint64_t) u->at, u->routine, u->skipped);
}

static int method_get_schedule(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct upcoming runs[64];
        uint32_t count;
        size_t n;
        int r;

        r = sd_bus_message_read(m, "u", &count);
        if (r < 0)
                return r;
        n = scheduler_upcoming(d->scheduler, runs, MIN((size_t) count, ELEMENTSOF(runs)));
        return reply_array(m, "(tsb)", n, append_run, runs);
}

static int append_entry(sd_bus_message *reply, const char *type, const void *data, size_t i) {
        const struct history_entry *e = (const struct history_entry *) data + i;
        return sd_bus_message_append(reply, type, (uint64_t) e->started, (uint64_t) e->scheduled, e->routine,
                                     e->level ?: "", outcome_to_string(e->outcome), (uint64_t) e->paused,
                                     (uint64_t) e->heard, (uint32_t) e->skipped_steps);
}

static int method_get_history(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const struct history *h = scheduler_history(((struct daemon *) userdata)->scheduler);
        return reply_array(m, "(ttsssttu)", h->n_entries, append_entry, h->entries);
}

/* The pairing token for tiptoed-web on the LAN; the bus policy lets only those who may
 * control the daemon call this. */
static int web_token(sd_bus_message *m, struct daemon *d, bool renew, sd_bus_error *error) {
        char token[TOKEN_HEX + 1];
        int r = token_get(d->state_dir, renew, token);

        if (r < 0) {
                log_error_errno(r, "Failed to keep the web token in %s/web-token: %m", d->state_dir);
                return sd_bus_error_set_errnof(error, r, "Failed to keep the web token in %s/web-token: %m",
                                               d->state_dir);
        }
        return sd_bus_reply_method_return(m, "s", token);
}

static int method_get_web_token(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return web_token(m, userdata, false, error);
}

static int method_new_web_token(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        int r = web_token(m, d, true, error);

        if (r >= 0) /* tiptoed-web forgets the old one */
                sd_bus_emit_signal(d->bus, BUS_PATH, BUS_INTERFACE, "WebTokenChanged", NULL);
        return r;
}

static int set_level(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *value,
                     void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        const char *s;
        int level, r;

        r = sd_bus_message_read(value, "s", &s);
        if (r < 0)
                return r;
        level = streq(s, "auto") ? LEVEL_AUTO : level_from_string(s);
        if (level < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Level \"%s\": use \"easy\", \"normal\", \"hard\" or \"auto\".", s);
        coach_set_level(d->coach, level);
        return 0;
}

static int set_volume(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *value,
                      void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        double v;
        int r;

        r = sd_bus_message_read(value, "d", &v);
        if (r < 0)
                return r;
        if (!(v >= 0.0 && v <= 1.0)) /* NaN too */
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Volume %g: give a number from 0.0 (silent) to 1.0 (as spoken).", v);
        coach_set_volume(d->coach, v);
        return 0;
}

static int set_language(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *value,
                        void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        struct conf_error err;
        const char *s;
        int r;

        r = sd_bus_message_read(value, "s", &s);
        if (r < 0)
                return r;
        r = *s ? coach_set_language(d->coach, s, &err) : -ENOENT;
        if (r == -ENOENT)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Language \"%s\": %s", s,
                                         *s ? err.text : "give a voice name such as \"en\" or \"de\".");
        if (r < 0)
                return bus_reply_error(error, r, &err);
        return 0;
}

/* Every method and writable property is SD_BUS_VTABLE_UNPRIVILEGED: on the system bus sd-bus
 * would otherwise let through only root and the daemon's own user, and the members of group
 * tiptoed, whom dbus/org.tiptoed.Coach1.conf lets send, could not control their box. The bus
 * policy is the gate; mpris.c does the same. */
static const sd_bus_vtable coach_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("Start", SD_BUS_ARGS("s", routine), SD_BUS_NO_RESULT, method_start,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stop", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resume", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_resume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("TogglePause", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_toggle_pause,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Next", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_next, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Previous", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_previous,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Repeat", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_repeat, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("NextExercise", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_next_exercise,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("PreviousExercise", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_previous_exercise,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Reload", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListRoutines", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(sst)", routines), method_list_routines,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetPlan", SD_BUS_ARGS("s", routine), SD_BUS_RESULT("a(ttss)", cues), method_get_plan,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListButtons", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ssba(ssss))", devices),
                                method_list_buttons, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Snooze", SD_BUS_ARGS("u", minutes), SD_BUS_NO_RESULT, method_snooze,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SkipNextRun", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_skip_next_run,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("CancelSkip", SD_BUS_NO_ARGS, SD_BUS_NO_RESULT, method_cancel_skip,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetSchedule", SD_BUS_ARGS("u", count), SD_BUS_RESULT("a(tsb)", runs),
                                method_get_schedule, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetHistory", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(ttsssttu)", entries), method_get_history,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetWebToken", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", token), method_get_web_token,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("NewWebToken", SD_BUS_NO_ARGS, SD_BUS_RESULT("s", token), method_new_web_token,
                                SD_BUS_VTABLE_UNPRIVILEGED),
#define READ(name, type, field) SD_BUS_PROPERTY(name, type, get_property, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
#define WRITE(name, type, field, setter)                                                                               \
        SD_BUS_WRITABLE_PROPERTY(name, type, get_property, setter, 0,                                                  \
                                 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
#define LOOK(name, type, field) SD_BUS_PROPERTY(name, type, get_property, 0, 0),
        COACH_PROPERTIES(READ, WRITE, LOOK)
#undef READ
#undef WRITE
#undef LOOK
                SD_BUS_SIGNAL_WITH_ARGS("Cue", SD_BUS_ARGS("t", position, "s", kind, "s", text), 0),
        SD_BUS_SIGNAL_WITH_ARGS("Finished", SD_BUS_ARGS("s", routine, "b", completed, "t", duration), 0),
        SD_BUS_SIGNAL("WebTokenChanged", "", 0),
        SD_BUS_VTABLE_END
};

static void coach_text(const void *snapshot, const char *name, char *buf, size_t size) {
        const struct property *p = property_by_name(name);

        if (p)
                property_text(p, snapshot, buf, size);
}

void bus_publish(struct daemon *d) {
        struct view v;

        view(d, &v);
        bus_publish_changes(d->bus, BUS_PATH, BUS_INTERFACE, announced, coach_text, &v, d->published[PUBLISHED_COACH]);
}

void bus_emit_cue(struct daemon *d) {
        struct coach_status st;
        int r;

        coach_status(d->coach, &st);
        if (!d->bus || !st.cue)
                return;
        r = sd_bus_emit_signal(d->bus, BUS_PATH, BUS_INTERFACE, "Cue", "tss", (uint64_t) st.cue->start,
                               cue_kind_to_string(st.cue->kind), st.cue->text);
        if (r < 0)
                log_warning_errno(r, "Failed to send the Cue signal: %m");
}

void bus_emit_finished(struct daemon *d) {
        const struct coach_finished *f = coach_last(d->coach);
        int r;

        if (!d->bus || !f->routine)
                return;
        r = sd_bus_emit_signal(d->bus, BUS_PATH, BUS_INTERFACE, "Finished", "sbt", f->routine, f->completed,
                               (uint64_t) f->duration);
        if (r < 0)
                log_warning_errno(r, "Failed to send the Finished signal: %m");
}

static const char *bus_description(enum bus_kind k) {
        return k == BUS_SYSTEM ? "system bus" : "user bus";
}

int bus_serve(struct daemon *d) {
        int r;

        r = sd_bus_add_object_vtable(d->bus, &d->slots[SLOT_COACH], BUS_PATH, BUS_INTERFACE, coach_vtable, d);
        if (r < 0)
                return log_error_errno(r, "Failed to put %s on the bus: %m", BUS_PATH);
        r = mpris_register(d);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(d->bus, d->event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");

        bus_publish(d); /* what is published now is what the first change is compared with */
        mpris_publish(d);
        return 0;
}

int bus_open(struct daemon *d) {
        int r;

        r = d->bus_kind == BUS_SYSTEM ? sd_bus_open_system(&d->bus) : sd_bus_open_user(&d->bus);
        if (r < 0)
                return log_error_errno(r,
                                       "Failed to connect to the %s: %m. Is D-Bus running? "
                                       "(--no-bus runs without one.)",
                                       bus_description(d->bus_kind));
        r = bus_serve(d);
        if (r < 0)
                return r;
        r = sd_bus_request_name(d->bus, BUS_NAME, 0);
        if (r == -EEXIST)
                return log_error_errno(r,
                                       "Another tiptoed already runs on the %s (it holds %s): "
                                       "control it with tiptoectl, or stop it first.",
                                       bus_description(d->bus_kind), BUS_NAME);
        if (r < 0)
                return log_error_errno(
                        r, "Failed to take the name %s on the %s: %m%s", BUS_NAME, bus_description(d->bus_kind),
                        r == -EACCES ? " (the bus policy, dbus/org.tiptoed.Coach1.conf, is not installed?)" : "");
        r = sd_bus_request_name(d->bus, MPRIS_NAME, 0);
        if (r < 0) /* the daemon works without: only media keys do not */
                log_warning_errno(r, "Failed to take the name %s; media keys will not reach tiptoed: %m", MPRIS_NAME);
        return 0;
}
