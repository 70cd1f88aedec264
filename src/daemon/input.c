#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libevdev/libevdev.h>
#include <systemd/sd-device.h>
#include <unistd.h>

#include "input.h"
#include "log.h"

#define PRESSES 8 /* decided by one event or one tick: one per key, and more than any key makes */

struct device {
        struct input *input;
        char *devnode, *name;
        int fd;
        struct libevdev *evdev;
        sd_event_source *io, *timer;
        struct press_classifier press;
        bool grabbed, dial;
        int turned; /* the dial's detents since the last report */
};

struct input {
        sd_event *event;
        input_action_fn act;
        void *userdata;
        struct buttons map;
        bool mapped; /* map holds something read: devices, keys or a dial */
        sd_device_monitor *monitor;
        struct device **devices;
        size_t n_devices;
};

static void device_free(struct device *d) {
        if (!d)
                return;
        sd_event_source_disable_unref(d->io);
        sd_event_source_disable_unref(d->timer);
        if (d->evdev && d->grabbed)
                libevdev_grab(d->evdev, LIBEVDEV_UNGRAB);
        libevdev_free(d->evdev);
        if (d->fd >= 0)
                close(d->fd);
        free(d->devnode);
        free(d->name);
        free(d);
}
DEFINE_POINTER_CLEANUP(struct device, device_free)

static void perform(struct device *d, enum button_action a, int steps, const char *what) {
        if (a == BUTTON_NONE)
                return;
        log_debug("%s: %s: %s.", d->name, what, button_action_to_string(a)); /* bench/buttons reads it */
        d->input->act(d->input, a, steps, d->name, d->input->userdata);
}

static void decided(struct device *d, const struct press *p, size_t n) {
        static const char *const kinds[] = { "a short press", "a long press", "a double press" };
        static_assert(ELEMENTSOF(kinds) == _PRESS_KIND_MAX, "a word for each kind");

        for (size_t i = 0; i < n; i++) {
                const struct button_key *k = buttons_key(&d->input->map, p[i].code);
                char what[96];

                if (!k)
                        continue;
                snprintf(what, sizeof what, "%s of %s at %.6f", kinds[p[i].kind], button_key_name(p[i].code),
                         p[i].at / 1e6); /* the kernel's time of the event that decided it */
                perform(d, k->action[p[i].kind], 1, what);
        }
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata);

/* The timer waits for what the classifier waits for: a key held long, a second press. */
static int arm(struct device *d) {
        usec_t at = press_deadline(&d->press);

        if (at == USEC_INFINITY)
                return d->timer ? sd_event_source_set_enabled(d->timer, SD_EVENT_OFF) : 0;
        if (!d->timer)
                return sd_event_add_time(d->input->event, &d->timer, CLOCK_MONOTONIC, at, 0, on_tick, d);
        int r = sd_event_source_set_time(d->timer, at);
        return r < 0 ? r : sd_event_source_set_enabled(d->timer, SD_EVENT_ONESHOT);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata) {
        struct device *d = userdata;
        struct press out[PRESSES];

        decided(d, out, press_tick(&d->press, usec, out, ELEMENTSOF(out)));
        return arm(d);
}

static void device_remove(struct input *in, struct device *d);

static void on_event(struct device *d, const struct input_event *ev) {
        struct press out[PRESSES];

        switch (ev->type) {
        case EV_KEY: {
                usec_t at = (usec_t) ev->input_event_sec * USEC_PER_SEC + (usec_t) ev->input_event_usec;
                decided(d, out, press_event(&d->press, ev->code, ev->value, at, out, ELEMENTSOF(out)));
                break;
        }
        case EV_REL:
                if (d->dial && (int) ev->code == d->input->map.dial)
                        d->turned += ev->value;
                break;
        case EV_SYN:
                if (ev->code == SYN_REPORT && d->turned) {
                        int steps = d->turned;
                        d->turned = 0;
                        perform(d, steps > 0 ? BUTTON_VOLUME_UP : BUTTON_VOLUME_DOWN, abs(steps), "the dial");
                }
                break;
        }
}

