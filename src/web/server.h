/* The HTTP side of tiptoed-web: libmicrohttpd driven by the web's sd-event loop through
 * its epoll descriptor, never a thread of its own. It serves the page's files (built
 * in), the daemon's state and its events (server-sent, one stream per page open), and
 * hands the page's buttons to the link, each request suspended until the daemon answers.
 * Every response carries a strict Content-Security-Policy; guard.h says who may ask what. */
#pragma once

#include <sys/socket.h>
#include <systemd/sd-event.h>

#include "link.h"
#include "util.h"

struct server;

/* Serves on listen_fd (bound and listening; the server owns it from here on). */
int server_new(sd_event *e, int listen_fd, struct link *link, struct server **ret);
void server_free(struct server *s);
DEFINE_POINTER_CLEANUP(struct server, server_free)

/* An event for every page listening: its name and JSON data. */
void server_event(struct server *s, const char *name, const char *json);
/* Serves a connection accepted elsewhere, from the peer addr says (tests/fuzz/fuzz-web:
 * one end of a socket pair, as from loopback or the LAN). 0, or -EIO. */
int server_take(struct server *s, int fd, const struct sockaddr *addr, socklen_t size);
/* How many pages are listening. */
unsigned server_streams(const struct server *s);
