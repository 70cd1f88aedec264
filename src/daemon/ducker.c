#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <unistd.h>

#include "ducker.h"
#include "log.h"
#include "place.h"

#define MPRIS_PREFIX "org.mpris.MediaPlayer2."
#define MPRIS_PATH "/org/mpris/MediaPlayer2"
#define MPRIS_PLAYER "org.mpris.MediaPlayer2.Player"
/* A volume read back this far from the one set was set by someone else. MPD keeps whole
 * percents, so 0.837 reads back 0.84. */
#define MOVED 0.02
#define RESTORE_TIMEOUT_USEC USEC_PER_SEC

DEFINE_POINTER_CLEANUP(json_object, json_object_put)

struct player {
        char *name;    /* org.mpris.MediaPlayer2.NAME */
        bool present;  /* on the bus now */
        bool lowered;  /* original is its own volume, and it is lowered, or about to be */
        bool asking;   /* a Get of its Volume is on its way */
        bool released; /* its volume was set while lowered: left alone until the quiet */
        double original;
        double set; /* the last Volume sent; NAN: none yet */
        sd_bus_slot *get;
};

struct ducker {
        sd_bus *bus;
        char *dir, *own_name;
        sd_event_source *timer, *exit;
        sd_bus_slot *owner_changed, *list;
        ducker_speech_fn speech;
        void *userdata;
        bool enabled;
        double keep;
        char **wanted; /* NULL: every player */
        struct duck_state state;
        double depth; /* as last applied: 0 untouched, 1 fully lowered */
        struct player *players;
        size_t n_players;
};

static void player_done(struct player *p) {
        sd_bus_slot_unref(p->get);
        free(p->name);
}

static bool wanted(const struct ducker *d, const char *name) {
        const char *id = name + strlen(MPRIS_PREFIX);

        if (!d->wanted || !*d->wanted)
                return true;
        for (char **w = d->wanted; *w; w++) {
                size_t n = strlen(*w);
                if (strncmp(id, *w, n) == 0 && (id[n] == '\0' || id[n] == '.')) /* mpv, mpv.instance1234 */
                        return true;
        }
        return false;
}

static bool is_player(const struct ducker *d, const char *name) {
        return strncmp(name, MPRIS_PREFIX, strlen(MPRIS_PREFIX)) == 0 && name[strlen(MPRIS_PREFIX)] &&
               !streq(name, d->own_name);
}

static struct player *find(struct ducker *d, const char *name) {
        for (size_t i = 0; i < d->n_players; i++)
                if (streq(d->players[i].name, name))
                        return &d->players[i];
        return NULL;
}

static struct player *add(struct ducker *d, const char *name) {
        struct player *p = find(d, name), *a;

        if (p)
                return p;
        a = reallocarray(d->players, d->n_players + 1, sizeof *a);
        if (!a)
                return NULL;
        d->players = a;
        p = &a[d->n_players];
        *p = (struct player){ .name = strdup(name), .set = NAN };
        if (!p->name)
                return NULL;
        d->n_players++;
        return p;
}

static void drop(struct ducker *d, struct player *p) {
        player_done(p);
        *p = d->players[--d->n_players];
}

/* What each lowered player was, for a daemon started after this one was killed. */
static void keep(struct ducker *d) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        const char *text;
        bool any = false;
        int r;

        if (!d->dir)
                return;
        if (!o) {
                log_oom();
                return;
        }
        for (size_t i = 0; i < d->n_players; i++)
                if (d->players[i].lowered) {
                        json_object_object_add(o, d->players[i].name, json_object_new_double(d->players[i].original));
                        any = true;
                }
        if (!any) {
                runtime_file_remove(d->dir, DUCK_FILE);
                return;
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        r = text ? runtime_file_write(d->dir, DUCK_FILE, text) : -ENOMEM;
        if (r < 0)
                log_warning_errno(r, "Failed to keep the lowered players' volumes in %s/" DUCK_FILE ": %m", d->dir);
}

