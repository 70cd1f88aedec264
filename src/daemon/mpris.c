#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "bus-names.h"
#include "bus-util.h"
#include "log.h"
#include "mpris.h"

#define NO_TRACK "/org/mpris/MediaPlayer2/TrackList/NoTrack"

static bool active(struct daemon *d) {
        struct coach_status st;
        coach_status(d->coach, &st);
        return st.state != COACH_IDLE;
}

static const char *playback_status_of(const struct coach_status *st) {
        return st->state == COACH_RUNNING ? "Playing" : st->state == COACH_PAUSED ? "Paused" : "Stopped";
}

static const char *playback_status(struct daemon *d) {
        struct coach_status st;
        coach_status(d->coach, &st);
        return playback_status_of(&st);
}

/* Media keys mean "go on": Play starts the default routine when nothing plays. */
static int play(struct daemon *d, sd_bus_error *error) {
        struct conf_error err;
        int r = coach_play(d->coach, PLAYER_RESUME, &err);
        return r < 0 ? bus_reply_error(error, r, &err) : 0;
}

/* MPRIS: a control that does not apply now "has no effect", rather than failing. */
static int steer(struct daemon *d, enum player_command c, sd_bus_error *error) {
        struct conf_error err;
        int r;

        if (!active(d))
                return 0;
        r = coach_command(d->coach, c, &err);
        return r < 0 ? bus_reply_error(error, r, &err) : 0;
}

static int reply(sd_bus_message *m, int r) {
        return r < 0 ? r : sd_bus_reply_method_return(m, NULL);
}

static int method_play(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return reply(m, play(userdata, error));
}

static int method_play_pause(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        return reply(m, active(d) ? steer(d, PLAYER_TOGGLE, error) : play(d, error));
}

#define STEER_METHOD(function, c)                                                                                      \
        static int function(sd_bus_message *m, void *userdata, sd_bus_error *error) {                                  \
                return reply(m, steer(userdata, c, error));                                                            \
        }
STEER_METHOD(method_pause, PLAYER_PAUSE)
STEER_METHOD(method_stop, PLAYER_STOP)
STEER_METHOD(method_next, PLAYER_NEXT)
STEER_METHOD(method_previous, PLAYER_PREVIOUS)

static int method_nothing(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_reply_method_return(m, NULL); /* Raise, Quit, Seek, SetPosition: Can* say false */
}

static int method_open_uri(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return sd_bus_error_set(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                "tiptoed plays routines, not URIs: use org.tiptoed.Coach1.Start.");
}

static int get_false(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                     void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", 0);
}

static int get_true(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                    void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", 1);
}

static int get_active(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                      void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "b", active(userdata));
}

static int get_identity(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                        void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", "tiptoed");
}

static int get_empty_list(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                          void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "as", 0);
}

static int get_rate(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                    void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "d", 1.0);
}

static int get_playback_status(sd_bus *bus, const char *path, const char *interface, const char *name,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", playback_status(userdata));
}

static int get_position(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                        void *userdata, sd_bus_error *error) {
        struct coach_status st;
        coach_status(((struct daemon *) userdata)->coach, &st);
        return sd_bus_message_append(reply, "x", (int64_t) st.position);
}

static int get_volume(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                      void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "d", MIN(coach_volume(((struct daemon *) userdata)->coach), 1.0));
}

static int set_volume(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *value,
                      void *userdata, sd_bus_error *error) {
        struct daemon *d = userdata;
        double v;
        int r = sd_bus_message_read(value, "d", &v);

        if (r < 0)
                return r;
        if (v != v)
                return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "Volume is not a number.");
        coach_set_volume(d->coach, MAX(0.0, MIN(v, 1.0))); /* MPRIS: below 0 is 0 */
        return 0;
}

/* An exercise is a track. */
static void track_id(const struct coach_status *st, char *buf, size_t size) {
        if (st->exercise_index > 0)
                snprintf(buf, size, "/org/tiptoed/Coach1/exercise/%u", st->exercise_index);
        else
                snprintf(buf, size, st->routine ? "/org/tiptoed/Coach1/exercise/0" : NO_TRACK);
}

static int get_metadata(sd_bus *bus, const char *path, const char *interface, const char *name, sd_bus_message *reply,
                        void *userdata, sd_bus_error *error) {
        struct coach_status st;
        char id[64];

        coach_status(((struct daemon *) userdata)->coach, &st);
        track_id(&st, id, sizeof id);
        if (!st.routine)
                return sd_bus_message_append(reply, "a{sv}", 1, "mpris:trackid", "o", id);
        return sd_bus_message_append(reply, "a{sv}", 5, "mpris:trackid", "o", id, "xesam:title", "s",
                                     *st.exercise ? st.exercise : st.routine->title, "xesam:album", "s",
                                     st.routine->title, "xesam:artist", "as", 1, "tiptoed", "mpris:length", "x",
                                     (int64_t) st.duration);
}

