#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <microhttpd.h>

#include "assets.h"
#include "guard.h"
#include "log.h"
#include "server.h"

#define UPLOAD_MAX 4096            /* the page sends no bodies; a pairing token at most */
#define STREAM_BACKLOG (64 * 1024) /* a page this far behind is cut off; it connects again */
#define HEARTBEAT_USEC (25 * USEC_PER_SEC)
#define COOKIE "tiptoed-token"

/* Scripts, styles and images from this server only, nothing inline, no frames, no
 * plugins, forms and fetches only here. */
#define CSP                                                                                                            \
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "                \
        "manifest-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

struct stream { /* one page listening to /events */
        struct server *server;
        struct MHD_Connection *connection;
        struct stream *next, **prev;
        char *buf;
        size_t len, size;
        bool suspended, ended;
};

struct request {
        struct server *server;
        struct MHD_Connection *connection;
        size_t uploaded;
        sd_bus_slot *slot; /* the daemon's answer awaited */
        bool waiting;      /* suspended for it */
        unsigned status;   /* once answered */
        char *body;
};

struct server {
        struct MHD_Daemon *mhd;
        sd_event_source *io, *timer, *heartbeat;
        sd_event_source *kick; /* MHD_run() soon: a connection was resumed */
        struct link *link;
        struct stream *streams;
        unsigned n_streams;
};

static void run(struct server *s);

/* In an external event loop libmicrohttpd 0.9.75 wakes nothing when a connection is
 * resumed: MHD_run() must be called for it to go on. */
static void resume(struct server *s, struct MHD_Connection *c) {
        MHD_resume_connection(c);
        sd_event_source_set_enabled(s->kick, SD_EVENT_ONESHOT);
}

static void secure(struct MHD_Response *r, const char *type, bool api) {
        MHD_add_response_header(r, "Content-Type", type);
        MHD_add_response_header(r, "Content-Security-Policy", CSP);
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
        MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
        MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
        MHD_add_response_header(r, "Cache-Control", api ? "no-store" : "no-cache");
}

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *type, const void *data,
                               size_t size, enum MHD_ResponseMemoryMode mode, bool api) {
        struct MHD_Response *r = MHD_create_response_from_buffer(size, (void *) data, mode);
        enum MHD_Result ret;

        if (!r)
                return MHD_NO;
        secure(r, type, api);
        ret = MHD_queue_response(c, status, r);
        MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result respond_json(struct MHD_Connection *c, unsigned status, const char *json) {
        return respond(c, status, "application/json", json, strlen(json), MHD_RESPMEM_MUST_COPY, true);
}

/* {"error": name, "message": text}: text is ours, never the request's, so needs no escaping
 * beyond what guard and the routes write. */
static enum MHD_Result respond_error(struct MHD_Connection *c, unsigned status, const char *name, const char *text) {
        _cleanup_free_ char *json = NULL;

        if (asprintf(&json, "{\"error\":\"%s\",\"message\":\"%s\"}", name, text) < 0)
                return MHD_NO;
        return respond_json(c, status, json);
}

static enum MHD_Result not_allowed(struct MHD_Connection *c, const char *allow) {
        struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *) "", MHD_RESPMEM_PERSISTENT);
        enum MHD_Result ret;

        if (!r)
                return MHD_NO;
        secure(r, "text/plain", true);
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
        ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
        MHD_destroy_response(r);
        return ret;
}

/* Whether the peer is this box: 127.0.0.0/8, ::1, or IPv4 loopback mapped into IPv6. */
static bool peer_is_loopback(struct MHD_Connection *c) {
        const union MHD_ConnectionInfo *info = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        const struct sockaddr *sa = info ? info->client_addr : NULL;

        if (!sa)
                return false;
        if (sa->sa_family == AF_INET)
                return (ntohl(((const struct sockaddr_in *) sa)->sin_addr.s_addr) >> 24) == 127;
        if (sa->sa_family == AF_INET6) {
                const struct in6_addr *a = &((const struct sockaddr_in6 *) sa)->sin6_addr;
                return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
        }
        return sa->sa_family == AF_UNIX;
}

static const char *header(struct MHD_Connection *c, const char *name) {
        return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void guard_request(struct request *q, bool needs_pairing, struct guard_request *ret) {
        struct MHD_Connection *c = q->connection;

        *ret = (struct guard_request){
                .loopback = peer_is_loopback(c),
                .needs_pairing = needs_pairing,
                .host = header(c, MHD_HTTP_HEADER_HOST),
                .origin = header(c, "Origin"),
                .fetch_site = header(c, "Sec-Fetch-Site"),
                .cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, COOKIE),
                .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
                .token = link_token(q->server->link),
        };
}

