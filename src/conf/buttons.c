#include <errno.h>
#include <assert.h>
#include <libevdev/libevdev.h>

#include "buttons.h"

static const char *const action_names[_BUTTON_ACTION_MAX + 1] = {
        [BUTTON_NONE] = "none",
        [BUTTON_TOGGLE] = "toggle",
        [BUTTON_PLAY] = "play",
        [BUTTON_PAUSE] = "pause",
        [BUTTON_STOP] = "stop",
        [BUTTON_NEXT] = "next",
        [BUTTON_PREVIOUS] = "previous",
        [BUTTON_REPEAT] = "repeat",
        [BUTTON_NEXT_EXERCISE] = "next-exercise",
        [BUTTON_PREVIOUS_EXERCISE] = "previous-exercise",
        [BUTTON_SNOOZE] = "snooze",
        [BUTTON_VOLUME_UP] = "volume-up",
        [BUTTON_VOLUME_DOWN] = "volume-down",
};

static const char *const kind_names[_PRESS_KIND_MAX + 1] = {
        [PRESS_SHORT] = "short",
        [PRESS_LONG] = "long",
        [PRESS_DOUBLE] = "double",
};

static const char *const buttons_keys[] = { "devices", "grab", "keys", "dial", "volume_step", "snooze", NULL };

const char *button_action_to_string(enum button_action a) {
        return a >= 0 && a < _BUTTON_ACTION_MAX ? action_names[a] : NULL;
}

const char *button_key_name(unsigned code) {
        return libevdev_event_code_get_name(EV_KEY, code) ?: "?";
}

const char *button_axis_name(int code) {
        return code >= 0 ? libevdev_event_code_get_name(EV_REL, (unsigned) code) ?: "?" : "";
}

void buttons_none(struct buttons *b) {
        *b = (struct buttons){
                .dial = -1,
                .volume_step = BUTTON_VOLUME_STEP,
                .snooze_minutes = BUTTON_SNOOZE_MINUTES,
        };
}

static void media_keys(struct buttons *b) {
        static const struct button_key map[] = {
                { KEY_PLAYPAUSE, { [PRESS_SHORT] = BUTTON_TOGGLE, [PRESS_LONG] = BUTTON_STOP } },
                { KEY_PLAY, { [PRESS_SHORT] = BUTTON_PLAY } },
                { KEY_PAUSE, { [PRESS_SHORT] = BUTTON_PAUSE } },
                { KEY_STOPCD, { [PRESS_SHORT] = BUTTON_STOP } },
                { KEY_NEXTSONG, { [PRESS_SHORT] = BUTTON_NEXT, [PRESS_LONG] = BUTTON_NEXT_EXERCISE } },
                { KEY_PREVIOUSSONG, { [PRESS_SHORT] = BUTTON_PREVIOUS, [PRESS_LONG] = BUTTON_PREVIOUS_EXERCISE } },
        };
        static_assert(ELEMENTSOF(map) <= PRESS_KEYS_MAX, "the default map fits");

        memcpy(b->keys, map, sizeof map);
        b->n_keys = ELEMENTSOF(map);
}

void buttons_media_keys(struct buttons *b) {
        buttons_none(b);
        b->all = true;
        media_keys(b);
}

void buttons_done(struct buttons *b) {
        strv_free(b->devices);
        b->devices = NULL;
}

int buttons_copy(struct buttons *dst, const struct buttons *src) {
        size_t n = 0;

        *dst = *src;
        dst->devices = NULL;
        if (!src->devices)
                return 0;
        while (src->devices[n])
                n++;
        _cleanup_(strv_freep) char **v = calloc(n + 1, sizeof *v);
        if (!v)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                v[i] = strdup(src->devices[i]);
                if (!v[i])
                        return -ENOMEM;
        }
        dst->devices = v;
        v = NULL;
        return 0;
}

const struct button_key *buttons_key(const struct buttons *b, unsigned code) {
        for (size_t i = 0; i < b->n_keys; i++)
                if (b->keys[i].code == code)
                        return &b->keys[i];
        return NULL;
}

unsigned button_key_wants(const struct button_key *k) {
        unsigned wants = 0;
        for (int kind = 0; kind < _PRESS_KIND_MAX; kind++)
                if (k->action[kind] != BUTTON_NONE)
                        wants |= PRESS_WANTS(kind);
        return wants;
}

/* An event code of type by its name; else an error naming the nearest there is. */
static int parse_code(const config_setting_t *s, const char *name, unsigned type, const char *what,
                      struct conf_error *err) {
        int code = libevdev_event_code_from_name(type, name);
        if (code >= 0)
                return code;

        struct conf_nearest near = CONF_NEAREST_INIT;
        for (int c = 0, max = libevdev_event_type_get_max(type); c <= max; c++) {
                const char *candidate = libevdev_event_code_get_name(type, c);
                if (candidate)
                        conf_nearest_add(&near, name, candidate);
        }
        const char *best = conf_nearest(&near);
        if (best)
                return conf_fail(err, s, "'%s' is not a %s Linux knows (did you mean '%s'?)", name, what, best);
        return conf_fail(err, s, "'%s' is not a %s Linux knows: see /usr/include/linux/input-event-codes.h", name,
                         what);
}

