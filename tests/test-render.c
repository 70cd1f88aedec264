/* Render the shipped routine to a WAV file and listen to it: every countdown number's
 * sound must begin within 1 ms of its planned instant, and every clip must be whole. */
#include <stdio.h>
#include <unistd.h>

#include "clips.h"
#include "helpers.h"
#include "mix.h"
#include "wav.h"

static bool loud(int16_t s) {
        return s >= CLIP_SILENCE_THRESHOLD || s <= -CLIP_SILENCE_THRESHOLD;
}

static void test_rendered_countdowns_sound_on_time(void **state) {
        struct routine *r = load_routine_or_die(srcdir_path("config/routines/morning-feet.conf"));
        struct voice *v = load_voice_or_die(srcdir_path("voices/en.conf"));
        struct speech *speech = NULL;
        struct clips *clips = NULL;
        struct plan *p = NULL;
        struct track *t = NULL;
        const char *path = "test-render.wav";
        int16_t *pcm = NULL;
        size_t n = 0, countdowns = 0;
        unsigned rate = 0;

        assert_int_equal(speech_new(v, &speech), 0);
        assert_int_equal(clips_new(speech, &clips), 0);
        assert_int_equal(plan_build(r, LEVEL_NORMAL, v, clips_duration, clips, &p), 0);
        assert_int_equal(track_build(p, clips, 0, &t), 0);
        assert_int_equal(mix_render_wav(t, path), 0);

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
                                fail_msg("countdown \"%s\" at %.3f s sounds %.2f ms off", c->text,
                                         c->start / 1e6, error * 1000.0 / rate);
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
        track_free(t);
        plan_free(p);
        clips_free(clips);
        speech_free(speech);
        voice_free(v);
        routine_free(r);
}

/* The mixer gives the same samples however the stream is cut into periods. */
static void test_mix_is_the_same_in_any_period(void **state) {
        int16_t a[5] = { 1000, 2000, 3000, 4000, 5000 }, b[3] = { -1000, -2000, -3000 };
        struct clip ca = { a, 5 }, cb = { b, 3 };
        struct placed_clip placed[] = { { 2, &ca }, { 9, &cb } };
        struct track t = { placed, 2, 14, 22050 };
        int16_t whole[14], pieces[14];
        size_t hint = 0;

        mix_fill(&t, 0, whole, 14, &hint);
        int16_t expect[14] = { 0, 0, 1000, 2000, 3000, 4000, 5000, 0, 0, -1000, -2000, -3000, 0, 0 };
        assert_memory_equal(whole, expect, sizeof whole);

        for (size_t period = 1; period <= 14; period++) {
                hint = 0;
                for (size_t pos = 0; pos < 14; pos += period)
                        mix_fill(&t, pos, pieces + pos, MIN(period, 14 - pos), &hint);
                assert_memory_equal(whole, pieces, sizeof whole);
        }
        /* A jump backwards (a seek) works too. */
        mix_fill(&t, 3, pieces, 4, &hint);
        assert_memory_equal(pieces, whole + 3, 4 * sizeof *pieces);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rendered_countdowns_sound_on_time),
                cmocka_unit_test(test_mix_is_the_same_in_any_period),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
