/* The planner: the rules a coach follows, checked on the shipped routine. */
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "clips.h"
#include "earcon.h"
#include "helpers.h"

static struct plan *plan_shipped(enum level level, phrase_duration_fn duration, void *userdata) {
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct plan *p = NULL;

        assert_int_equal(plan_build(r, level, v, duration ?: fake_duration, userdata, &p), 0);
        routine_free(r);
        voice_free(v);
        return p;
}

static void test_cues_are_ordered_and_never_overlap(void **state) {
        for (enum level l = 0; l < _LEVEL_MAX; l++) {
                struct plan *p = plan_shipped(l, NULL, NULL);
                assert_true(p->n_cues > 100);
                assert_int_equal(p->cues[0].start, 0);
                for (size_t i = 1; i < p->n_cues; i++)
                        if (p->cues[i - 1].start + p->cues[i - 1].duration > p->cues[i].start)
                                fail_msg("cue %zu \"%s\" overlaps cue %zu \"%s\"", i - 1, p->cues[i - 1].text, i,
                                         p->cues[i].text);
                const struct cue *last = &p->cues[p->n_cues - 1];
                assert_int_equal(last->kind, CUE_FINISH);
                assert_int_equal(p->total, last->start + last->duration);
                plan_free(p);
        }
}

static void test_exercises_in_order_with_preview(void **state) {
        static const char *const names[] = { "Heel raises", "Toe walking", "Ankle circles", "Toe curls",
                                             "Resisted flexion" };
        struct plan *p = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        char next[64];
        ssize_t at = 0, prev;

        assert_int_equal(p->cues[0].kind, CUE_INTRO);
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                prev = at;
                at = find_cue(p, at, CUE_EXERCISE, names[i]);
                assert_true(at >= 0);
                assert_int_equal(p->cues[at].exercise, i);
                assert_int_equal(p->cues[at + 1].kind, CUE_PURPOSE);
                if (i > 0) {
                        /* The next exercise is named before it starts, after the previous one. */
                        snprintf(next, sizeof next, "Next: %s.", names[i]);
                        ssize_t preview = find_cue(p, prev, CUE_NEXT, next);
                        assert_true(preview > prev && preview < at);
                }
        }
        assert_true(strstr(p->cues[p->n_cues - 1].text, "Well done") != NULL);
        plan_free(p);
}

/* Every countdown is "3, 2, 1" on whole seconds before the end of what it counts down,
 * and nothing else is said until that end. */
static void test_countdowns_start_on_the_second(void **state) {
        struct plan *p = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        size_t countdowns = 0;

        for (size_t i = 0; i < p->n_cues; i++) {
                if (p->cues[i].kind != CUE_COUNTDOWN || !streq(p->cues[i].text, "3"))
                        continue;
                const struct cue *c = &p->cues[i];
                assert_string_equal(c[1].text, "2");
                assert_string_equal(c[2].text, "1");
                assert_int_equal(c[1].start - c[0].start, USEC_PER_SEC);
                assert_int_equal(c[2].start - c[1].start, USEC_PER_SEC);
                if (i + 3 < p->n_cues)
                        assert_true(c[3].start >= c[2].start + USEC_PER_SEC);
                countdowns++;
        }
        /* Toe walking alone: 5 sets of 3 phases and a rest. */
        assert_true(countdowns >= 20);
        plan_free(p);
}

/* Toe walking phases: 20 s from the cue, halfway at 10 s, "3" at 17 s. */
static void test_timed_phase_halfway_and_countdown(void **state) {
        struct plan *p = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        ssize_t phase = find_cue(p, 0, CUE_PHASE, NULL);

        assert_true(phase >= 0);
        const struct cue *c = &p->cues[phase];
        assert_int_equal(c[1].kind, CUE_HALFWAY);
        assert_int_equal(c[1].start - c[0].start, 10 * USEC_PER_SEC);
        assert_int_equal(c[2].kind, CUE_COUNTDOWN);
        assert_int_equal(c[2].start - c[0].start, 17 * USEC_PER_SEC);
        plan_free(p);
}

