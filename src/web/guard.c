#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "guard.h"
#include "util.h"

/* host is HOST or HOST:PORT, HOST a name, an IPv4 address or a bracketed IPv6 one. */
static bool host_is_loopback(const char *host) {
        size_t n;

        if (host[0] == '[') {
                n = strcspn(host, "]");
                return n == 4 && strncmp(host, "[::1", 4) == 0 && (host[5] == '\0' || host[5] == ':');
        }
        n = strcspn(host, ":");
        if (host[n] == ':' && strspn(host + n + 1, "0123456789") != strlen(host + n + 1))
                return false;
        if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
                return true;
        if (n < 4 || strncmp(host, "127.", 4) != 0 || strspn(host, "0123456789.") < n)
                return false;
        return true;
}

/* Origin is "http://" and the Host the browser sent, when the page is this server's. */
static bool origin_is_host(const char *origin, const char *host) {
        return strncmp(origin, "http://", 7) == 0 && strcasecmp(origin + 7, host) == 0;
}

/* Every byte compared, wherever the first difference is: no timing to learn from. Every
 * token is as long, so its length tells nothing. */
static bool same_token(const char *a, const char *b) {
        size_t n = strlen(b);
        unsigned char diff = 0;

        if (strlen(a) != n)
                return false;
        for (size_t i = 0; i < n; i++)
                diff |= (unsigned char) (a[i] ^ b[i]);
        return diff == 0;
}

const char *guard_token(const struct guard_request *r) {
        if (r->cookie && *r->cookie)
                return r->cookie;
        if (r->authorization && strncasecmp(r->authorization, "Bearer ", 7) == 0)
                return r->authorization + 7 + strspn(r->authorization + 7, " ");
        return NULL;
}

enum guard_verdict guard_check(const struct guard_request *r) {
        const char *token;

        if (!r->host || !*r->host || strlen(r->host) > 255)
                return GUARD_BAD_HOST;
        if (r->loopback && !host_is_loopback(r->host))
                return GUARD_BAD_HOST;
        if (r->fetch_site && !streq(r->fetch_site, "same-origin") && !streq(r->fetch_site, "none"))
                return GUARD_CROSS_SITE;
        if (r->origin && !origin_is_host(r->origin, r->host))
                return GUARD_CROSS_SITE;
        if (r->loopback || !r->needs_pairing)
                return GUARD_ALLOW;
        if (!r->token)
                return GUARD_TOKEN_UNKNOWN;
        token = guard_token(r);
        return token && same_token(token, r->token) ? GUARD_ALLOW : GUARD_UNPAIRED;
}

const char *guard_verdict_to_string(enum guard_verdict v) {
        static const char *const names[] = {
                [GUARD_ALLOW] = "allowed",
                [GUARD_BAD_HOST] = "this box is reached here only as localhost",
                [GUARD_CROSS_SITE] = "a request from another site is refused",
                [GUARD_UNPAIRED] = "this device is not paired: run 'tiptoectl web-token' on the box and type the token "
                                   "into the page",
                [GUARD_TOKEN_UNKNOWN] =
                        "the daemon has not given the pairing token: is tiptoed running, and may this user control it?",
        };
        return v < ELEMENTSOF(names) ? names[v] : "refused";
}