static const sd_bus_vtable root_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Raise", "", "", method_nothing, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Quit", "", "", method_nothing, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("CanQuit", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CanRaise", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("HasTrackList", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Identity", "s", get_identity, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SupportedUriSchemes", "as", get_empty_list, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("SupportedMimeTypes", "as", get_empty_list, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

static const sd_bus_vtable player_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Next", "", "", method_next, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Previous", "", "", method_previous, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Pause", "", "", method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("PlayPause", "", "", method_play_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Stop", "", "", method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Play", "", "", method_play, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Seek", SD_BUS_ARGS("x", Offset), SD_BUS_NO_RESULT, method_nothing,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("SetPosition", SD_BUS_ARGS("o", TrackId, "x", Position), SD_BUS_NO_RESULT,
                                method_nothing, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("OpenUri", SD_BUS_ARGS("s", Uri), SD_BUS_NO_RESULT, method_open_uri,
                                SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Seeked", SD_BUS_ARGS("x", Position), 0),
        SD_BUS_PROPERTY("PlaybackStatus", "s", get_playback_status, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Rate", "d", get_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("MinimumRate", "d", get_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("MaximumRate", "d", get_rate, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Metadata", "a{sv}", get_metadata, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_WRITABLE_PROPERTY("Volume", "d", get_volume, set_volume, 0,
                                 SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE | SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Position", "x", get_position, 0, 0),
        SD_BUS_PROPERTY("CanGoNext", "b", get_active, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CanGoPrevious", "b", get_active, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CanPlay", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CanPause", "b", get_active, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("CanSeek", "b", get_false, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("CanControl", "b", get_true, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

int mpris_register(struct daemon *d) {
        int r = sd_bus_add_object_vtable(d->bus, &d->slots[SLOT_MPRIS_ROOT], MPRIS_PATH, MPRIS_ROOT, root_vtable, d);
        if (r < 0)
                return log_error_errno(r, "Failed to put %s on the bus: %m", MPRIS_ROOT);
        r = sd_bus_add_object_vtable(d->bus, &d->slots[SLOT_MPRIS_PLAYER], MPRIS_PATH, MPRIS_PLAYER, player_vtable, d);
        if (r < 0)
                return log_error_errno(r, "Failed to put %s on the bus: %m", MPRIS_PLAYER);
        return 0;
}

struct snapshot {
        struct coach_status st;
        double volume;
};

static void mpris_text(const void *snapshot, const char *name, char *buf, size_t size) {
        const struct snapshot *s = snapshot;
        char id[64];

        if (streq(name, "PlaybackStatus"))
                snprintf(buf, size, "%s", playback_status_of(&s->st));
        else if (streq(name, "Metadata")) {
                track_id(&s->st, id, sizeof id);
                snprintf(buf, size, "%s|%s|%s|%" PRIu64, id, s->st.exercise, s->st.routine ? s->st.routine->title : "",
                         (uint64_t) s->st.duration);
        } else if (streq(name, "Volume"))
                snprintf(buf, size, "%.6f", s->volume);
        else /* CanGoNext, CanGoPrevious, CanPause */
                snprintf(buf, size, "%d", s->st.state != COACH_IDLE);
}

/* MPRIS clients extrapolate Position from PlaybackStatus; Seeked tells them when the routine
 * jumped (next, previous, an exercise skipped) or stood still for a "Ready. 3, 2, 1". A
 * quarter second is more than the heard position strays from that extrapolation (the
 * device's latency at a start or a pause, a gap made up, sound held back), and less than
 * a skip from one count to the next. */
#define SEEK_MIN_USEC (USEC_PER_SEC / 4)
static void announce_jumps(struct daemon *d, const struct coach_status *st) {
        usec_t now = now_monotonic(), expected;
        int r;

        expected = d->mpris.position + (d->mpris.running ? now - d->mpris.at : 0);
        if (d->bus && st->state != COACH_IDLE && d->mpris.at > 0 &&
            (st->position > expected + SEEK_MIN_USEC || st->position + SEEK_MIN_USEC < expected)) {
                r = sd_bus_emit_signal(d->bus, MPRIS_PATH, MPRIS_PLAYER, "Seeked", "x", (int64_t) st->position);
                if (r < 0)
                        log_warning_errno(r, "Failed to send the Seeked signal: %m");
        }
        d->mpris.position = st->position;
        d->mpris.at = st->state == COACH_IDLE ? 0 : now;
        d->mpris.running = st->state == COACH_RUNNING;
}

void mpris_publish(struct daemon *d) {
        static const char *const names[] = { "PlaybackStatus", "Metadata", "Volume", "CanGoNext",
                                             "CanGoPrevious",  "CanPause", NULL };
        struct snapshot s = { .volume = coach_volume(d->coach) };

        coach_status(d->coach, &s.st);
        bus_publish_changes(d->bus, MPRIS_PATH, MPRIS_PLAYER, names, mpris_text, &s, d->published[PUBLISHED_MPRIS]);
        announce_jumps(d, &s.st);
}