static int on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        struct device *d = userdata;
        unsigned flag = LIBEVDEV_READ_FLAG_NORMAL;
        struct input_event ev;
        int r;

        for (;;) {
                r = libevdev_next_event(d->evdev, flag, &ev);
                if (r == LIBEVDEV_READ_STATUS_SYNC && flag == LIBEVDEV_READ_FLAG_NORMAL) {
                        /* Events were dropped: what the keys did meanwhile is unknown, so
                         * they forget, and the device's state is read through. */
                        press_forget(&d->press);
                        d->turned = 0;
                        flag = LIBEVDEV_READ_FLAG_SYNC;
                } else if (r == -EAGAIN && flag == LIBEVDEV_READ_FLAG_SYNC)
                        flag = LIBEVDEV_READ_FLAG_NORMAL;
                else if (r == -EAGAIN)
                        break;
                else if (r < 0) { /* -ENODEV: unplugged; sd-device says so too */
                        log_info("Input device %s (%s) went away.", d->name, d->devnode);
                        device_remove(d->input, d);
                        return 0;
                } else if (flag == LIBEVDEV_READ_FLAG_NORMAL)
                        on_event(d, &ev);
        }
        if (revents & (EPOLLHUP | EPOLLERR)) {
                log_info("Input device %s (%s) went away.", d->name, d->devnode);
                device_remove(d->input, d);
                return 0;
        }
        return arm(d);
}

static bool wanted_name(const struct buttons *map, const char *name) {
        if (map->all)
                return true;
        for (char **p = map->devices; p && *p; p++)
                if (fnmatch(*p, name, 0) == 0)
                        return true;
        return false;
}

static struct device *device_find(struct input *in, const char *devnode) {
        for (size_t i = 0; i < in->n_devices; i++)
                if (streq(in->devices[i]->devnode, devnode))
                        return in->devices[i];
        return NULL;
}

static void device_remove(struct input *in, struct device *d) {
        for (size_t i = 0; i < in->n_devices; i++)
                if (in->devices[i] == d) {
                        in->devices[i] = in->devices[--in->n_devices];
                        break;
                }
        device_free(d); /* a press under way decides nothing: no key stays held */
}

/* Opens devnode if the map wants it: a name it names, and a mapped key or the dial. Errors
 * are said and leave the device out; -ENOMEM is returned, and -EACCES unsaid. */