/* Heel raises: counted on the beat, 1.5 s apart, as many as the level says. */
static void test_reps_count_on_the_beat_per_level(void **state) {
        static const unsigned reps[_LEVEL_MAX] = { 10, 12, 20 };

        for (enum level l = 0; l < _LEVEL_MAX; l++) {
                struct plan *p = plan_shipped(l, NULL, NULL);
                ssize_t first = find_cue(p, 0, CUE_COUNT, "1");
                unsigned n = 0;

                assert_true(first >= 0);
                for (size_t i = first; i < p->n_cues && p->cues[i].kind == CUE_COUNT; i++, n++) {
                        char expect[8];
                        snprintf(expect, sizeof expect, "%u", n + 1);
                        assert_string_equal(p->cues[i].text, expect);
                        if (i > (size_t) first)
                                assert_int_equal(p->cues[i].start - p->cues[i - 1].start, 1500 * USEC_PER_MSEC);
                }
                assert_int_equal(n, reps[l]);
                plan_free(p);
        }
}

/* Sets and sides are announced, and legs switch where the article says. */
static void test_sets_and_sides_announced(void **state) {
        struct plan *p = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        static const char *const heel[] = { "Set 1 of 3.", "Right leg.",   "Switch legs.", "Left leg.",
                                            "Set 2 of 3.", "Switch legs.", "Right leg." };
        ssize_t at = 0;

        for (size_t i = 0; i < ELEMENTSOF(heel); i++) {
                ssize_t next = -1;
                for (size_t k = at; k < p->n_cues && next < 0; k++)
                        if (streq(p->cues[k].text, heel[i]))
                                next = k;
                if (next < 0)
                        fail_msg("\"%s\" not said after cue %zd", heel[i], at);
                at = next + 1;
        }
        /* Toe curls start with the left foot, all five sets, then the right. */
        ssize_t curls = find_cue(p, 0, CUE_EXERCISE, "Toe curls");
        ssize_t left = find_cue(p, curls, CUE_SIDE, "Left foot.");
        ssize_t right = find_cue(p, curls, CUE_SIDE, "Right foot.");
        ssize_t fifth = find_cue(p, curls, CUE_SET, "Set 5 of 5.");
        assert_true(curls < left && left < fifth && fifth < right);

        /* Every cue of an exercise knows its set and how many there are (3, 5, 5, 5, 3). */
        static const unsigned sets[] = { 3, 5, 5, 5, 3 };
        for (size_t i = find_cue(p, 0, CUE_EXERCISE, "Heel raises"); i < p->n_cues; i++) {
                const struct cue *c = &p->cues[i];
                if (c->kind == CUE_FINISH)
                        break;
                assert_int_equal(c->sets, sets[c->exercise]);
                assert_true(c->set < c->sets);
        }
        plan_free(p);
}

/* Speech longer than its slot moves what follows and says so, rather than overlap. */
static void test_long_speech_makes_room(void **state) {
        char *path = write_temp("title = \"Room\";\nexercises = ( { name = \"Hold\"; purpose = \"Test.\";\n"
                                "blocks = ( { timed = 5; say = \"This instruction is far too long to fit in "
                                "the five seconds it introduces, so the plan must make room.\"; } ); } );\n",
                                ".conf");
        struct routine *r = load_routine_or_die(path);
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct plan *p = NULL;

        assert_int_equal(plan_build(r, LEVEL_NORMAL, v, fake_duration, NULL, &p), 0);
        ssize_t phase = find_cue(p, 0, CUE_PHASE, NULL);
        const struct cue *three = &p->cues[phase + 1];
        assert_string_equal(three->text, "3");
        assert_true(three->room > 0);
        assert_true(three->start >= p->cues[phase].start + p->cues[phase].duration);
        assert_int_equal(three->start, p->cues[phase].start + 2 * USEC_PER_SEC + three->room);
        plan_free(p);
        routine_free(r);
        voice_free(v);
        unlink(path);
        free(path);
}

static struct plan *plan_with_earcons(const bool play[_EARCON_MAX]) {
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct plan *p = NULL;