/* The players a killed daemon left lowered: put back as they show up. */
static void take_kept(struct ducker *d) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_free_ char *path = NULL;

        if (!d->dir || asprintf(&path, "%s/" DUCK_FILE, d->dir) < 0 || access(path, F_OK) < 0)
                return;
        o = json_object_from_file(path);
        if (!o || !json_object_is_type(o, json_type_object)) {
                log_warning("%s is not what tiptoed writes; removing it.", path);
                (void) unlink(path);
                return;
        }
        json_object_object_foreach(o, name, v) {
                struct player *p;
                if (!is_player(d, name) || !json_object_is_type(v, json_type_double))
                        continue;
                p = add(d, name);
                if (!p) {
                        log_oom();
                        return;
                }
                p->lowered = true;
                p->original = json_object_get_double(v);
                log_info("%s was left lowered by a daemon that did not exit; its volume goes back to %.3f.", name,
                         p->original);
        }
}

/* A Get or Set of one of name's player properties; a player that is not running is not started for it. */
static int properties_call(struct ducker *d, const char *name, const char *member, sd_bus_message **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = sd_bus_message_new_method_call(d->bus, &m, name, MPRIS_PATH, "org.freedesktop.DBus.Properties", member);
        if (r >= 0)
                r = sd_bus_message_set_auto_start(m, false);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", MPRIS_PLAYER);
        if (r < 0)
                return r;
        *ret = m;
        m = NULL;
        return 0;
}

static int on_set(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const sd_bus_error *e = sd_bus_message_get_error(m);

        if (e)
                log_debug("Setting %s's Volume failed: %s", sd_bus_message_get_sender(m) ?: "a player", e->message);
        return 0;
}

static void set_volume(struct ducker *d, struct player *p, double v) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = properties_call(d, p->name, "Set", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sv", "Volume", "d", v);
        if (r >= 0)
                r = sd_bus_call_async(d->bus, NULL, m, on_set, NULL, 0);
        if (r < 0) {
                log_warning_errno(r, "Failed to set %s's Volume: %m", p->name);
                return;
        }
        p->set = v;
}

static void ask(struct ducker *d, struct player *p);

/* Brings p to depth: lowers, raises or puts back, asking for its volume first if need be. */
static void apply(struct ducker *d, struct player *p, double depth) {
        if (!p->present || p->asking)
                return;
        if (depth <= 0) {
                p->released = false;
                if (!p->lowered)
                        return;
                if (p->set != p->original)
                        set_volume(d, p, p->original);
                p->lowered = false;
                keep(d);
                return;
        }
        if (p->released || (!p->lowered && !wanted(d, p->name)))
                return;
        if (!p->lowered) {
                ask(d, p);
                return;
        }
        double v = duck_volume(p->original, d->keep, depth);
        if (!(fabs(v - p->set) < 1e-4))
                set_volume(d, p, v);
}

static int on_volume(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct ducker *d = userdata;
        struct player *p = NULL;
        double v;
        int r;

        for (size_t i = 0; i < d->n_players; i++)
                if (d->players[i].get && d->players[i].get == sd_bus_get_current_slot(d->bus))
                        p = &d->players[i];
        if (!p)
                return 0;
        p->get = sd_bus_slot_unref(p->get);
        p->asking = false;

        r = sd_bus_message_get_errno(m);
        if (r == 0)
                r = sd_bus_message_read(m, "v", "d", &v);
        if (r < 0) {
                log_full_errno(LOG_DEBUG, r, "%s does not tell its Volume (%m); leaving it alone.", p->name);
                p->released = !p->lowered; /* cannot be lowered; one lowered goes back as it was */
                apply(d, p, d->depth);
                return 0;
        }
        if (!p->lowered) {
                p->original = p->set = v;
                p->lowered = true;
                keep(d);
                log_debug("%s: Volume %.3f, lowered to %.3f at most.", p->name, v, duck_volume(v, d->keep, 1));
        } else if (fabs(v - p->set) > MOVED) {
                log_info("%s's volume was set to %.3f while lowered; leaving it there.", p->name, v);
                p->lowered = false;
                p->released = true;
                keep(d);
        }
        apply(d, p, d->depth);
        return 0;
}