static enum MHD_Result refuse(struct MHD_Connection *c, enum guard_verdict v) {
        static const unsigned status[] = {
                [GUARD_BAD_HOST] = 421,
                [GUARD_CROSS_SITE] = 403,
                [GUARD_UNPAIRED] = 401,
                [GUARD_TOKEN_UNKNOWN] = 503,
        };
        static const char *const names[] = {
                [GUARD_BAD_HOST] = "bad-host",
                [GUARD_CROSS_SITE] = "cross-site",
                [GUARD_UNPAIRED] = "unpaired",
                [GUARD_TOKEN_UNKNOWN] = "token-unknown",
        };
        return respond_error(c, status[v], names[v], guard_verdict_to_string(v));
}

/* The events: one stream per page, fed as the link says. */

static void stream_resume(struct stream *t) {
        if (t->suspended) {
                t->suspended = false;
                resume(t->server, t->connection);
        }
}

static void stream_end(struct stream *t) {
        t->ended = true;
        stream_resume(t);
}

static void stream_append(struct stream *t, const char *text, size_t n) {
        if (t->ended)
                return;
        if (t->len + n > STREAM_BACKLOG) {
                log_debug("A page fell %zu bytes behind its events: cut off.", t->len);
                stream_end(t);
                return;
        }
        if (t->len + n > t->size) {
                size_t size = MAX(t->size * 2, t->len + n);
                char *buf = realloc(t->buf, size);
                if (!buf) {
                        stream_end(t);
                        return;
                }
                t->buf = buf;
                t->size = size;
        }
        memcpy(t->buf + t->len, text, n);
        t->len += n;
        stream_resume(t);
}

static void stream_event(struct stream *t, const char *name, const char *json) {
        _cleanup_free_ char *text = NULL;
        int n = asprintf(&text, "event: %s\ndata: %s\n\n", name, json);

        if (n < 0)
                stream_end(t);
        else
                stream_append(t, text, (size_t) n);
}

static ssize_t stream_read(void *userdata, uint64_t pos, char *buf, size_t max) {
        struct stream *t = userdata;
        size_t n = MIN(max, t->len);

        if (n == 0 && t->ended)
                return MHD_CONTENT_READER_END_OF_STREAM;
        if (n == 0) { /* nothing to say: wait, without a wake-up, until there is */
                t->suspended = true;
                MHD_suspend_connection(t->connection);
                return 0;
        }
        memcpy(buf, t->buf, n);
        memmove(t->buf, t->buf + n, t->len - n);
        t->len -= n;
        return (ssize_t) n;
}

static void stream_free(void *userdata) {
        struct stream *t = userdata;
        struct server *s = t->server;

        *t->prev = t->next;
        if (t->next)
                t->next->prev = t->prev;
        if (--s->n_streams == 0)
                sd_event_source_set_enabled(s->heartbeat, SD_EVENT_OFF);
        free(t->buf);
        free(t);
}

static enum MHD_Result respond_stream(struct request *q) {
        struct server *s = q->server;
        struct stream *t = calloc(1, sizeof *t);
        struct MHD_Response *r;
        enum MHD_Result ret;

        if (!t)
                return MHD_NO;
        *t = (struct stream){ .server = s, .connection = q->connection };
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, t, stream_free);
        if (!r) {
                free(t);
                return MHD_NO;
        }
        t->next = s->streams;
        if (t->next)
                t->next->prev = &t->next;
        t->prev = &s->streams;
        s->streams = t;
        if (s->n_streams++ == 0)
                sd_event_source_set_enabled(s->heartbeat, SD_EVENT_ON);
        secure(r, "text/event-stream", true);
        stream_append(t, "retry: 1000\n\n", 13); /* a lost stream is opened again within a second */
        stream_event(t, "state", link_state(s->link));
        ret = MHD_queue_response(q->connection, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ret;
}

void server_event(struct server *s, const char *name, const char *json) {
        for (struct stream *t = s->streams; t; t = t->next)
                stream_event(t, name, json);
}

int server_take(struct server *s, int fd, const struct sockaddr *addr, socklen_t size) {
        if (MHD_add_connection(s->mhd, fd, addr, size) != MHD_YES)
                return -EIO;
        run(s);
        return 0;
}

unsigned server_streams(const struct server *s) {
        return s->n_streams;
}