        v->earcons.on = true;
        memcpy(v->earcons.play, play, sizeof v->earcons.play);
        v->earcons.level_db = -26;
        assert_int_equal(plan_build(r, LEVEL_NORMAL, v, fake_duration, NULL, &p), 0);
        assert_true(p->earcon_level_db == -26);
        routine_free(r);
        voice_free(v);
        return p;
}

/* The earcon that ends right before cue i, EARCON_GAP_USEC ahead of it, or -1. */
static ssize_t sound_before(const struct plan *p, size_t i) {
        for (size_t k = 0; k < p->n_sounds; k++)
                if (p->sounds[k].start + p->sounds[k].duration + EARCON_GAP_USEC == p->cues[i].start)
                        return (ssize_t) k;
        return -1;
}

/* With the voice's earcons on: each count's tick on its beat (1.5 s apart, the number
 * after it), each "3, 2, 1" a tone on the second, a chime where every phase and rest ends
 * and before what follows; none over speech or over each other. */
static void test_earcons_on_the_beat_never_over_speech(void **state) {
        static const bool all[_EARCON_MAX] = { true, true, true };
        _cleanup_(plan_freep) struct plan *off = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        _cleanup_(plan_freep) struct plan *p = plan_with_earcons(all);
        size_t ends = 0, chimes = 0, ticks = 0, tones = 0, k = 0;
        usec_t last_tick = 0;

        assert_int_equal(off->n_sounds, 0);
        assert_int_equal(p->n_cues, off->n_cues);
        for (size_t i = 0; i < p->n_sounds; i++) {
                const struct sound *s = &p->sounds[i];
                assert_int_equal(s->duration, earcon_duration(s->earcon));
                if (i > 0)
                        assert_true(p->sounds[i - 1].start + p->sounds[i - 1].duration <= s->start);
                /* Nothing said overlaps it: the cues about it end before it and begin after. */
                while (k < p->n_cues && p->cues[k].start + p->cues[k].duration <= s->start)
                        k++;
                if (k < p->n_cues && p->cues[k].start < s->start + s->duration)
                        fail_msg("earcon %zu (%s at %" PRIu64 ") overlaps cue %zu \"%s\"", i,
                                 earcon_to_string(s->earcon), s->start, k, p->cues[k].text);
                chimes += s->earcon == EARCON_CHIME;
        }
        for (size_t i = 0; i < p->n_cues; i++) {
                const struct cue *c = &p->cues[i];
                ssize_t s = sound_before(p, i);
                if (c->kind == CUE_COUNT) {
                        assert_true(s >= 0);
                        assert_int_equal(p->sounds[s].earcon, EARCON_TICK);
                        if (streq(c->text, "2") && c->exercise == 0)
                                assert_int_equal(p->sounds[s].start - last_tick, 1500 * USEC_PER_MSEC);
                        last_tick = p->sounds[s].start;
                        ticks++;
                } else if (c->kind == CUE_COUNTDOWN) {
                        assert_true(s >= 0);
                        assert_int_equal(p->sounds[s].earcon, EARCON_COUNTDOWN);
                        if (!streq(c->text, "3"))
                                assert_int_equal(p->sounds[s].start - p->sounds[s - 1].start, USEC_PER_SEC);
                        tones++;
                } else
                        assert_true(s < 0 || p->sounds[s].earcon == EARCON_CHIME);
                if (c->kind == CUE_PHASE || c->kind == CUE_REST || c->kind == CUE_NEXT)
                        ends++;
        }
        /* Every timed phase, rest and pause between exercises ends in a chime: a second
         * after the "1"'s tone. */
        assert_int_equal(chimes, ends);
        for (size_t i = 1; i < p->n_sounds; i++)
                if (p->sounds[i].earcon == EARCON_CHIME && p->sounds[i - 1].earcon == EARCON_COUNTDOWN)
                        assert_int_equal(p->sounds[i].start - p->sounds[i - 1].start, USEC_PER_SEC);
        assert_int_equal(ticks + tones + chimes, p->n_sounds);
        assert_true(ticks > 100 && tones > 60 && chimes > 20);
        assert_true(p->total > off->total);
}