/* Reads p's Volume: its own, before lowering it, or to see whether someone set it meanwhile. */
static void ask(struct ducker *d, struct player *p) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = properties_call(d, p->name, "Get", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "Volume");
        if (r >= 0)
                r = sd_bus_call_async(d->bus, &p->get, m, on_volume, d, 0);
        if (r < 0) {
                log_warning_errno(r, "Failed to ask %s for its Volume: %m", p->name);
                return;
        }
        p->asking = true;
}

static void arm(struct ducker *d, usec_t at) {
        if (at == USEC_INFINITY) {
                (void) sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
                return;
        }
        (void) sd_event_source_set_time(d->timer, at);
        (void) sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        struct ducker *d = userdata;
        usec_t now = now_monotonic(), next;
        struct span span, more;
        /* What is sent now is heard a latency later: the speech that matters ends after that. */
        int r = d->enabled ? d->speech(now, now + d->state.latency, &span, d->userdata) : 0;
        double depth;

        /* A routine begins, and its first word is heard as soon as the device plays, before
         * the device says when that is (bench/duck: up to 0.7 s through PulseAudio): down at
         * once, rather than after the first sentence. */
        if (r == -EAGAIN)
                span = (struct span){ now, now + d->state.latency + DUCK_STEP_USEC };
        /* Cues closer than DUCK_MERGE_USEC are one span. */
        for (unsigned i = 0; r > 0 && i < 64 && d->speech(now, span.end, &more, d->userdata) > 0 &&
                             more.begin < span.end + DUCK_MERGE_USEC;
             i++)
                span.end = more.end;
        depth = duck_depth(&d->state, now, r != 0 ? &span : NULL, &next);

        /* The way up begins after a while all the way down, with nothing sent meanwhile: a
         * volume other than the one sent was set by someone else. */
        if (d->depth == 1 && depth < 1) {
                log_debug("Raising the players again.");
                for (size_t i = 0; i < d->n_players; i++)
                        if (d->players[i].present && d->players[i].lowered && !d->players[i].asking)
                                ask(d, &d->players[i]);
        } else if (d->depth == 0 && depth > 0)
                log_debug("Lowering the players, the next word in %.3f s.",
                          r != 0 && span.begin > now ? (span.begin - now) / 1e6 : 0.0);
        d->depth = depth;
        for (size_t i = 0; i < d->n_players; i++)
                apply(d, &d->players[i], depth);
        arm(d, next);
        return 0;
}

void ducker_poke(struct ducker *d) {
        if (d)
                arm(d, now_monotonic());
}

/* A player came or went. */
static void owner(struct ducker *d, const char *name, bool present) {
        struct player *p;

        if (!is_player(d, name))
                return;
        p = present ? add(d, name) : find(d, name);
        if (!p) {
                if (present)
                        log_oom();
                return;
        }
        p->present = present;
        p->get = sd_bus_slot_unref(p->get);
        p->asking = false;
        if (!present) {
                if (!p->lowered) /* one lowered stays known, to be put back when it returns */
                        drop(d, p);
                return;
        }
        p->set = NAN; /* a new process: what it plays at now is not known */
        apply(d, p, d->depth);
}

static int on_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *name, *old, *new;

        if (sd_bus_message_read(m, "sss", &name, &old, &new) >= 0)
                owner(userdata, name, *new != '\0');
        return 0;
}

static int on_names(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        struct ducker *d = userdata;
        _cleanup_(strv_freep) char **names = NULL;

        d->list = sd_bus_slot_unref(d->list);
        if (sd_bus_message_get_errno(m) != 0 || sd_bus_message_read_strv(m, &names) < 0) {
                log_warning("Failed to list the players on the bus; ducking only those that start from now on.");
                return 0;
        }
        for (char **n = names; *n; n++)
                owner(d, *n, true);
        return 0;
}

