/* The `buttons` map in tiptoed.conf: what the box owner writes, and what a mistake in it says. */
#include <errno.h>
#include <libevdev/libevdev.h>
#include <unistd.h>

#include "helpers.h"
#include "settings.h"

/* Loads text as tiptoed.conf; on error, err says why and *ret is NULL. */
static int load(const char *text, struct settings **ret, struct conf_error *err) {
        char *path = write_temp(text, ".conf");
        int r;

        *ret = NULL;
        r = settings_load(path, ret, err);
        unlink(path);
        free(path);
        return r;
}

static struct settings *load_or_die(const char *text) {
        struct conf_error err = {};
        struct settings *s;

        if (load(text, &s, &err) < 0)
                fail_msg("%s", err.text);
        return s;
}

/* The file's message for text, which must not load. */
static void assert_refused(const char *text, const char *message) {
        struct conf_error err = {};
        struct settings *s;

        assert_int_equal(load(text, &s, &err), -EINVAL);
        assert_null(s);
        if (!strstr(err.text, message))
                fail_msg("said \"%s\", not \"%s\"", err.text, message);
}

static void assert_action(const struct buttons *b, unsigned code, enum press_kind kind, enum button_action a) {
        const struct button_key *k = buttons_key(b, code);

        assert_non_null(k);
        assert_string_equal(button_action_to_string(k->action[kind]), button_action_to_string(a));
}

static void test_no_section_reads_nothing(void **state) {
        struct settings *s = load_or_die("level = \"easy\";\n");

        assert_false(s->buttons.configured);
        assert_false(s->buttons.all);
        assert_null(s->buttons.devices);
        assert_int_equal(s->buttons.n_keys, 0);
        settings_free(s);

        assert_int_equal(settings_new_default(&s), 0);
        assert_false(s->buttons.configured);
        settings_free(s);
}

static void test_media_keys_by_default(void **state) {
        struct buttons b;

        buttons_media_keys(&b);
        assert_true(b.all);
        assert_action(&b, KEY_PLAYPAUSE, PRESS_SHORT, BUTTON_TOGGLE);
        assert_action(&b, KEY_PLAYPAUSE, PRESS_LONG, BUTTON_STOP);
        assert_action(&b, KEY_NEXTSONG, PRESS_SHORT, BUTTON_NEXT);
        assert_action(&b, KEY_NEXTSONG, PRESS_LONG, BUTTON_NEXT_EXERCISE);
        assert_action(&b, KEY_PREVIOUSSONG, PRESS_LONG, BUTTON_PREVIOUS_EXERCISE);
        assert_action(&b, KEY_STOPCD, PRESS_SHORT, BUTTON_STOP);
        /* Play/pause waits for no second press: a pause is heard as soon as the key is up. */
        assert_int_equal(button_key_wants(buttons_key(&b, KEY_PLAYPAUSE)),
                         PRESS_WANTS(PRESS_SHORT) | PRESS_WANTS(PRESS_LONG));
        assert_null(buttons_key(&b, KEY_VOLUMEUP)); /* the box's volume keys are the mixer's */
        assert_int_equal(b.dial, -1);
        assert_false(b.grab);

        /* An empty section is the same map on every device: a remote works as it comes. */
        struct settings *s = load_or_die("buttons = { };\n");
        assert_true(s->buttons.configured);
        assert_true(s->buttons.all);
        assert_int_equal(s->buttons.n_keys, b.n_keys);
        assert_action(&s->buttons, KEY_PLAYPAUSE, PRESS_LONG, BUTTON_STOP);
        settings_free(s);
}