/* Which earcons the voice sounds: only those. */
static void test_earcons_only_those_asked_for(void **state) {
        static const bool chime[_EARCON_MAX] = { [EARCON_CHIME] = true };
        _cleanup_(plan_freep) struct plan *p = plan_with_earcons(chime);

        assert_true(p->n_sounds > 20);
        for (size_t i = 0; i < p->n_sounds; i++)
                assert_int_equal(p->sounds[i].earcon, EARCON_CHIME);
        /* Counts and countdowns are where they are without earcons. */
        ssize_t three = find_cue(p, 0, CUE_COUNTDOWN, "3");
        assert_int_equal(p->cues[three + 1].start - p->cues[three].start, USEC_PER_SEC);
}

/* level = "auto"'s news: the first exercise whose count the change alters, in the voice's
 * words; said first, everything after it moved by its length and a gap. */
static void test_level_news_said_first(void **state) {
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct routine *fixed = load_routine_or_die(srcdir_path("tests/data/short.conf"));
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        _cleanup_free_ char *up = NULL, *down = NULL, *none = NULL;
        _cleanup_(plan_freep) struct plan *p = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        _cleanup_(plan_freep) struct plan *before = plan_shipped(LEVEL_NORMAL, NULL, NULL);
        usec_t said;

        assert_int_equal(plan_level_news(r, LEVEL_EASY, LEVEL_NORMAL, v, &up), 0);
        assert_string_equal(up, "Level up: Heel raises, now 12 each.");
        assert_int_equal(plan_level_news(r, LEVEL_HARD, LEVEL_NORMAL, v, &down), 0);
        assert_string_equal(down, "A gentler level today: Heel raises, now 12 each.");
        assert_int_equal(plan_level_news(fixed, LEVEL_EASY, LEVEL_HARD, v, &none), 0);
        assert_null(none); /* no count changes: nothing to say */

        assert_int_equal(plan_prepend(p, up, v, fake_duration, NULL), 0);
        fake_duration(NULL, up, &said);
        usec_t shift = said + usec_from_seconds(v->gap);
        assert_int_equal(p->n_cues, before->n_cues + 1);
        assert_int_equal(p->cues[0].kind, CUE_ANNOUNCE);
        assert_int_equal(p->cues[0].start, 0);
        assert_string_equal(p->cues[0].text, up);
        for (size_t i = 0; i < before->n_cues; i++)
                assert_int_equal(p->cues[i + 1].start, before->cues[i].start + shift);
        assert_int_equal(p->total, before->total + shift);
        routine_free(r);
        routine_free(fixed);
        voice_free(v);
}

/* Nothing tiptoed says itself is English in the code: another voice, other words. */
static void test_generated_phrases_come_from_the_voice(void **state) {
        char *path = write_temp("language = \"xx\";\nespeak = { voice = \"de\"; };\nphrases = {\n"
                                "set = \"Satz {n} von {total}.\"; switch = \"Wechsel.\"; rest = \"Pause.\";\n"
                                "halfway = \"Halbzeit.\"; next = \"Gleich: {name}.\"; count = \"Nummer {n}\";\n"
                                "finish = \"Geschafft nach {minutes} Minuten.\"; ready = \"Bereit.\";\n"
                                "announce = \"{title} in {minutes} Minuten.\";\n"
                                "level_up = \"Hoch: {name}, {n}.\"; level_down = \"Runter: {name}, {n}.\";\n};\n",
                                ".conf");
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct voice *v = load_voice_or_die(path);
        struct plan *p = NULL;

        assert_int_equal(plan_build(r, LEVEL_NORMAL, v, fake_duration, NULL, &p), 0);
        assert_true(find_cue(p, 0, CUE_SET, "Satz 2 von 5.") >= 0);
        assert_true(find_cue(p, 0, CUE_REST, "Pause.") >= 0);
        assert_true(find_cue(p, 0, CUE_HALFWAY, "Halbzeit.") >= 0);
        assert_true(find_cue(p, 0, CUE_COUNTDOWN, "Nummer 3") >= 0);
        assert_true(find_cue(p, 0, CUE_NEXT, "Gleich: Toe walking.") >= 0);
        assert_non_null(strstr(p->cues[p->n_cues - 1].text, "Geschafft nach"));
        for (size_t i = 0; i < p->n_cues; i++)
                assert_null(strstr(p->cues[i].text, "Set "));
        plan_free(p);
        routine_free(r);
        voice_free(v);
        unlink(path);
        free(path);
}

