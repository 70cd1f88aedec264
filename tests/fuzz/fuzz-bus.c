/* libFuzzer target: any bytes as a run of D-Bus method calls on the daemon's objects,
 * org.tiptoed.Coach1 and MPRIS, with the arguments their signatures ask for or with others.
 * Each call must be answered, with a reply or an error, and the daemon must never crash,
 * leak or read out of bounds. Built and run by `make fuzz`.
 *
 * The daemon is the real one (daemon_setup(), bus_serve()), playing into no device, on a
 * private connection: a socket pair, its end serving, the other calling. State carries over
 * from one input to the next, as it would for a daemon that many clients talk to.
 *
 * An input is a list of calls. A call is one byte choosing the method, one whose low bit
 * says whether to send the method's own signature or one made of the next bytes, then the
 * arguments: 's' and 'o' a length byte and that many bytes, numbers their size in bytes. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bus.h"
#include "mpris.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct call {
        const char *path, *interface, *member, *signature;
} calls[] = {
        { BUS_PATH, BUS_INTERFACE, "Start", "s" },
        { BUS_PATH, BUS_INTERFACE, "Stop", "" },
        { BUS_PATH, BUS_INTERFACE, "Pause", "" },
        { BUS_PATH, BUS_INTERFACE, "Resume", "" },
        { BUS_PATH, BUS_INTERFACE, "TogglePause", "" },
        { BUS_PATH, BUS_INTERFACE, "Next", "" },
        { BUS_PATH, BUS_INTERFACE, "Previous", "" },
        { BUS_PATH, BUS_INTERFACE, "Repeat", "" },
        { BUS_PATH, BUS_INTERFACE, "NextExercise", "" },
        { BUS_PATH, BUS_INTERFACE, "PreviousExercise", "" },
        { BUS_PATH, BUS_INTERFACE, "Reload", "" },
        { BUS_PATH, BUS_INTERFACE, "ListRoutines", "" },
        { BUS_PATH, BUS_INTERFACE, "GetPlan", "s" },
        { BUS_PATH, BUS_INTERFACE, "Snooze", "u" },
        { BUS_PATH, BUS_INTERFACE, "SkipNextRun", "" },
        { BUS_PATH, BUS_INTERFACE, "CancelSkip", "" },
        { BUS_PATH, BUS_INTERFACE, "GetSchedule", "u" },
        { BUS_PATH, BUS_INTERFACE, "GetHistory", "" },
        { BUS_PATH, BUS_INTERFACE, "GetWebToken", "" },
        { BUS_PATH, BUS_INTERFACE, "NewWebToken", "" },
        { BUS_PATH, "org.freedesktop.DBus.Properties", "Get", "ss" },
        { BUS_PATH, "org.freedesktop.DBus.Properties", "GetAll", "s" },
        { BUS_PATH, "org.freedesktop.DBus.Properties", "Set", "ssv" },
        { MPRIS_PATH, MPRIS_PLAYER, "Play", "" },
        { MPRIS_PATH, MPRIS_PLAYER, "PlayPause", "" },
        { MPRIS_PATH, MPRIS_PLAYER, "Seek", "x" },
        { MPRIS_PATH, MPRIS_PLAYER, "SetPosition", "ox" },
        { MPRIS_PATH, MPRIS_PLAYER, "OpenUri", "s" },
        { MPRIS_PATH, "org.freedesktop.DBus.Properties", "Get", "ss" },
        { MPRIS_PATH, "org.freedesktop.DBus.Properties", "Set", "ssv" },
};

/* The types a made-up signature and a variant are made of. */
static const char types[] = "sudbxtoyni";

static struct daemon d = { .bus_kind = BUS_NONE };
static sd_bus *client;

struct input {
        const uint8_t *p, *end;
};

static bool take(struct input *in, void *buf, size_t n) {
        if ((size_t) (in->end - in->p) < n)
                return false;
        memcpy(buf, in->p, n);
        in->p += n;
        return true;
}

