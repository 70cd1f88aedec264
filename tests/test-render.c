/* Render the shipped routine to a WAV file and listen to it: every countdown number's
 * sound must begin within 1 ms of its planned instant, and every clip must be whole. */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "clips.h"
#include "earcon.h"
#include "helpers.h"
#include "planned.h"
#include "wav.h"

static bool loud(int16_t s) {
        return s >= CLIP_SILENCE_THRESHOLD || s <= -CLIP_SILENCE_THRESHOLD;
}

/* The routine planned with real speech, as tiptoed plays it, earcons on or as the voice says (-1). */
static void load_earcons(const char *routine, int earcons, struct planned *ret) {
        char *path = strdup(srcdir_path(routine));
        assert_int_equal(planned_load(path, srcdir_path("voices/en.conf"), LEVEL_NORMAL, earcons, 0, ret), 0);
        free(path);
}

static void load(const char *routine, struct planned *ret) {
        load_earcons(routine, -1, ret);
}

static void test_rendered_countdowns_sound_on_time(void **state) {
        struct planned pl;
        const char *path = "test-render.wav";
        int16_t *pcm = NULL;
        size_t n = 0, countdowns = 0;
        unsigned rate = 0;

        load("config/routines/morning-feet.conf", &pl);
        const struct plan *p = pl.plan;
        struct clips *clips = pl.clips;
        assert_int_equal(mix_render_wav(pl.track, path), 0);

        assert_int_equal(wav_read(path, &pcm, &n, &rate), 0);
        assert_int_equal(rate, 22050);
        assert_int_equal(n, samples_from_usec(p->total, rate));

        size_t search_from = 0;
        for (size_t i = 0; i < p->n_cues; i++) {
                const struct cue *c = &p->cues[i];
                const struct clip *clip;
                uint64_t planned = samples_from_usec(c->start, rate), onset = search_from;

                /* Where the sound begins in the file, searching from the end of the last cue. */
                while (onset < n && !loud(pcm[onset]))
                        onset++;
                if (c->kind == CUE_COUNTDOWN) {
                        int64_t error = (int64_t) onset - (int64_t) planned;
                        if (error < -(int64_t) rate / 1000 || error > (int64_t) rate / 1000)
                                fail_msg("countdown \"%s\" at %.3f s sounds %.2f ms off", c->text, c->start / 1e6,
                                         error * 1000.0 / rate);
                        countdowns++;
                }
                /* The whole clip is there, not cut by the next one. */
                assert_int_equal(clips_get(clips, c->text, &clip), 0);
                assert_true(planned + clip->n_samples <= n);
                assert_memory_equal(pcm + planned, clip->samples, clip->n_samples * sizeof *pcm);
                search_from = planned + clip->n_samples;
        }
        print_message("# %zu countdown numbers checked in %s (%zu samples)\n", countdowns, path, n);
        assert_true(countdowns >= 60);

        unlink(path);
        free(pcm);
        planned_free(&pl);
}

/* With the voice's earcons on, each earcon sounds in the file within 1 ms of its planned
 * instant, whole and as loud as the voice says, after quiet; the speech around it whole. */
static void test_rendered_earcons_sound_on_time(void **state) {
        struct planned pl;
        const char *path = "test-render-earcons.wav";
        int16_t *pcm = NULL;
        size_t n = 0, k = 0, found[_EARCON_MAX] = {};
        unsigned rate = 0;

        load_earcons("config/routines/morning-feet.conf", 1, &pl);
        const struct plan *p = pl.plan;
        assert_int_equal(mix_render_wav(pl.track, path), 0);
        assert_int_equal(wav_read(path, &pcm, &n, &rate), 0);
        assert_true(p->n_sounds > 100);

        for (size_t i = 0; i < p->n_sounds; i++) {
                const struct sound *s = &p->sounds[i];
                _cleanup_(clip_freep) struct clip *drawn = NULL;
                uint64_t planned = samples_from_usec(s->start, rate), onset;
                int16_t peak = 0;

                /* From the end of the speech before it, quiet until the earcon begins. */
                while (k + 1 < p->n_cues && p->cues[k + 1].start < s->start)
                        k++;
                onset = samples_from_usec(p->cues[k].start + p->cues[k].duration, rate);
                while (onset < n && !loud(pcm[onset]))
                        onset++;
                int64_t error = (int64_t) onset - (int64_t) planned;
                if (error < 0 || error > (int64_t) rate / 1000)
                        fail_msg("%s at %.3f s sounds %.2f ms off", earcon_to_string(s->earcon), s->start / 1e6,
                                 error * 1000.0 / rate);
                assert_int_equal(earcon_clip(s->earcon, rate, -20, &drawn), 0);
                assert_memory_equal(pcm + planned, drawn->samples, drawn->n_samples * sizeof *pcm);
                for (size_t j = 0; j < drawn->n_samples; j++)
                        peak = MAX(peak, (int16_t) abs(drawn->samples[j]));
                assert_int_equal(peak, 3277); /* -20 dBFS */
                found[s->earcon]++;
        }
        print_message("# %zu ticks, %zu countdown tones, %zu chimes found on time in %s\n", found[EARCON_TICK],
                      found[EARCON_COUNTDOWN], found[EARCON_CHIME], path);
        for (size_t i = 0; i < p->n_cues; i++) {
                const struct clip *clip;
                uint64_t planned = samples_from_usec(p->cues[i].start, rate);
                assert_int_equal(clips_get(pl.clips, p->cues[i].text, &clip), 0);
                assert_memory_equal(pcm + planned, clip->samples, clip->n_samples * sizeof *pcm);
        }
        unlink(path);
        free(pcm);
        planned_free(&pl);
}

