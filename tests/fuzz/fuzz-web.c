/* libFuzzer target: any bytes as what a browser, or anything else, sends tiptoed-web. Each
 * request must be answered or the connection closed, and the server must never crash,
 * leak, read out of bounds or stop serving. Built and run by `make fuzz`.
 *
 * The server is the real one (src/web/server.c, guard.c, the built-in page) on its own
 * sd-event loop. The daemon's side is a stand-in: the link below knows the real actions'
 * names, answers every call a moment later (so that each request is suspended and resumed
 * as with a real daemon), and says its state and token. An input's first byte says where
 * the connection comes from (even: loopback, odd: the LAN) and how many events to send
 * to listening pages afterwards; the rest is written to the server as one client's bytes,
 * through one end of a socket pair that the server is handed as an accepted connection. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "link.h"
#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TOKEN "0123456789abcdef0123456789abcdef"

struct link {
        int unused;
};

struct answer {
        link_reply_t reply;
        void *userdata;
        sd_event_source *source;
};

static sd_event *event;
static sd_bus *bus; /* never started: it only makes the slots that stand for calls */

const char *link_state(const struct link *l) {
        return "{\"Daemon\":true,\"State\":\"running\",\"Exercise\":\"Heel raises\",\"Position\":1000000}";
}

const char *link_token(const struct link *l) {
        return TOKEN;
}

enum link_kind link_action_kind(const char *action) {
        static const char *const reads[] = { "history", "schedule", "routines" };
        static const char *const changes[] = { "start",    "stop", "pause",       "resume", "toggle", "next",
                                               "previous", "skip", "cancel-skip", "snooze", "level" };
        for (size_t i = 0; i < ELEMENTSOF(reads); i++)
                if (streq(action, reads[i]))
                        return LINK_READ;
        for (size_t i = 0; i < ELEMENTSOF(changes); i++)
                if (streq(action, changes[i]))
                        return LINK_CHANGE;
        return LINK_UNKNOWN;
}

/* The slot unreffed, as the server does when the answer has come or the page has left:
 * the call is over, and its answer, if still to come, never comes. */
static void cancel(void *userdata) {
        struct answer *a = userdata;

        sd_event_source_disable_unref(a->source);
        free(a);
}

static int on_answer(sd_event_source *s, void *userdata) {
        struct answer *a = userdata;

        a->reply(200, "{}", a->userdata); /* the server unrefs the slot: cancel() frees a */
        return 0;
}

static int no_message(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        return 0;
}

int link_call(struct link *l, const char *action, const char *arg, link_reply_t reply, void *userdata,
              sd_bus_slot **ret_slot) {
        struct answer *a;

        if (link_action_kind(action) == LINK_UNKNOWN)
                return -EINVAL;
        if (streq(action, "snooze") && (!arg || !*arg)) { /* answered at once, as the real link does */
                reply(400, "{\"error\":\"org.freedesktop.DBus.Error.InvalidArgs\"}", userdata);
                return 0;
        }
        a = calloc(1, sizeof *a);
        if (!a)
                return -ENOMEM;
        *a = (struct answer){ .reply = reply, .userdata = userdata };
        if (sd_event_add_defer(event, &a->source, on_answer, a) < 0 ||
            sd_bus_add_filter(bus, ret_slot, no_message, a) < 0)
                abort();
        sd_bus_slot_set_destroy_callback(*ret_slot, cancel);
        return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static struct server *server;
        static struct link link;
        struct sockaddr_in from = { .sin_family = AF_INET };
        char buf[65536];
        int pair[2];

        if (!server) {
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                struct sockaddr_in any = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

                if (fd < 0 || bind(fd, (struct sockaddr *) &any, sizeof any) < 0 || listen(fd, 4) < 0 ||
                    sd_event_default(&event) < 0 || sd_bus_new(&bus) < 0 || server_new(event, fd, &link, &server) < 0)
                        abort();
        }
        if (size < 1)
                return 0;
        from.sin_addr.s_addr = htonl(data[0] & 1 ? 0x0a000002 : INADDR_LOOPBACK);
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, pair) < 0)
                abort();
        if (server_take(server, pair[0], (struct sockaddr *) &from, sizeof from) < 0) {
                close(pair[0]);
                close(pair[1]);
                return 0;
        }
        (void) !write(pair[1], data + 1, size - 1);
        shutdown(pair[1], SHUT_WR);
        /* Until the server has answered and closed, or has nothing more to do. */
        for (unsigned turn = 0; turn < 64; turn++) {
                ssize_t n = read(pair[1], buf, sizeof buf);

                if (n == 0)
                        break;
                if (turn == 8)
                        for (unsigned i = 0; i < (data[0] >> 1) % 4; i++)
                                server_event(server, "cue", "{\"position\":1,\"kind\":\"count\",\"text\":\"1\"}");
                if (sd_event_run(event, 0) < 0)
                        abort();
        }
        close(pair[1]); /* a page that left: its stream ends at the next event */
        server_event(server, "state", link_state(&link));
        for (unsigned turn = 0; turn < 8; turn++)
                sd_event_run(event, 0);
        return 0;
}