/* Exiting: a player left lowered would stay so, so each is put back before the daemon
 * goes, waiting for each. One that does not answer is left to the next start. */
static void put_back(struct ducker *d) {
        for (size_t i = 0; i < d->n_players; i++) {
                struct player *p = &d->players[i];
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                int r;

                if (!p->lowered || !p->present)
                        continue;
                r = properties_call(d, p->name, "Set", &m);
                if (r >= 0)
                        r = sd_bus_message_append(m, "sv", "Volume", "d", p->original);
                if (r >= 0)
                        r = sd_bus_call(d->bus, m, RESTORE_TIMEOUT_USEC, &error, NULL);
                if (r < 0) {
                        log_warning_errno(r, "Failed to put %s's Volume back to %.3f (the next start will): %m",
                                          p->name, p->original);
                        continue;
                }
                p->lowered = false;
        }
        keep(d); /* what is still lowered, or nothing */
}

/* Before sd-bus's own exit handler closes the connection. */
static int on_loop_exit(sd_event_source *s, void *userdata) {
        put_back(userdata);
        return 0;
}

int ducker_new(sd_event *e, sd_bus *bus, const char *dir, const char *own_name, ducker_speech_fn speech, void *userdata,
               struct ducker **ret) {
        _cleanup_(ducker_freep) struct ducker *d = calloc(1, sizeof *d);
        int r;

        if (!d)
                return log_oom();
        *d = (struct ducker){ .bus = sd_bus_ref(bus), .speech = speech, .userdata = userdata };
        d->own_name = strdup(own_name);
        if (!d->own_name || (dir && !(d->dir = strdup(dir))))
                return log_oom();
        r = sd_event_add_time(e, &d->timer, CLOCK_MONOTONIC, USEC_INFINITY, USEC_PER_MSEC, on_timer, d);
        if (r < 0)
                return log_error_errno(r, "Failed to add the ducking timer: %m");
        (void) sd_event_source_set_enabled(d->timer, SD_EVENT_OFF);
        r = sd_event_add_exit(e, &d->exit, on_loop_exit, d);
        if (r >= 0)
                r = sd_event_source_set_priority(d->exit, SD_EVENT_PRIORITY_IMPORTANT);
        if (r < 0)
                return log_error_errno(r, "Failed to add the ducker's exit handler: %m");
        r = sd_bus_match_signal_async(bus, &d->owner_changed, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                      "org.freedesktop.DBus", "NameOwnerChanged", on_owner_changed, NULL, d);
        if (r < 0)
                return log_error_errno(r, "Failed to follow the players on the bus: %m");
        take_kept(d);
        r = sd_bus_call_method_async(bus, &d->list, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "ListNames", on_names, d, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to list the players on the bus: %m");
        *ret = d;
        d = NULL;
        return 0;
}

int ducker_set(struct ducker *d, const struct duck_settings *s) {
        char **w = NULL;

        if (s->players && !(w = strv_copy(s->players)))
                return -ENOMEM;
        strv_free(d->wanted);
        d->wanted = w;
        d->enabled = s->mpris;
        d->keep = s->volume;
        d->state.fade = s->fade_msec * USEC_PER_MSEC;
        d->state.latency = s->latency_msec * USEC_PER_MSEC;
        ducker_poke(d);
        return 0;
}

void ducker_free(struct ducker *d) {
        if (!d)
                return;
        if (d->bus && sd_bus_is_open(d->bus) > 0)
                put_back(d);
        for (size_t i = 0; i < d->n_players; i++)
                player_done(&d->players[i]);
        free(d->players);
        sd_bus_slot_unref(d->owner_changed);
        sd_bus_slot_unref(d->list);
        sd_event_source_disable_unref(d->timer);
        sd_event_source_disable_unref(d->exit);
        sd_bus_unref(d->bus);
        strv_free(d->wanted);
        free(d->dir);
        free(d->own_name);
        free(d);
}
