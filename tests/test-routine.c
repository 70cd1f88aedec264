/* The routine loader: the shipped routine carries the whole article, and every kind
 * of mistake in a routine file is reported at its line. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "helpers.h"
#include "routine.h"
#include "settings.h"
#include "voice.h"

static void test_shipped_routine_carries_the_article(void **state) {
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        static const struct {
                const char *name;
                unsigned sets;
                size_t sides;
        } expected[] = {
                { "Heel raises", 3, 2 }, { "Toe walking", 5, 0 },      { "Ankle circles", 5, 2 },
                { "Toe curls", 5, 2 },   { "Resisted flexion", 3, 2 },
        };

        assert_string_equal(r->id, "morning-feet");
        assert_int_equal(r->n_exercises, ELEMENTSOF(expected));
        for (size_t i = 0; i < ELEMENTSOF(expected); i++) {
                const struct exercise *e = &r->exercises[i];
                assert_string_equal(e->name, expected[i].name);
                assert_true(e->purpose && strlen(e->purpose) > 20);
                assert_true(e->setup && e->setup[0]);
                assert_int_equal((unsigned) e->sets.low, expected[i].sets);
                assert_int_equal(e->n_sides, expected[i].sides);
        }

        /* Heel raises: 10-20 reps, standing on the right leg first, switching every set. */
        const struct exercise *heel = &r->exercises[0];
        assert_int_equal(heel->blocks[0].kind, BLOCK_REPS);
        assert_true(heel->blocks[0].amount.low == 10 && heel->blocks[0].amount.high == 20);
        assert_non_null(strstr(heel->sides[0].name, "Right"));
        assert_int_equal(heel->switch_sides, SWITCH_EACH_SET);

        /* Toe walking: three 20-second phases (straight, outwards, inwards), then 15 s rest. */
        const struct exercise *walk = &r->exercises[1];
        assert_int_equal(walk->n_blocks, 4);
        for (size_t i = 0; i < 3; i++) {
                assert_int_equal(walk->blocks[i].kind, BLOCK_TIMED);
                assert_true(walk->blocks[i].amount.low == 20);
        }
        assert_non_null(strstr(walk->blocks[1].say, "outwards"));
        assert_non_null(strstr(walk->blocks[2].say, "inwards"));
        assert_int_equal(walk->blocks[3].kind, BLOCK_REST);
        assert_true(walk->blocks[3].amount.low == 15);

        /* Ankle circles: 5-10 clockwise, then the other direction, five sets a foot. */
        const struct exercise *circles = &r->exercises[2];
        assert_int_equal(circles->n_blocks, 2);
        assert_true(circles->blocks[0].amount.low == 5 && circles->blocks[0].amount.high == 10);
        assert_int_equal(circles->switch_sides, SWITCH_AFTER_SETS);

        /* Toe curls: left foot first, both directions, toe wiggle between sets. */
        const struct exercise *curls = &r->exercises[3];
        assert_non_null(strstr(curls->sides[0].name, "Left"));
        assert_int_equal(curls->n_blocks, 2);
        assert_int_equal(curls->n_between_sets, 1);
        assert_non_null(strstr(curls->between_sets[0].say, "iggle"));

        /* Resisted flexion: ten repetitions, each holding two positions for 2 s. */
        const struct block *flex = &r->exercises[4].blocks[0];
        assert_true(flex->kind == BLOCK_REPS && flex->amount.low == 10 && flex->amount.high == 10);
        assert_int_equal(flex->n_each, 2);
        for (size_t i = 0; i < 2; i++)
                assert_true(flex->each[i].kind == BLOCK_HOLD && flex->each[i].amount.low == 2);
        routine_free(r);
}

/* A small routine with line 7 replaced by the given text. */
static const char *const base_routine[] = {
        "title = \"Test\";",
        "exercises = (",
        "  {",
        "    name = \"Raises\";",
        "    purpose = \"Strong calves.\";",
        "    blocks = (",
        "      { reps = 10; tempo = 2.0; }",
        "    );",
        "  }",
        ");",
};

static char *routine_with_line(unsigned line, const char *text) {
        char buf[2048] = "";
        for (size_t i = 0; i < ELEMENTSOF(base_routine); i++) {
                strcat(buf, i + 1 == line ? text : base_routine[i]);
                strcat(buf, "\n");
        }
        return write_temp(buf, ".conf");
}

static void expect_error(const char *path, unsigned line, const char *fragment) {
        struct routine *r = NULL;
        struct conf_error err = {};
        char prefix[4200];

        assert_true(routine_load(path, &r, &err) < 0);
        assert_null(r);
        snprintf(prefix, sizeof prefix, "%s:%u: ", path, line);
        if (strncmp(err.text, prefix, strlen(prefix)) != 0 || !strstr(err.text, fragment))
                fail_msg("expected \"%s...%s\", got \"%s\"", prefix, fragment, err.text);
}

