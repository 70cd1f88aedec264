/* uinput-remote: a virtual input device, made with /dev/uinput, that presses its keys as
 * told on standard input; the box's tests use it as a remote, a rotary dial and a keyboard.
 *
 *   uinput-remote [--keyboard] NAME
 *
 * A remote has the media keys, BTN_0 and REL_DIAL; a keyboard has letters, Enter and
 * Space. Once the device is there, its node is printed ("/dev/input/event3"). Then each
 * line is a command, done before the next is read:
 *
 *   tap KEY [MS]      down, MS (60) held, up
 *   double KEY        two taps of 60 ms, 120 ms apart
 *   down KEY, up KEY  one edge
 *   bounce KEY        down with contact chatter: down, up, down within 6 ms
 *   turn N            N steps of the dial (negative: the other way)
 *   sleep MS
 *
 * Every event is followed by SYN_REPORT, as a driver sends them. At the end of the input
 * the device goes away, as a remote unplugged. Exits 0, or 1 with a message. */
#include <errno.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct libevdev_uinput *device;

static void sleep_ms(long ms) {
        struct timespec t = { ms / 1000, ms % 1000 * 1000000 };
        while (nanosleep(&t, &t) < 0 && errno == EINTR)
                ;
}

static int emit(unsigned type, unsigned code, int value) {
        int r = libevdev_uinput_write_event(device, type, code, value);
        if (r >= 0)
                r = libevdev_uinput_write_event(device, EV_SYN, SYN_REPORT, 0);
        return r;
}

static int key(const char *name, int value) {
        int code = name ? libevdev_event_code_from_name(EV_KEY, name) : -1;
        if (code < 0) {
                fprintf(stderr, "uinput-remote: no key \"%s\"\n", name ? name : "");
                return -EINVAL;
        }
        return emit(EV_KEY, (unsigned) code, value);
}

static int tap(const char *name, long ms) {
        int r = key(name, 1);
        if (r < 0)
                return r;
        sleep_ms(ms);
        return key(name, 0);
}

static int command(char *line) {
        char *verb = strtok(line, " \t\n"), *arg = strtok(NULL, " \t\n"), *more = strtok(NULL, " \t\n");
        int r;

        if (!verb)
                return 0;
        if (!strcmp(verb, "tap"))
                return tap(arg, more ? atol(more) : 60);
        if (!strcmp(verb, "double")) {
                r = tap(arg, 60);
                if (r < 0)
                        return r;
                sleep_ms(120);
                return tap(arg, 60);
        }
        if (!strcmp(verb, "down") || !strcmp(verb, "up"))
                return key(arg, !strcmp(verb, "down"));
        if (!strcmp(verb, "bounce")) {
                for (int i = 0; i < 3; i++) {
                        r = key(arg, i % 2 == 0);
                        if (r < 0)
                                return r;
                        sleep_ms(2);
                }
                return 0;
        }
        if (!strcmp(verb, "turn") && arg)
                return emit(EV_REL, REL_DIAL, atoi(arg));
        if (!strcmp(verb, "sleep") && arg) {
                sleep_ms(atol(arg));
                return 0;
        }
        fprintf(stderr, "uinput-remote: unknown command \"%s\"\n", verb);
        return -EINVAL;
}

int main(int argc, char *argv[]) {
        static const unsigned remote_keys[] = { KEY_PLAYPAUSE, KEY_PLAY,       KEY_PAUSE,
                                                KEY_STOPCD,    KEY_NEXTSONG,   KEY_PREVIOUSSONG,
                                                KEY_VOLUMEUP,  KEY_VOLUMEDOWN, BTN_0 };
        bool keyboard = argc == 3 && !strcmp(argv[1], "--keyboard");
        struct libevdev *dev = libevdev_new();
        char line[256];
        int r;

        if (argc != 2 + keyboard) {
                fprintf(stderr, "usage: uinput-remote [--keyboard] NAME\n");
                return 1;
        }
        libevdev_set_name(dev, argv[argc - 1]);
        libevdev_set_id_bustype(dev, BUS_USB);
        libevdev_enable_event_type(dev, EV_KEY);
        if (keyboard) {
                for (unsigned c = KEY_Q; c <= KEY_M; c++)
                        libevdev_enable_event_code(dev, EV_KEY, c, NULL);
                libevdev_enable_event_code(dev, EV_KEY, KEY_ENTER, NULL);
                libevdev_enable_event_code(dev, EV_KEY, KEY_SPACE, NULL);
        } else {
                for (size_t i = 0; i < sizeof remote_keys / sizeof *remote_keys; i++)
                        libevdev_enable_event_code(dev, EV_KEY, remote_keys[i], NULL);
                libevdev_enable_event_type(dev, EV_REL);
                libevdev_enable_event_code(dev, EV_REL, REL_DIAL, NULL);
        }
        r = libevdev_uinput_create_from_device(dev, LIBEVDEV_UINPUT_OPEN_MANAGED, &device);
        if (r < 0) {
                fprintf(stderr, "uinput-remote: cannot create the device: %s\n", strerror(-r));
                return 1;
        }
        printf("%s\n", libevdev_uinput_get_devnode(device) ?: "?");
        fflush(stdout);

        while (fgets(line, sizeof line, stdin)) {
                r = command(line);
                if (r < 0) {
                        fprintf(stderr, "uinput-remote: %s\n", strerror(-r));
                        break;
                }
        }
        libevdev_uinput_destroy(device);
        libevdev_free(dev);
        return r < 0;
}
