/* Who may ask tiptoed-web what: a pure function of what a request says about itself, so
 * that tests and the fuzzer can put any request to it.
 *
 * - From this box's own address (loopback) no token is asked: whoever can open a socket
 *   here can run tiptoectl too. Its Host must then name loopback (localhost, 127.x, [::1]),
 *   or a page on another site could reach it by rebinding its own name to 127.0.0.1.
 * - From anywhere else, the API and the events need the pairing token (tiptoectl
 *   web-token), in the cookie the page sets when paired, or as "Authorization: Bearer".
 * - A browser's request made by another site (Sec-Fetch-Site cross-site or same-site, an
 *   Origin other than this host) is refused, whatever it carries. */
#pragma once

#include <stdbool.h>

enum guard_verdict {
        GUARD_ALLOW,
        GUARD_BAD_HOST,      /* 421: loopback reached by another name */
        GUARD_CROSS_SITE,    /* 403 */
        GUARD_UNPAIRED,      /* 401: no token, or not the daemon's */
        GUARD_TOKEN_UNKNOWN, /* 503: the daemon has not said its token */
};

struct guard_request {
        bool loopback;      /* the peer's address is this box's own */
        bool needs_pairing; /* the API or the events, not the page's files */
        const char *host;   /* Host:, NULL if none */
        const char *origin, *fetch_site;
        const char *cookie;        /* the tiptoed-token cookie's value */
        const char *authorization; /* the header, whole */
        const char *token;         /* the daemon's; NULL while not known */
};

enum guard_verdict guard_check(const struct guard_request *r);
/* The token the request carries, from the cookie or the Bearer header; NULL if none. */
const char *guard_token(const struct guard_request *r);
const char *guard_verdict_to_string(enum guard_verdict v);
