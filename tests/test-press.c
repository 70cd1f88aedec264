/* Presses from key events, by the events' own times: bounces, short, long and double
 * presses, keys interleaved, a device gone mid-press. */
#include <errno.h>

#include "helpers.h"
#include "press.h"

#define MS USEC_PER_MSEC
#define T0 (1000 * USEC_PER_SEC) /* the kernel's clock is never near 0 */
#define PLAY 164                 /* KEY_PLAYPAUSE */
#define NEXT 163                 /* KEY_NEXTSONG */
#define ALL (PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG) | PRESS_WANTS(PRESS_DOUBLE))

struct run {
        struct press_classifier c;
        struct press got[32];
        size_t n;
};

static void add(struct run *r, unsigned code, unsigned wants) {
        assert_int_equal(press_add_key(&r->c, code, wants), 0);
}

static void key(struct run *r, unsigned code, int value, usec_t ms) {
        r->n += press_event(&r->c, code, value, T0 + ms * MS, r->got + r->n, ELEMENTSOF(r->got) - r->n);
}

static void tick(struct run *r, usec_t ms) {
        r->n += press_tick(&r->c, T0 + ms * MS, r->got + r->n, ELEMENTSOF(r->got) - r->n);
}

/* Everything time alone still decides, as a caller following press_deadline() would. */
static void settle(struct run *r) {
        for (usec_t d; (d = press_deadline(&r->c)) != USEC_INFINITY;)
                r->n += press_tick(&r->c, d, r->got + r->n, ELEMENTSOF(r->got) - r->n);
}

static void assert_press(const struct run *r, size_t i, unsigned code, enum press_kind kind, usec_t ms) {
        assert_true(i < r->n);
        assert_int_equal(r->got[i].code, code);
        assert_int_equal(r->got[i].kind, kind);
        assert_int_equal(r->got[i].at, T0 + ms * MS);
}

/* A key with only a short press mapped decides on the press itself: a pause asked by a
 * button is not held back by the time the finger takes to lift. */
static void test_short_only_decides_on_press(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT));
        key(&r, PLAY, 1, 0);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 0);
        key(&r, PLAY, 0, 120);
        settle(&r);
        assert_int_equal(r.n, 1);
}

/* Contacts that chatter on the way down and up make one press, at the first contact. */
static void test_bounces_make_one_press(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG));
        key(&r, PLAY, 1, 0);
        key(&r, PLAY, 0, 2);
        key(&r, PLAY, 1, 4);
        key(&r, PLAY, 0, 6);
        key(&r, PLAY, 1, 9);
        assert_int_equal(r.n, 0);
        key(&r, PLAY, 0, 200);
        key(&r, PLAY, 1, 203);
        key(&r, PLAY, 0, 205);
        settle(&r);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 200);
        assert_int_equal(press_deadline(&r.c), USEC_INFINITY); /* nothing left held */
}

/* A bounce that ends with the contact open is a release, taken when it settled: the key
 * is not left down. */
static void test_bounce_ending_open_is_a_release(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG));
        key(&r, PLAY, 1, 0);
        key(&r, PLAY, 0, 3);
        key(&r, PLAY, 1, 5);
        key(&r, PLAY, 0, 7); /* the last word: open */
        assert_int_equal(press_deadline(&r.c), T0 + PRESS_DEBOUNCE_USEC);
        tick(&r, 20);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 7);
        settle(&r);
        assert_int_equal(r.n, 1);
}

/* Held past PRESS_LONG_USEC it is a long press, decided while still held; letting go
 * then decides nothing more. */
static void test_long_press_while_held(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG));
        key(&r, PLAY, 1, 0);
        assert_int_equal(press_deadline(&r.c), T0 + PRESS_LONG_USEC);
        tick(&r, 799);
        assert_int_equal(r.n, 0);
        tick(&r, 800);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_LONG, 800);
        key(&r, PLAY, 0, 1500);
        settle(&r);
        assert_int_equal(r.n, 1);
}

/* The kernel's autorepeat while a key is held is not more presses. */
static void test_autorepeat_is_ignored(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG));
        key(&r, PLAY, 1, 0);
        key(&r, PLAY, 2, 250);
        key(&r, PLAY, 2, 283);
        key(&r, PLAY, 2, 316);
        key(&r, PLAY, 0, 400);
        settle(&r);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 400);
}