static int append_one(sd_bus_message *m, char type, struct input *in) {
        union {
                uint8_t y;
                int16_t n;
                uint32_t u;
                int32_t i;
                int64_t x;
                uint64_t t;
                double d;
        } v = {};
        char s[256];
        uint8_t len = 0;

        switch (type) {
        case 's':
        case 'o':
                if (!take(in, &len, 1))
                        return -ENODATA;
                len = MIN((size_t) len, (size_t) (in->end - in->p));
                take(in, s, len);
                s[len] = 0;
                return sd_bus_message_append_basic(m, type, s);
        case 'b':
                take(in, &v.y, 1);
                v.i = v.y & 1;
                return sd_bus_message_append_basic(m, type, &v.i);
        case 'y':
                take(in, &v.y, 1);
                return sd_bus_message_append_basic(m, type, &v.y);
        case 'n':
                take(in, &v.n, 2);
                return sd_bus_message_append_basic(m, type, &v.n);
        case 'u':
        case 'i':
                take(in, &v.u, 4);
                return sd_bus_message_append_basic(m, type, &v.u);
        default: /* x t d */
                take(in, &v.t, 8);
                return sd_bus_message_append_basic(m, type, &v.t);
        }
}

static int append_args(sd_bus_message *m, const char *signature, struct input *in) {
        for (const char *t = signature; *t; t++) {
                int r;
                if (*t == 'v') {
                        uint8_t pick = 0;
                        char inner[2] = { 0 };
                        take(in, &pick, 1);
                        inner[0] = types[pick % (sizeof types - 1)];
                        if ((r = sd_bus_message_open_container(m, 'v', inner)) < 0 ||
                            (r = append_one(m, inner[0], in)) < 0 || (r = sd_bus_message_close_container(m)) < 0)
                                return r;
                } else if ((r = append_one(m, *t, in)) < 0)
                        return r;
        }
        return 0;
}

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        *(bool *) userdata = true;
        return 0;
}

static void setup(void) {
        char state[] = "/tmp/tiptoed-fuzz-bus-XXXXXX";
        struct coach_options o = { .config = ABS_TOP_SRCDIR "/config/tiptoed.conf",
                                   .level = -1,
                                   .output = { .kind = OUTPUT_NULL },
                                   .output_set = true };
        sd_id128_t id;
        sigset_t set;
        int fds[2];

        /* The daemon takes these through its loop, as daemon_run() does. */
        sigemptyset(&set);
        sigaddset(&set, SIGTERM);
        sigaddset(&set, SIGINT);
        sigaddset(&set, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        if (!mkdtemp(state) || setenv("STATE_DIRECTORY", state, 1) < 0 ||
            socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0 || daemon_setup(&d, &o, 0) != 0)
                abort();
        if (sd_id128_randomize(&id) < 0 || sd_bus_new(&d.bus) < 0 || sd_bus_set_fd(d.bus, fds[0], fds[0]) < 0 ||
            sd_bus_set_server(d.bus, true, id) < 0 || sd_bus_set_anonymous(d.bus, true) < 0 ||
            sd_bus_start(d.bus) < 0 || bus_serve(&d) < 0)
                abort();
        if (sd_bus_new(&client) < 0 || sd_bus_set_fd(client, fds[1], fds[1]) < 0 ||
            sd_bus_set_anonymous(client, true) < 0 || sd_bus_start(client) < 0 ||
            sd_bus_attach_event(client, d.event, SD_EVENT_PRIORITY_NORMAL) < 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        struct input in = { data, data + size };
        uint8_t pick, how;

        if (!client)
                setup();
        while (take(&in, &pick, 1) && take(&in, &how, 1)) {
                const struct call *c = &calls[pick % ELEMENTSOF(calls)];
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
                _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
                char signature[5] = { 0 };
                bool answered = false;

                if (how & 1)
                        for (size_t i = 0; i < (how >> 1) % sizeof signature && take(&in, &pick, 1); i++)
                                signature[i] = types[pick % (sizeof types - 1)];
                if (sd_bus_message_new_method_call(client, &m, NULL, c->path, c->interface, c->member) < 0 ||
                    append_args(m, how & 1 ? signature : c->signature, &in) < 0 ||
                    sd_bus_call_async(client, &slot, m, on_reply, &answered, 0) < 0)
                        continue; /* not a message at all: invalid UTF-8, a bad object path */
                for (int i = 0; i < 1000 && !answered; i++)
                        sd_event_run(d.event, 10 * USEC_PER_MSEC);
                if (!answered)
                        abort(); /* a call nobody answered */
        }
        return 0;
}