/* A comment line now and then: a page gone without a word is found by the write failing. */
static int on_heartbeat(sd_event_source *source, uint64_t usec, void *userdata) {
        struct server *s = userdata;

        for (struct stream *t = s->streams; t; t = t->next)
                stream_append(t, ":\n\n", 3);
        sd_event_source_set_time_relative(source, HEARTBEAT_USEC);
        return 0;
}

/* The daemon's answer to a button: the request goes on. */
static void on_answer(unsigned status, const char *json, void *userdata) {
        struct request *q = userdata;

        q->status = status;
        q->body = strdup(json);
        q->slot = sd_bus_slot_unref(q->slot);
        if (q->waiting) {
                q->waiting = false;
                resume(q->server, q->connection);
        }
}

static enum MHD_Result ask_daemon(struct request *q, const char *action, const char *arg) {
        int r = link_call(q->server->link, action, arg, on_answer, q, &q->slot);

        if (r < 0)
                return respond_error(q->connection, 500, "internal", "the daemon could not be asked");
        if (q->body) /* answered at once: a bad argument */
                return respond_json(q->connection, q->status, q->body);
        q->waiting = true;
        MHD_suspend_connection(q->connection);
        return MHD_YES;
}

static const char *argument(struct MHD_Connection *c, const char *action) {
        const char *name = streq(action, "start") ? "routine" : streq(action, "snooze") ? "minutes" : "level";
        return MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result pair(struct request *q, const struct guard_request *g) {
        _cleanup_free_ char *cookie = NULL;
        const char *token = guard_token(g);
        struct MHD_Response *r;
        enum MHD_Result ret;

        r = MHD_create_response_from_buffer(2, (void *) "{}", MHD_RESPMEM_PERSISTENT);
        if (!r)
                return MHD_NO;
        secure(r, "application/json", true);
        if (token && !g->loopback) {
                if (asprintf(&cookie, COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=31536000", token) < 0) {
                        MHD_destroy_response(r);
                        return MHD_NO;
                }
                MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, cookie);
        }
        ret = MHD_queue_response(q->connection, MHD_HTTP_OK, r);
        MHD_destroy_response(r);
        return ret;
}

static enum MHD_Result route(struct request *q, const char *url, const char *method) {
        struct MHD_Connection *c = q->connection;
        bool get = streq(method, "GET") || streq(method, "HEAD"), post = streq(method, "POST");
        bool api = strncmp(url, "/api/", 5) == 0 || streq(url, "/events");
        struct guard_request g;
        enum guard_verdict v;

        guard_request(q, api, &g);
        v = guard_check(&g);
        if (v != GUARD_ALLOW)
                return refuse(c, v);
        if (q->uploaded > UPLOAD_MAX)
                return respond_error(c, 413, "too-large", "the page sends no more than a token");
        if (!api) {
                for (size_t i = 0; i < n_assets; i++)
                        if (streq(url, assets[i].path))
                                return get ? respond(c, 200, assets[i].type, assets[i].data, assets[i].size,
                                                     MHD_RESPMEM_PERSISTENT, false)
                                           : not_allowed(c, "GET, HEAD");
                return respond(c, 404, "text/plain; charset=utf-8", "Not here: the page is at /\n", 27,
                               MHD_RESPMEM_PERSISTENT, false);
        }
        if (streq(url, "/events"))
                return get ? respond_stream(q) : not_allowed(c, "GET, HEAD");
        if (streq(url, "/api/state"))
                return get ? respond_json(c, 200, link_state(q->server->link)) : not_allowed(c, "GET, HEAD");
        if (streq(url, "/api/pair"))
                return post ? pair(q, &g) : not_allowed(c, "POST");

        const char *action = url + 5;
        switch (link_action_kind(action)) {
        case LINK_READ:
                return get ? ask_daemon(q, action, NULL) : not_allowed(c, "GET, HEAD");
        case LINK_CHANGE:
                return post ? ask_daemon(q, action, argument(c, action)) : not_allowed(c, "POST");
        default:
                return respond_error(c, 404, "not-found", "no such call: see README.md, tiptoed-web");
        }
}

static enum MHD_Result on_request(void *userdata, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **context) {
        struct request *q = *context;

        if (!q) { /* the headers are in: the body, if any, comes in the calls after */
                q = calloc(1, sizeof *q);
                if (!q)
                        return MHD_NO;
                *q = (struct request){ .server = userdata, .connection = c };
                *context = q;
                return MHD_YES;
        }
        if (*upload_size > 0) { /* read and dropped: nothing here takes a body */
                q->uploaded += *upload_size;
                *upload_size = 0;
                return MHD_YES;
        }
        if (q->body) /* the daemon answered */
                return respond_json(c, q->status, q->body);
        if (q->slot || q->waiting)
                return MHD_YES;
        return route(q, url, method);
}

static void on_completed(void *userdata, struct MHD_Connection *c, void **context,
                         enum MHD_RequestTerminationCode code) {
        struct request *q = *context;

        if (!q)
                return;
        sd_bus_slot_unref(q->slot); /* a page that left before the daemon answered */
        free(q->body);
        free(q);
        *context = NULL;
}

static void on_mhd_log(void *userdata, const char *format, va_list ap) {
        _cleanup_free_ char *text = NULL;

        if (vasprintf(&text, format, ap) >= 0)
                log_debug("libmicrohttpd: %.*s", (int) strcspn(text, "\n"), text);
}

/* MHD_run() until it has nothing more to do at once (a connection resumed, written to and
 * ready again), then the timer for its next timeout, if any. */
static void run(struct server *s) {
        MHD_UNSIGNED_LONG_LONG ms = 0;
        bool timeout = false;

        for (unsigned i = 0; i < 16 && ms == 0; i++) {
                MHD_run(s->mhd);
                timeout = MHD_get_timeout(s->mhd, &ms) == MHD_YES;
                if (!timeout)
                        break;
        }
        if (timeout) {
                sd_event_source_set_time_relative(s->timer, ms * USEC_PER_MSEC);
                sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
        } else
                sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
}

static int on_io(sd_event_source *source, int fd, uint32_t revents, void *userdata) {
        run(userdata);
        return 0;
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata) {
        run(userdata);
        return 0;
}

static int on_kick(sd_event_source *source, void *userdata) {
        run(userdata);
        return 0;
}

void server_free(struct server *s) {
        if (!s)
                return;
        for (struct stream *t = s->streams; t; t = t->next)
                stream_end(t); /* no connection is left suspended for MHD_stop_daemon() */
        if (s->mhd) {
                MHD_run(s->mhd);
                MHD_stop_daemon(s->mhd);
        }
        sd_event_source_disable_unref(s->io);
        sd_event_source_disable_unref(s->timer);
        sd_event_source_disable_unref(s->heartbeat);
        sd_event_source_disable_unref(s->kick);
        free(s);
}

int server_new(sd_event *e, int listen_fd, struct link *link, struct server **ret) {
        _cleanup_(server_freep) struct server *s = calloc(1, sizeof *s);
        const union MHD_DaemonInfo *info;
        int r;

        if (!s) {
                close(listen_fd);
                return log_oom();
        }
        s->link = link;
        s->mhd = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                                  on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, MHD_OPTION_LISTEN_SOCKET,
                                  listen_fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_CONNECTION_LIMIT,
                                  64u, MHD_OPTION_PER_IP_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
                                  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 32 * 1024, MHD_OPTION_STRICT_FOR_CLIENT,
                                  1, MHD_OPTION_END);
        if (!s->mhd) {
                close(listen_fd);
                return log_error_errno(EINVAL, "Failed to start serving HTTP (libmicrohttpd refused).");
        }
        info = MHD_get_daemon_info(s->mhd, MHD_DAEMON_INFO_EPOLL_FD);
        if (!info)
                return log_error_errno(EINVAL, "libmicrohttpd has no epoll descriptor.");
        r = sd_event_add_io(e, &s->io, info->epoll_fd, EPOLLIN, on_io, s);
        if (r >= 0)
                r = sd_event_add_time_relative(e, &s->timer, CLOCK_MONOTONIC, 0, 0, on_timer, s);
        if (r >= 0)
                r = sd_event_add_time_relative(e, &s->heartbeat, CLOCK_MONOTONIC, HEARTBEAT_USEC, 0, on_heartbeat, s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s->heartbeat, SD_EVENT_OFF);
        if (r >= 0)
                r = sd_event_add_defer(e, &s->kick, on_kick, s);
        if (r >= 0)
                r = sd_event_source_set_enabled(s->kick, SD_EVENT_OFF);
        if (r < 0)
                return log_error_errno(r, "Failed to watch the HTTP sockets: %m");
        sd_event_source_set_enabled(s->timer, SD_EVENT_OFF);
        run(s);
        *ret = s;
        s = NULL;
        return 0;
}