/* A second press within PRESS_DOUBLE_USEC of the release is a double, decided on that press. */
static void test_double_press(void **state) {
        struct run r = {};
        add(&r, PLAY, ALL);
        key(&r, PLAY, 1, 0);
        key(&r, PLAY, 0, 100);
        assert_int_equal(r.n, 0);
        key(&r, PLAY, 1, 300);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_DOUBLE, 300);
        key(&r, PLAY, 0, 420);
        settle(&r);
        assert_int_equal(r.n, 1);
}

/* With a double mapped, one press waits for the gap to pass before it is a short one; a
 * second press after the gap starts a press of its own. */
static void test_single_waits_for_the_gap(void **state) {
        struct run r = {};
        add(&r, PLAY, ALL);
        key(&r, PLAY, 1, 0);
        key(&r, PLAY, 0, 100);
        assert_int_equal(press_deadline(&r.c), T0 + 100 * MS + PRESS_DOUBLE_USEC);
        tick(&r, 449);
        assert_int_equal(r.n, 0);
        key(&r, PLAY, 1, 500); /* the gap passed at 450 */
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 450);
        key(&r, PLAY, 0, 600);
        settle(&r);
        assert_int_equal(r.n, 2);
        assert_press(&r, 1, PLAY, PRESS_SHORT, 950);
}

/* Two keys at once keep to themselves: one held long, the other pressed twice meanwhile. */
static void test_interleaved_keys(void **state) {
        struct run r = {};
        add(&r, PLAY, ALL);
        add(&r, NEXT, ALL);
        key(&r, PLAY, 1, 0);
        key(&r, NEXT, 1, 50);
        key(&r, NEXT, 0, 120);
        key(&r, NEXT, 1, 250);
        key(&r, NEXT, 0, 330);
        key(&r, PLAY, 0, 1000);
        settle(&r);
        assert_int_equal(r.n, 2);
        assert_press(&r, 0, NEXT, PRESS_DOUBLE, 250);
        assert_press(&r, 1, PLAY, PRESS_LONG, 800);
}

/* A device that goes away mid-press leaves nothing held and decides nothing; the key
 * works as new when it comes back. */
static void test_forget_mid_press(void **state) {
        struct run r = {};
        add(&r, PLAY, ALL);
        key(&r, PLAY, 1, 0);
        press_forget(&r.c);
        assert_int_equal(press_deadline(&r.c), USEC_INFINITY);
        tick(&r, 5000);
        assert_int_equal(r.n, 0);
        key(&r, PLAY, 1, 6000);
        key(&r, PLAY, 0, 6100);
        settle(&r);
        assert_int_equal(r.n, 1);
        assert_press(&r, 0, PLAY, PRESS_SHORT, 6450);
}

/* Keys not mapped are not watched; a key is added once; the table has a bound. */
static void test_keys_added(void **state) {
        struct run r = {};
        add(&r, PLAY, PRESS_WANTS(PRESS_SHORT));
        key(&r, 30 /* KEY_A */, 1, 0);
        key(&r, 30, 0, 50);
        settle(&r);
        assert_int_equal(r.n, 0);
        assert_int_equal(press_add_key(&r.c, PLAY, PRESS_WANTS(PRESS_LONG)), -EEXIST);
        for (unsigned code = 1; r.c.n_keys < PRESS_KEYS_MAX; code++)
                if (code != PLAY)
                        add(&r, code, PRESS_WANTS(PRESS_SHORT));
        assert_int_equal(press_add_key(&r.c, 500, PRESS_WANTS(PRESS_SHORT)), -ENOSPC);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_short_only_decides_on_press),
                cmocka_unit_test(test_bounces_make_one_press),
                cmocka_unit_test(test_bounce_ending_open_is_a_release),
                cmocka_unit_test(test_long_press_while_held),
                cmocka_unit_test(test_autorepeat_is_ignored),
                cmocka_unit_test(test_double_press),
                cmocka_unit_test(test_single_waits_for_the_gap),
                cmocka_unit_test(test_interleaved_keys),
                cmocka_unit_test(test_forget_mid_press),
                cmocka_unit_test(test_keys_added),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