static int parse_action(const config_setting_t *s, const char *key, enum button_action *ret, struct conf_error *err) {
        const char *v = config_setting_get_string(s);
        if (!v)
                return conf_fail(err, s, "'%s' is an action in quotes, such as \"toggle\"", key);
        for (int a = BUTTON_TOGGLE; a < _BUTTON_ACTION_MAX; a++)
                if (streq(v, action_names[a])) {
                        *ret = a;
                        return 0;
                }

        struct conf_nearest near = CONF_NEAREST_INIT;
        for (int a = BUTTON_TOGGLE; a < _BUTTON_ACTION_MAX; a++)
                conf_nearest_add(&near, v, action_names[a]);
        const char *best = conf_nearest(&near);
        if (best)
                return conf_fail(err, s, "'%s' is \"%s\", not an action (did you mean \"%s\"?)", key, v, best);
        return conf_fail(err, s,
                         "'%s' is \"%s\", not an action: use toggle, play, pause, stop, next, previous, repeat, "
                         "next-exercise, previous-exercise, snooze, volume-up or volume-down",
                         key, v);
}

/* KEY_X = "action"; (a short press) or KEY_X = { short = ...; long = ...; double = ...; }; */
static int parse_key(const config_setting_t *s, struct button_key *k, struct conf_error *err) {
        const char *name = config_setting_name(s);
        int r, code = parse_code(s, name, EV_KEY, "key", err);
        if (code < 0)
                return code;
        *k = (struct button_key){ .code = (unsigned) code };

        if (!config_setting_is_group(s))
                return parse_action(s, name, &k->action[PRESS_SHORT], err);
        r = conf_check_keys(s, kind_names, err);
        if (r < 0)
                return r;
        for (int kind = 0; kind < _PRESS_KIND_MAX; kind++) {
                const config_setting_t *a = config_setting_get_member(s, kind_names[kind]);
                if (!a)
                        continue;
                r = parse_action(a, kind_names[kind], &k->action[kind], err);
                if (r < 0)
                        return r;
        }
        if (!button_key_wants(k))
                return conf_fail(err, s, "'%s' maps no press: give short, long or double", name);
        return 0;
}

static int parse_keys(const config_setting_t *g, struct buttons *b, struct conf_error *err) {
        int n = config_setting_length(g), r;

        if (!config_setting_is_group(g))
                return conf_fail(err, g, "'keys' is a group: keys = { KEY_PLAYPAUSE = \"toggle\"; };");
        if (n > PRESS_KEYS_MAX)
                return conf_fail(err, g, "'keys' maps %d keys: %d at most", n, PRESS_KEYS_MAX);
        b->n_keys = 0;
        for (int i = 0; i < n; i++) {
                const config_setting_t *s = config_setting_get_elem(g, i);
                struct button_key k;

                r = parse_key(s, &k, err);
                if (r < 0)
                        return r;
                if (buttons_key(b, k.code)) /* BTN_A and BTN_SOUTH are one code */
                        return conf_fail(err, s, "'%s' is a key mapped already, by another of its names",
                                         config_setting_name(s));
                b->keys[b->n_keys++] = k;
        }
        return 0;
}

/* devices: "all" (the default), "none", or names; *ret NULL for all and none. */
static int parse_devices(const config_setting_t *g, bool *all, char ***ret, struct conf_error *err) {
        const config_setting_t *s = config_setting_get_member(g, "devices");
        const char *v = s ? config_setting_get_string(s) : NULL;

        *all = !s || (v && streq(v, "all"));
        if (!s || (v && (streq(v, "all") || streq(v, "none"))))
                return 0;
        int r = conf_get_strv(g, "devices", false, ret, err);
        if (r < 0)
                return r;
        if (!(*ret)[0])
                return conf_fail(err, s, "'devices' is empty: give \"all\", \"none\", or the devices' names");
        return 0;
}

int buttons_parse(const config_setting_t *g, struct buttons *ret, struct conf_error *err) {
        _cleanup_(strv_freep) char **devices = NULL;
        struct buttons b;
        const char *dial = NULL;
        double step = BUTTON_VOLUME_STEP, snooze = BUTTON_SNOOZE_MINUTES;
        int r;

        buttons_none(&b);
        if (!g) {
                *ret = b;
                return 0;
        }
        if (!config_setting_is_group(g))
                return conf_fail(err, g, "'buttons' is a group: buttons = { devices = \"all\"; };");
        b.configured = true;
        r = conf_check_keys(g, buttons_keys, err);
        if (r < 0)
                return r;
        r = parse_devices(g, &b.all, &devices, err);
        if (r < 0)
                return r;

        r = conf_get_bool(g, "grab", false, &b.grab, err);
        if (r < 0)
                return r;

        const config_setting_t *s = config_setting_get_member(g, "keys");
        if (!s)
                media_keys(&b);
        else {
                r = parse_keys(s, &b, err);
                if (r < 0)
                        return r;
        }

        r = conf_get_string(g, "dial", false, &dial, err);
        if (r < 0)
                return r;
        if (dial) {
                b.dial = parse_code(config_setting_get_member(g, "dial"), dial, EV_REL, "relative axis", err);
                if (b.dial < 0)
                        return b.dial;
        }
        r = conf_get_number(g, "volume_step", false, 0.01, 1.0, &step, err);
        if (r < 0)
                return r;
        b.volume_step = step;
        r = conf_get_number(g, "snooze", false, 1, 240, &snooze, err);
        if (r < 0)
                return r;
        b.snooze_minutes = (unsigned) snooze;

        b.devices = devices;
        devices = NULL;
        *ret = b;
        return 0;
}
