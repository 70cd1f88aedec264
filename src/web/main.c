/* tiptoed-web: the page on a phone for a box with no screen. A separate program that
 * talks to tiptoed over D-Bus exactly as tiptoectl does, so the daemon stays as sandboxed
 * as it is and the page can do nothing the bus policy does not let this program's user do.
 *
 *   tiptoed-web [--system] [--listen ADDRESS:PORT] [-v]
 *
 * It serves the socket systemd passes it (tiptoed-web.socket), or else listens on
 * ADDRESS:PORT, 127.0.0.1:8474 unless told otherwise. Exit 0 on SIGTERM, 64 on a usage
 * error, 69 with no bus, 71 when it cannot listen. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sysexits.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "link.h"
#include "log.h"
#include "server.h"

#define DEFAULT_LISTEN "127.0.0.1:8474"

/* userdata: main()'s server, NULL until it is made. */
static void on_event(const char *name, const char *json, void *userdata) {
        struct server **server = userdata;

        if (*server)
                server_event(*server, name, json);
}

/* ADDRESS:PORT, the address numeric ([::] for IPv6); 0 for a free port. */
static int listen_on(const char *spec, int *ret) {
        _cleanup_free_ char *host = NULL;
        struct addrinfo hints = { .ai_family = AF_UNSPEC,
                                  .ai_socktype = SOCK_STREAM,
                                  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
        struct addrinfo *ai;
        const char *colon = strrchr(spec, ':');
        int fd, r, one = 1;

        if (!colon || colon == spec || !colon[1])
                return -EINVAL;
        host = spec[0] == '[' && colon[-1] == ']' ? strndup(spec + 1, (size_t) (colon - spec - 2))
                                                  : strndup(spec, (size_t) (colon - spec));
        if (!host)
                return -ENOMEM;
        r = getaddrinfo(host, colon + 1, &hints, &ai);
        if (r != 0)
                return -EINVAL;
        fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
                freeaddrinfo(ai);
                return -errno;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        r = bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 64) < 0 ? -errno : 0;
        freeaddrinfo(ai);
        if (r < 0) {
                close(fd);
                return r;
        }
        *ret = fd;
        return 0;
}

/* Says where it listens, the port as bound: a test or a person asking for port 0 reads it here. */
static void say_where(int fd) {
        struct sockaddr_storage ss;
        socklen_t n = sizeof ss;
        char host[INET6_ADDRSTRLEN], port[8];

        if (getsockname(fd, (struct sockaddr *) &ss, &n) < 0 ||
            getnameinfo((struct sockaddr *) &ss, n, host, sizeof host, port, sizeof port,
                        NI_NUMERICHOST | NI_NUMERICSERV) != 0)
                return;
        log_info("Listening on http://%s%s%s:%s/", ss.ss_family == AF_INET6 ? "[" : "", host,
                 ss.ss_family == AF_INET6 ? "]" : "", port);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        return sd_event_exit(sd_event_source_get_event(s), 0);
}

static void help(void) {
        printf("Usage: tiptoed-web [--system] [--listen ADDRESS:PORT] [-v]\n"
               "The page on a phone for tiptoed: start, pause, the exercise live, the schedule, the history.\n\n"
               "      --system              the daemon on the system bus (a speaker box)\n"
               "      --listen ADDRESS:PORT where to listen (default " DEFAULT_LISTEN
               ", or the socket systemd passes);\n"
               "                            another address than this box's own asks for the pairing token\n"
               "  -v, --verbose             say more\n"
               "  -h, --help                show this help\n"
               "      --version             show the version\n");
}

int main(int argc, char *argv[]) {
        enum { ARG_SYSTEM = 0x100, ARG_LISTEN, ARG_VERSION };
        static const struct option options[] = {
                { "system", no_argument, NULL, ARG_SYSTEM },   { "listen", required_argument, NULL, ARG_LISTEN },
                { "verbose", no_argument, NULL, 'v' },         { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION }, {}
        };
        _cleanup_(sd_event_unrefp) sd_event *e = NULL;
        _cleanup_(link_freep) struct link *link = NULL;
        _cleanup_(server_freep) struct server *server = NULL;
        const char *listen_spec = DEFAULT_LISTEN;
        sigset_t mask;
        bool system = false;
        int c, fd = -1, r;

        log_setup();
        while ((c = getopt_long(argc, argv, "vh", options, NULL)) >= 0)
                switch (c) {
                case ARG_SYSTEM:
                        system = true;
                        break;
                case ARG_LISTEN:
                        listen_spec = optarg;
                        break;
                case 'v':
                        log_max_level = LOG_DEBUG;
                        break;
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        puts("tiptoed-web " PACKAGE_VERSION);
                        return 0;
                default:
                        return EX_USAGE;
                }
        if (optind < argc) {
                fprintf(stderr, "tiptoed-web: unexpected argument '%s'\nTry 'tiptoed-web --help'.\n", argv[optind]);
                return EX_USAGE;
        }

        r = sd_listen_fds(true);
        if (r > 1) {
                log_error("systemd passed %d sockets: tiptoed-web serves one (ListenStream= once in its socket unit).",
                          r);
                return EX_USAGE;
        }
        if (r == 1)
                fd = SD_LISTEN_FDS_START;
        else {
                r = listen_on(listen_spec, &fd);
                if (r == -EINVAL) {
                        fprintf(stderr,
                                "tiptoed-web: --listen %s: give a numeric ADDRESS:PORT, such as 127.0.0.1:8474, "
                                "0.0.0.0:8474 for the LAN, or [::]:8474.\n",
                                listen_spec);
                        return EX_USAGE;
                }
                if (r < 0) {
                        log_error_errno(r, "Failed to listen on %s: %m", listen_spec);
                        return EX_OSERR;
                }
        }
        say_where(fd);

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigprocmask(SIG_BLOCK, &mask, NULL);
        signal(SIGPIPE, SIG_IGN);
        r = sd_event_default(&e);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGTERM, on_signal, NULL);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGINT, on_signal, NULL);
        if (r < 0) {
                log_error_errno(r, "Failed to make an event loop: %m");
                close(fd);
                return EX_OSERR;
        }

        r = link_new(e, system, on_event, &server, &link);
        if (r < 0) {
                close(fd);
                return EX_UNAVAILABLE;
        }
        r = server_new(e, fd, link, &server);
        if (r < 0)
                return EX_OSERR;
        sd_notify(false, "READY=1");
        r = sd_event_loop(e);
        sd_notify(false, "STOPPING=1");
        return r < 0 ? EX_SOFTWARE : 0;
}