static int device_add(struct input *in, const char *devnode) {
        const struct buttons *map = &in->map;
        _cleanup_(device_freep) struct device *d = NULL;
        int r;

        if (device_find(in, devnode))
                return 0;
        d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        *d = (struct device){ .input = in, .fd = -1, .devnode = strdup(devnode) };
        if (!d->devnode)
                return -ENOMEM;
        d->fd = open(devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (d->fd < 0 && errno == EACCES)
                return -EACCES; /* said by the caller, once for all */
        if (d->fd < 0) {
                if (errno != ENOENT && errno != ENODEV) /* gone already */
                        log_warning_errno(errno, "Cannot open %s: %m", devnode);
                return 0;
        }
        r = libevdev_new_from_fd(d->fd, &d->evdev);
        if (r < 0) {
                log_warning_errno(-r, "Cannot read %s as an input device: %m", devnode);
                return 0;
        }
        d->name = strdup(libevdev_get_name(d->evdev) ?: "");
        if (!d->name)
                return -ENOMEM;
        if (!wanted_name(map, d->name))
                return 0;

        for (size_t i = 0; i < map->n_keys; i++)
                if (libevdev_has_event_code(d->evdev, EV_KEY, map->keys[i].code)) {
                        r = press_add_key(&d->press, map->keys[i].code, button_key_wants(&map->keys[i]));
                        if (r < 0) {
                                log_error_errno(r, "%s: cannot watch its keys: %m", d->name);
                                return 0;
                        }
                }
        d->dial = map->dial >= 0 && libevdev_has_event_code(d->evdev, EV_REL, map->dial);
        if (d->press.n_keys == 0 && !d->dial) {
                if (!map->all)
                        log_info("Input device %s (%s) has none of the keys mapped; leaving it alone.", d->name,
                                 devnode);
                return 0;
        }

        /* Key times on the clock sd-event's timers run on. */
        r = libevdev_set_clock_id(d->evdev, CLOCK_MONOTONIC);
        if (r < 0) {
                log_warning_errno(-r, "%s: cannot have its events timed on CLOCK_MONOTONIC: %m", d->name);
                return 0;
        }
        if (map->grab) {
                r = libevdev_grab(d->evdev, LIBEVDEV_GRAB);
                if (r < 0)
                        log_warning_errno(-r, "%s: cannot have it alone (grab = true), sharing it: %m", d->name);
                d->grabbed = r >= 0;
        }
        r = sd_event_add_io(in->event, &d->io, d->fd, EPOLLIN, on_readable, d);
        if (r < 0) {
                log_error_errno(r, "%s: cannot watch it: %m", d->name);
                return 0;
        }

        struct device **v = reallocarray(in->devices, in->n_devices + 1, sizeof *v);
        if (!v)
                return -ENOMEM;
        in->devices = v;
        in->devices[in->n_devices++] = d;
        log_info("Reading the buttons of %s (%s)%s.", d->name, devnode, d->grabbed ? ", alone" : "");
        d = NULL;
        return 0;
}

static bool is_event_node(sd_device *dev, const char **ret) {
        const char *devnode;
        if (sd_device_get_devname(dev, &devnode) < 0 ||
            strncmp(devnode, "/dev/input/event", strlen("/dev/input/event")) != 0)
                return false;
        *ret = devnode;
        return true;
}

/* Said once for every device that cannot be read, not once a device: a desktop has dozens. */
static void denied(unsigned n) {
        if (n > 0)
                log_warning("Cannot read %u input device%s: permission denied. To use their buttons, run the daemon "
                            "in group input (the system service is).",
                            n, n == 1 ? "" : "s");
}

static int on_uevent(sd_device_monitor *m, sd_device *dev, void *userdata) {
        struct input *in = userdata;
        sd_device_action_t action;
        const char *devnode;
        struct device *d;

        if (!is_event_node(dev, &devnode) || sd_device_get_action(dev, &action) < 0)
                return 0;
        d = device_find(in, devnode);
        if (action == SD_DEVICE_REMOVE && d) {
                log_info("Input device %s (%s) went away.", d->name, d->devnode);
                device_remove(in, d);
        } else if (action == SD_DEVICE_ADD) {
                int r = device_add(in, devnode);
                if (r == -ENOMEM)
                        log_oom();
                denied(r == -EACCES);
        }
        return 0;
}

static void close_all(struct input *in) {
        for (size_t i = 0; i < in->n_devices; i++)
                device_free(in->devices[i]);
        in->n_devices = 0;
}

static int watch(struct input *in) {
        _cleanup_(sd_device_enumerator_unrefp) sd_device_enumerator *e = NULL;
        unsigned n_denied = 0;
        int r;

        if (!in->monitor) { /* first, so that nothing plugged in meanwhile is missed */
                r = sd_device_monitor_new(&in->monitor);
                if (r >= 0)
                        r = sd_device_monitor_filter_add_match_subsystem_devtype(in->monitor, "input", NULL);
                if (r >= 0)
                        r = sd_device_monitor_attach_event(in->monitor, in->event);
                if (r >= 0)
                        r = sd_device_monitor_start(in->monitor, on_uevent, in);
                if (r < 0) {
                        log_warning_errno(r, "Cannot watch for input devices plugged in later: %m");
                        in->monitor = sd_device_monitor_unref(in->monitor);
                }
        }
        r = sd_device_enumerator_new(&e);
        if (r >= 0)
                r = sd_device_enumerator_add_match_subsystem(e, "input", true);
        if (r < 0) {
                log_warning_errno(r, "Cannot list the input devices: %m");
                return r == -ENOMEM ? r : 0;
        }
        for (sd_device *dev = sd_device_enumerator_get_device_first(e); dev;
             dev = sd_device_enumerator_get_device_next(e)) {
                const char *devnode;
                if (!is_event_node(dev, &devnode))
                        continue;
                r = device_add(in, devnode);
                if (r == -EACCES)
                        n_denied++;
                else if (r < 0)
                        return r;
        }
        denied(n_denied);
        return 0;
}

int input_set_map(struct input *in, const struct buttons *map) {
        struct buttons copy;
        int r = buttons_copy(&copy, map);
        if (r < 0)
                return r;

        close_all(in);
        buttons_done(&in->map);
        in->map = copy;
        in->mapped = (map->all || map->devices) && (map->n_keys > 0 || map->dial >= 0);
        if (!in->mapped) {
                in->monitor = sd_device_monitor_unref(in->monitor);
                return 0;
        }
        return watch(in);
}

const struct buttons *input_map(const struct input *in) {
        return &in->map;
}

size_t input_devices(const struct input *in, struct input_device_info *ret, size_t n) {
        for (size_t i = 0; i < in->n_devices && i < n; i++) {
                const struct device *d = in->devices[i];
                ret[i] = (struct input_device_info){
                        .name = d->name,
                        .devnode = d->devnode,
                        .grabbed = d->grabbed,
                        .dial = d->dial,
                        .n_keys = d->press.n_keys,
                };
                for (size_t k = 0; k < d->press.n_keys; k++)
                        ret[i].keys[k] = d->press.keys[k].code;
        }
        return in->n_devices;
}

int input_new(sd_event *e, input_action_fn act, void *userdata, struct input **ret) {
        struct input *in = calloc(1, sizeof *in);
        if (!in)
                return -ENOMEM;
        *in = (struct input){ .event = sd_event_ref(e), .act = act, .userdata = userdata };
        buttons_none(&in->map);
        *ret = in;
        return 0;
}

void input_free(struct input *in) {
        if (!in)
                return;
        close_all(in);
        free(in->devices);
        sd_device_monitor_unref(in->monitor);
        buttons_done(&in->map);
        sd_event_unref(in->event);
        free(in);
}