/* A device that will not take 22050 Hz gets the track resampled (libsoxr), each clip
 * placed at the same instant on the new rate's sample grid and as long as before. */
static void test_track_at_another_rate(void **state) {
        struct planned pl;
        struct track *t48 = NULL;

        load("tests/data/short.conf", &pl);
        const struct plan *p = pl.plan;
        const struct track *t = pl.track;
        assert_int_equal(track_build(p, pl.clips, 48000, &t48), 0);
        assert_int_equal(t48->rate, 48000);
        assert_int_equal(t48->length, samples_from_usec(p->total, 48000));
        for (size_t i = 0; i < p->n_cues; i++) {
                const struct clip *a = t->clips[i].clip, *b = t48->clips[i].clip;
                double expect = a->n_samples * 48000.0 / 22050;
                uint32_t peak_a = 0, peak_b = 0;

                assert_int_equal(t48->clips[i].start, samples_from_usec(p->cues[i].start, 48000));
                assert_true(fabs(b->n_samples - expect) <= 2);
                for (size_t k = 0; k < a->n_samples; k++)
                        peak_a = MAX(peak_a, (uint32_t) abs(a->samples[k]));
                for (size_t k = 0; k < b->n_samples; k++)
                        peak_b = MAX(peak_b, (uint32_t) abs(b->samples[k]));
                /* The same sound: as loud, give or take what a low-pass filter does to peaks. */
                assert_true(peak_b > peak_a * 0.8 && peak_b < peak_a * 1.2);
        }
        /* Equal texts share one resampled clip, as they share one synthesized clip. */
        assert_int_equal(clips_resampled_count(pl.clips), clips_count(pl.clips));
        assert_true(clips_count(pl.clips) < p->n_cues);

        /* The cache keeps them: the next start at that rate resamples nothing, and plays
         * the very same samples. */
        struct track *again = NULL;
        assert_int_equal(track_build(p, pl.clips, 48000, &again), 0);
        assert_int_equal(clips_resampled_count(pl.clips), clips_count(pl.clips));
        for (size_t i = 0; i < p->n_cues; i++)
                assert_ptr_equal(again->clips[i].clip, t48->clips[i].clip);
        track_free(again);

        /* Freed before the cache, a track leaves its clips there for the next one. */
        track_free(t48);
        assert_int_equal(track_build(p, pl.clips, 44100, &t48), 0);
        assert_int_equal(clips_resampled_count(pl.clips), 2 * clips_count(pl.clips));
        assert_int_equal(t48->rate, 44100);
        track_free(t48);
        planned_free(&pl);
}

/* The mixer gives the same samples however the stream is cut into periods, earcons
 * between the speech included. */
static void test_mix_is_the_same_in_any_period(void **state) {
        int16_t a[5] = { 1000, 2000, 3000, 4000, 5000 }, b[3] = { -1000, -2000, -3000 }, e[2] = { 700, -700 };
        struct clip ca = { a, 5 }, cb = { b, 3 }, ce = { e, 2 };
        struct placed_clip placed[] = { { 2, &ca }, { 9, &cb } }, earcons[] = { { 0, &ce }, { 7, &ce }, { 12, &ce } };
        struct track t = {
                .clips = placed, .n_clips = 2, .earcons = earcons, .n_earcons = 3, .length = 14, .rate = 22050
        };
        int16_t whole[14], pieces[14];
        struct track_hint hint = {};
        uint64_t from, to;

        track_fill(&t, 0, whole, 14, &hint);
        int16_t expect[14] = { 700, -700, 1000, 2000, 3000, 4000, 5000, 700, -700, -1000, -2000, -3000, 700, -700 };
        assert_memory_equal(whole, expect, sizeof whole);

        for (size_t period = 1; period <= 14; period++) {
                hint = (struct track_hint){};
                for (size_t pos = 0; pos < 14; pos += period)
                        track_fill(&t, pos, pieces + pos, MIN(period, 14 - pos), &hint);
                assert_memory_equal(whole, pieces, sizeof whole);
        }
        /* A jump backwards (a seek) works too. */
        track_fill(&t, 3, pieces, 4, &hint);
        assert_memory_equal(pieces, whole + 3, 4 * sizeof *pieces);

        /* Nothing here is quiet: speech and earcons meet. Without the earcons, 7 and 8 are. */
        for (uint64_t pos = 0; pos < 14; pos++)
                assert_false(track_quiet(&t, pos, &from, &to));
        assert_int_equal(track_sound_start(&t, 8), 7);
        t.n_earcons = 0;
        assert_true(track_quiet(&t, 8, &from, &to));
        assert_int_equal(from, 7);
        assert_int_equal(to, 9);
        assert_int_equal(track_sound_start(&t, 8), 8);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rendered_countdowns_sound_on_time),
                cmocka_unit_test(test_rendered_earcons_sound_on_time),
                cmocka_unit_test(test_mix_is_the_same_in_any_period),
                cmocka_unit_test(test_track_at_another_rate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