static void test_bad_routines_name_file_and_line(void **state) {
        static const struct {
                unsigned line;
                const char *text;
                unsigned error_line;
                const char *fragment;
        } cases[] = {
                { 7, "      { reps = 10; tempo = ; }", 7, "syntax error" },
                { 7, "      { reps = \"ten\"; tempo = 2.0; }", 7, "'reps' must be a number" },
                { 7, "      { reps = 5000; tempo = 2.0; }", 7, "'reps' is 5000, out of range: use 1 to 1000" },
                { 7, "      { reps = 10.5; tempo = 2.0; }", 7, "whole number" },
                { 7, "      { reps = [20, 10]; tempo = 2.0; }", 7, "runs backwards" },
                { 7, "      { reps = 10; tempoo = 2.0; }", 7, "unknown setting 'tempoo' (did you mean 'tempo'?)" },
                { 7, "      { reps = 10; colour = 2.0; }", 7, "unknown setting 'colour'" },
                { 7, "      { reps = 10; }", 7, "missing required setting 'tempo'" },
                { 7, "      { reps = 10; tempo = 2; timed = 20; }", 7, "both 'reps' and 'timed'" },
                { 7, "      { timed = 20; tempo = 2; }", 7, "'tempo' belongs only in a reps block" },
                { 7, "      { reps = 2; each = ( { rest = 5; } ); }", 7, "only be 'say' or 'hold'" },
                { 7, "      { }", 7, "needs one of reps, hold, timed, rest" },
                { 5, "    purpos = \"Strong calves.\";", 5, "did you mean 'purpose'" },
                { 5, "", 3, "missing required setting 'purpose'" },
                { 4, "    name = 7;", 4, "'name' must be a string" },
                { 4, "    name = \"Raises\"; sets = [3, 5, 4];", 4, "runs backwards" },
                { 4, "    name = \"Raises\"; switch_sides = \"sometimes\";", 4,
                  "use one of \"each-set\", \"after-sets\"" },
                { 1, "titel = \"Test\";", 1, "did you mean 'title'" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *path = routine_with_line(cases[i].line, cases[i].text);
                expect_error(path, cases[i].error_line, cases[i].fragment);
                unlink(path);
                free(path);
        }
}

static void test_missing_routine_file_is_reported(void **state) {
        struct routine *r = NULL;
        struct conf_error err = {};

        assert_int_equal(routine_load("/nonexistent/x.conf", &r, &err), -ENOENT);
        assert_non_null(strstr(err.text, "/nonexistent/x.conf: cannot open"));
}

static void test_level_resolves_ranges(void **state) {
        struct range r = { .low = 10, .high = 20, .normal = NAN };
        assert_true(range_resolve(r, LEVEL_EASY, true) == 10);
        assert_true(range_resolve(r, LEVEL_NORMAL, true) == 15);
        assert_true(range_resolve(r, LEVEL_HARD, true) == 20);
        r = (struct range){ .low = 5, .high = 10, .normal = NAN };
        assert_true(range_resolve(r, LEVEL_NORMAL, true) == 8); /* 7.5 rounds up */
        r.normal = 6;
        assert_true(range_resolve(r, LEVEL_NORMAL, true) == 6);
}

static void test_shipped_voice_and_settings_load(void **state) {
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        char *text = NULL;

        assert_string_equal(v->language, "en");
        assert_int_equal(voice_phrase(v, PHRASE_SET, &text, "n", "2", "total", "3", NULL), 0);
        assert_string_equal(text, "Set 2 of 3.");
        free(text);
        voice_free(v);

        struct settings *s = NULL;
        struct conf_error err = {};
        assert_int_equal(settings_load(srcdir_path("config/tiptoed.conf"), &s, &err), 0);
        assert_int_equal(s->level, LEVEL_NORMAL);
        assert_string_equal(s->routine, "morning-feet");
        assert_string_equal(s->language, "en");
        settings_free(s);
}

static void test_bad_voice_and_settings_name_file_and_line(void **state) {
        struct voice *v = NULL;
        struct settings *s = NULL;
        struct conf_error err = {};
        char *path;

        path = write_temp("language = \"en\";\nespeak = { voice = \"en\"; };\nphrases = {\n"
                          "  set = \"Set {n} of {all}\"; switch = \"s\"; rest = \"r\"; halfway = \"h\";\n"
                          "  next = \"{name}\"; count = \"{n}\"; finish = \"{minutes}\"; ready = \"go\";\n};\n",
                          ".conf");
        assert_true(voice_load(path, &v, &err) < 0);
        assert_non_null(strstr(err.text, ":4: phrase 'set' has a placeholder it cannot use: it may use {n}, {total}"));
        unlink(path);
        free(path);

        path = write_temp("# settings\nlevel = \"medium\";\n", ".conf");
        assert_true(settings_load(path, &s, &err) < 0);
        assert_non_null(strstr(err.text, ":2: 'level' is \"medium\": use one of \"easy\", \"normal\", \"hard\""));
        unlink(path);
        free(path);

        path = write_temp("voice = {\n  langauge = \"de\";\n};\n", ".conf");
        assert_true(settings_load(path, &s, &err) < 0);
        assert_non_null(strstr(err.text, ":2: unknown setting 'langauge' (did you mean 'language'?)"));
        unlink(path);
        free(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_shipped_routine_carries_the_article),
                cmocka_unit_test(test_bad_routines_name_file_and_line),
                cmocka_unit_test(test_missing_routine_file_is_reported),
                cmocka_unit_test(test_level_resolves_ranges),
                cmocka_unit_test(test_shipped_voice_and_settings_load),
                cmocka_unit_test(test_bad_voice_and_settings_name_file_and_line),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
