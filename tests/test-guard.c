/* Who may ask tiptoed-web what (src/web/guard.c): this box's own address without a token
 * but only by a loopback name; the LAN with the daemon's token, by cookie or Bearer;
 * another site never. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "guard.h"

#define TOKEN "0123456789abcdef0123456789abcdef"

static enum guard_verdict check(struct guard_request r) {
        if (!r.token)
                r.token = TOKEN;
        r.needs_pairing = true;
        return guard_check(&r);
}

static void test_loopback_needs_no_token(void **state) {
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "localhost:8474" }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "127.0.0.1:8474" }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "127.1.2.3" }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "[::1]:8474" }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "LOCALHOST" }), GUARD_ALLOW);
}

/* A site that points its own name at 127.0.0.1 reaches loopback by that name: refused. */
static void test_loopback_by_another_name(void **state) {
        static const char *const hosts[] = { "evil.example:8474",
                                             "127.0.0.1.evil.example",
                                             "localhost.evil.example",
                                             "[::1]x",
                                             "127.0.0.1:80x",
                                             "[::2]:8474",
                                             "",
                                             "0x7f.0.0.1" };
        for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
                assert_int_equal(check((struct guard_request){ .loopback = true, .host = hosts[i] }), GUARD_BAD_HOST);
        assert_int_equal(check((struct guard_request){ .loopback = true }), GUARD_BAD_HOST); /* no Host */
}

static void test_lan_needs_the_token(void **state) {
        const char *host = "192.168.1.20:8474";

        assert_int_equal(check((struct guard_request){ .host = host }), GUARD_UNPAIRED);
        assert_int_equal(check((struct guard_request){ .host = host, .cookie = TOKEN }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .host = host, .authorization = "Bearer " TOKEN }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .host = host, .authorization = "bearer  " TOKEN }), GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .host = host, .cookie = "0123456789abcdef0123456789abcdee" }),
                         GUARD_UNPAIRED);
        assert_int_equal(check((struct guard_request){ .host = host, .cookie = TOKEN "0" }), GUARD_UNPAIRED);
        assert_int_equal(check((struct guard_request){ .host = host, .cookie = "0123" }), GUARD_UNPAIRED);
        assert_int_equal(check((struct guard_request){ .host = host, .authorization = "Basic " TOKEN }),
                         GUARD_UNPAIRED);
        /* The daemon's own name for it is what counts: "localhost" from the LAN is no way in. */
        assert_int_equal(check((struct guard_request){ .host = "localhost:8474" }), GUARD_UNPAIRED);
        /* The page's own files are the pairing form: served without a token. */
        struct guard_request files = { .host = host, .token = TOKEN };
        assert_int_equal(guard_check(&files), GUARD_ALLOW);
        /* A daemon that has not said its token lets no one in from the LAN. */
        struct guard_request unknown = { .host = host, .needs_pairing = true, .cookie = TOKEN };
        assert_int_equal(guard_check(&unknown), GUARD_TOKEN_UNKNOWN);
}

static void test_cross_site_refused(void **state) {
        assert_int_equal(
                check((struct guard_request){ .loopback = true, .host = "localhost:8474", .fetch_site = "cross-site" }),
                GUARD_CROSS_SITE);
        assert_int_equal(
                check((struct guard_request){ .loopback = true, .host = "localhost:8474", .fetch_site = "same-site" }),
                GUARD_CROSS_SITE);
        assert_int_equal(check((struct guard_request){
                                 .loopback = true, .host = "localhost:8474", .origin = "http://evil.example" }),
                         GUARD_CROSS_SITE);
        assert_int_equal(check((struct guard_request){
                                 .loopback = true, .host = "localhost:8474", .origin = "http://localhost:8475" }),
                         GUARD_CROSS_SITE);
        assert_int_equal(check((struct guard_request){ .loopback = true, .host = "localhost:8474", .origin = "null" }),
                         GUARD_CROSS_SITE);
        /* With the token too: a paired phone's cookie does not make another site's request good. */
        assert_int_equal(check((struct guard_request){
                                 .host = "10.0.0.2:8474", .cookie = TOKEN, .origin = "http://evil.example" }),
                         GUARD_CROSS_SITE);
        /* The page's own requests. */
        assert_int_equal(check((struct guard_request){ .loopback = true,
                                                       .host = "localhost:8474",
                                                       .origin = "http://localhost:8474",
                                                       .fetch_site = "same-origin" }),
                         GUARD_ALLOW);
        assert_int_equal(check((struct guard_request){ .host = "10.0.0.2:8474",
                                                       .cookie = TOKEN,
                                                       .origin = "http://10.0.0.2:8474",
                                                       .fetch_site = "same-origin" }),
                         GUARD_ALLOW);
        assert_int_equal(
                check((struct guard_request){ .loopback = true, .host = "localhost:8474", .fetch_site = "none" }),
                GUARD_ALLOW); /* typed into the address bar */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_loopback_needs_no_token),
                cmocka_unit_test(test_loopback_by_another_name),
                cmocka_unit_test(test_lan_needs_the_token),
                cmocka_unit_test(test_cross_site_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
