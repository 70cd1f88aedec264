/* `buttons` in tiptoed.conf: which input devices the daemon reads, and what a short, a long
 * and a double press of each key does. Keys and axes are named as Linux names them
 * (KEY_PLAYPAUSE, BTN_0, REL_DIAL), through libevdev's tables. */
#pragma once

#include "conf.h"
#include "press.h"

enum button_action {
        BUTTON_NONE,
        BUTTON_TOGGLE, /* pause or resume; start the routine when idle */
        BUTTON_PLAY,   /* resume; start the routine when idle */
        BUTTON_PAUSE,
        BUTTON_STOP,
        BUTTON_NEXT,
        BUTTON_PREVIOUS,
        BUTTON_REPEAT,
        BUTTON_NEXT_EXERCISE,
        BUTTON_PREVIOUS_EXERCISE,
        BUTTON_SNOOZE,
        BUTTON_VOLUME_UP,
        BUTTON_VOLUME_DOWN,
        _BUTTON_ACTION_MAX,
};

struct button_key {
        unsigned code; /* EV_KEY */
        enum button_action action[_PRESS_KIND_MAX];
};

#define BUTTON_VOLUME_STEP 0.05 /* of Volume (0 to 1), per press and per step of the dial */
#define BUTTON_SNOOZE_MINUTES 10

struct buttons {
        bool configured; /* tiptoed.conf has `buttons`; else the daemon picks (buttons_media_keys) */
        bool all;        /* every device with a mapped key or the dial */
        char **devices;  /* else those whose name matches one of these (fnmatch); NULL: none */
        bool grab;       /* read the devices alone; never unless asked */
        struct button_key keys[PRESS_KEYS_MAX];
        size_t n_keys;
        int dial; /* EV_REL turning the volume; -1: none */
        double volume_step;
        unsigned snooze_minutes;
};

/* Reads nothing: what a desktop user's daemon does unless its file asks. */
void buttons_none(struct buttons *b);
/* Every device with media keys: play/pause (held: stop), stop, next and previous (held: the
 * next or previous exercise). */
void buttons_media_keys(struct buttons *b);
/* `buttons` (NULL: absent, and *b is buttons_none()). -EINVAL with FILE:LINE in err. */
int buttons_parse(const config_setting_t *group, struct buttons *b, struct conf_error *err);
void buttons_done(struct buttons *b);
int buttons_copy(struct buttons *dst, const struct buttons *src);

/* The key's mapping; NULL when it has none. */
const struct button_key *buttons_key(const struct buttons *b, unsigned code);
/* PRESS_WANTS() of every kind mapped to k. */
unsigned button_key_wants(const struct button_key *k);

const char *button_action_to_string(enum button_action a);
/* As Linux names them: KEY_PLAYPAUSE, REL_DIAL. */
const char *button_key_name(unsigned code);
const char *button_axis_name(int code);