/* The German routine is the same routine: cue for cue the same kinds, and not one
 * sentence left in English (digits aside, which the German voice says in German). */
static void test_german_routine_matches_the_english_one(void **state) {
        struct routine *en = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct routine *de = load_routine_or_die(srcdir_path("config/routines/morning-feet.de.conf"));
        struct voice *ven = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct voice *vde = load_voice_or_die(srcdir_path("voices/de.conf"));
        struct plan *pen = NULL, *pde = NULL;

        assert_string_equal(en->language, "en");
        assert_string_equal(de->language, "de");
        assert_string_equal(de->id, "morning-feet"); /* the same routine, for history and schedules */
        for (enum level l = 0; l < _LEVEL_MAX; l++) {
                assert_int_equal(plan_build(en, l, ven, fake_duration, NULL, &pen), 0);
                assert_int_equal(plan_build(de, l, vde, fake_duration, NULL, &pde), 0);
                assert_int_equal(pen->n_cues, pde->n_cues);
                for (size_t i = 0; i < pen->n_cues; i++) {
                        assert_int_equal(pen->cues[i].kind, pde->cues[i].kind);
                        if (strspn(pde->cues[i].text, "0123456789") != strlen(pde->cues[i].text))
                                assert_string_not_equal(pen->cues[i].text, pde->cues[i].text);
                }
                plan_free(pen);
                plan_free(pde);
        }
        routine_free(en);
        routine_free(de);
        voice_free(ven);
        voice_free(vde);
}

/* With real eSpeak NG durations, normal lasts what the article promises: about 20 minutes. */
static void test_routine_length_per_level(void **state) {
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct speech *speech = NULL;
        struct clips *clips = NULL;
        usec_t total[_LEVEL_MAX];

        assert_int_equal(speech_new(v, &speech), 0);
        assert_int_equal(clips_new(speech, v, &clips), 0);
        for (enum level l = 0; l < _LEVEL_MAX; l++) {
                struct plan *p = plan_shipped(l, clips_duration, clips);
                total[l] = p->total;
                plan_free(p);
        }
        print_message("# easy %.1f min, normal %.1f min, hard %.1f min\n", total[0] / 60e6, total[1] / 60e6,
                      total[2] / 60e6);
        assert_true(total[LEVEL_NORMAL] >= 18 * 60 * USEC_PER_SEC);
        assert_true(total[LEVEL_NORMAL] <= 22 * 60 * USEC_PER_SEC);
        assert_true(total[LEVEL_EASY] < total[LEVEL_NORMAL]);
        assert_true(total[LEVEL_NORMAL] < total[LEVEL_HARD]);
        clips_unref(clips);
        speech_free(speech);
        voice_free(v);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cues_are_ordered_and_never_overlap),
                cmocka_unit_test(test_exercises_in_order_with_preview),
                cmocka_unit_test(test_countdowns_start_on_the_second),
                cmocka_unit_test(test_timed_phase_halfway_and_countdown),
                cmocka_unit_test(test_reps_count_on_the_beat_per_level),
                cmocka_unit_test(test_sets_and_sides_announced),
                cmocka_unit_test(test_long_speech_makes_room),
                cmocka_unit_test(test_earcons_on_the_beat_never_over_speech),
                cmocka_unit_test(test_earcons_only_those_asked_for),
                cmocka_unit_test(test_level_news_said_first),
                cmocka_unit_test(test_generated_phrases_come_from_the_voice),
                cmocka_unit_test(test_german_routine_matches_the_english_one),
                cmocka_unit_test(test_routine_length_per_level),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
