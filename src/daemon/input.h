/* Input devices: the keys and the dial of a remote, a presenter or a box's GPIO buttons,
 * read with libevdev on sd-event. sd-device finds them at start and as they come and go.
 * Each key's events, timed by the kernel on CLOCK_MONOTONIC, go through a press
 * classifier (core/press.c); what a press or a turn of the dial is mapped to goes to the
 * caller. A device is never grabbed unless the map says grab. */
#pragma once

#include <systemd/sd-event.h>

#include "buttons.h"

struct input;

/* steps: 1 for a press; for the dial, its detents since the last report (negative: down). */
typedef void (*input_action_fn)(struct input *in, enum button_action a, int steps, const char *device, void *userdata);

int input_new(sd_event *e, input_action_fn act, void *userdata, struct input **ret);
void input_free(struct input *in);
DEFINE_POINTER_CLEANUP(struct input, input_free)

/* Reads the devices map asks for, from now on: those open are closed, and what matches is
 * opened again. A map that reads nothing closes everything and watches for nothing.
 * Errors opening a device are logged and leave it out; -ENOMEM only. */
int input_set_map(struct input *in, const struct buttons *map);
const struct buttons *input_map(const struct input *in);

struct input_device_info {
        const char *name, *devnode;
        bool grabbed, dial;
        unsigned keys[PRESS_KEYS_MAX]; /* the mapped keys it has */
        size_t n_keys;
};

/* The devices read now, up to n; returns how many there are. */
size_t input_devices(const struct input *in, struct input_device_info *ret, size_t n);