static void test_a_gpio_box(void **state) {
        struct settings *s = load_or_die("buttons = {\n"
                                         "  devices = [ \"gpio-keys\", \"*Remote*\" ];\n"
                                         "  grab = true;\n"
                                         "  keys = {\n"
                                         "    BTN_0 = { short = \"toggle\"; long = \"stop\"; double = \"repeat\"; };\n"
                                         "    BTN_1 = \"next\";\n"
                                         "    KEY_VOLUMEUP = \"volume-up\";\n"
                                         "    KEY_ENTER = { long = \"snooze\"; };\n"
                                         "  };\n"
                                         "  dial = \"REL_DIAL\";\n"
                                         "  volume_step = 0.1;\n"
                                         "  snooze = 15;\n"
                                         "};\n");
        const struct buttons *b = &s->buttons;

        assert_false(b->all);
        assert_string_equal(b->devices[0], "gpio-keys");
        assert_string_equal(b->devices[1], "*Remote*");
        assert_null(b->devices[2]);
        assert_true(b->grab);
        assert_int_equal(b->n_keys, 4); /* only what is written: no media keys besides */
        assert_null(buttons_key(b, KEY_PLAYPAUSE));
        assert_action(b, BTN_0, PRESS_SHORT, BUTTON_TOGGLE);
        assert_action(b, BTN_0, PRESS_LONG, BUTTON_STOP);
        assert_action(b, BTN_0, PRESS_DOUBLE, BUTTON_REPEAT);
        assert_action(b, BTN_1, PRESS_SHORT, BUTTON_NEXT);
        assert_int_equal(button_key_wants(buttons_key(b, BTN_1)), PRESS_WANTS(PRESS_SHORT));
        assert_action(b, KEY_VOLUMEUP, PRESS_SHORT, BUTTON_VOLUME_UP);
        assert_int_equal(button_key_wants(buttons_key(b, KEY_ENTER)), PRESS_WANTS(PRESS_LONG));
        assert_int_equal(b->dial, REL_DIAL);
        assert_true(b->volume_step == 0.1);
        assert_int_equal(b->snooze_minutes, 15);
        settings_free(s);

        s = load_or_die("buttons = { devices = \"none\"; };\n");
        assert_false(s->buttons.all);
        assert_null(s->buttons.devices);
        settings_free(s);
}

static void test_mistakes_name_file_line_and_what_was_meant(void **state) {
        assert_refused("buttons = {\n  keys = {\n    KEY_PLAY_PAUSE = \"toggle\";\n  };\n};\n",
                       ".conf:3: 'KEY_PLAY_PAUSE' is not a key Linux knows (did you mean 'KEY_PLAYPAUSE'?)");
        assert_refused("buttons = { keys = {\n  key_nextsong = \"next\"; }; };\n",
                       ":2: 'key_nextsong' is not a key Linux knows (did you mean 'KEY_NEXTSONG'?)");
        assert_refused("buttons = { keys = { PLAY = \"next\"; }; };\n", ":1: 'PLAY' is not a key Linux knows");
        assert_refused("buttons = { keys = {\n  BTN_0 = \"pasue\"; }; };\n",
                       ":2: 'BTN_0' is \"pasue\", not an action (did you mean \"pause\"?)");
        assert_refused("buttons = { keys = { BTN_0 = {\n  long = \"next exercise\"; }; }; };\n",
                       ":2: 'long' is \"next exercise\", not an action (did you mean \"next-exercise\"?)");
        assert_refused("buttons = { keys = { BTN_0 = \"jump\"; }; };\n",
                       "'BTN_0' is \"jump\", not an action: use toggle, play, pause, stop");
        assert_refused("buttons = { keys = { BTN_0 = {\n  hold = \"stop\"; }; }; };\n", ":2: unknown setting 'hold'");
        assert_refused("buttons = { keys = { BTN_0 = {\n  lnog = \"stop\"; }; }; };\n",
                       ":2: unknown setting 'lnog' (did you mean 'long'?)");
        assert_refused("buttons = { keys = {\n  BTN_0 = { }; }; };\n", ":2: 'BTN_0' maps no press");
        assert_refused("buttons = { keys = { BTN_0 = 3; }; };\n", "'BTN_0' is an action in quotes");
        assert_refused("buttons = { keys = { BTN_SOUTH = \"stop\";\n BTN_A = \"next\"; }; };\n",
                       ":2: 'BTN_A' is a key mapped already, by another of its names");
        assert_refused("buttons = {\n  dial = \"REL_DAIL\"; };\n",
                       ":2: 'REL_DAIL' is not a relative axis Linux knows (did you mean 'REL_DIAL'?)");
        assert_refused("buttons = {\n  devices = [ ]; };\n", ":2: 'devices' is empty");
        assert_refused("buttons = {\n  grab = \"yes\"; };\n", ":2: 'grab' is true or false");
        assert_refused("buttons = {\n  volume_step = 2; };\n", ":2: 'volume_step'");
        assert_refused("buttons = {\n  devises = \"all\"; };\n",
                       ":2: unknown setting 'devises' (did you mean 'devices'?)");
        assert_refused("buttons = \"all\";\n", ":1: 'buttons' is a group");

        char many[4096] = "buttons = { keys = {\n";
        for (int i = 0; i < PRESS_KEYS_MAX + 1; i++)
                snprintf(many + strlen(many), sizeof many - strlen(many), "BTN_TRIGGER_HAPPY%d = \"next\";\n", i + 1);
        strcat(many, "}; };\n");
        assert_refused(many, ":1: 'keys' maps 33 keys: 32 at most");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_no_section_reads_nothing),
                cmocka_unit_test(test_media_keys_by_default),
                cmocka_unit_test(test_a_gpio_box),
                cmocka_unit_test(test_mistakes_name_file_line_and_what_was_meant),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
