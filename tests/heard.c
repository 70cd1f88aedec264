/* heard: finds a routine's cues in a recording of what a listener heard, and says how far
 * each gap between consecutive cues is from the plan.
 *
 *   heard [--onsets] [--tolerance-ms MS] [--level LEVEL] [--earcons] [--cues FIRST-LAST]
 *         [--quiet-after SECONDS]... RECORDING.wav ROUTINE VOICE
 *
 * It plans the routine as tiptoed does (same eSpeak NG clips) and looks for each cue's
 * clip, in order, near where the last one found says it should be. A cue not there
 * (after a pause, or a device that went away) is looked for further on, and where it is
 * found again is a "resync". With --cues, only those cues are looked for, the first of
 * them wherever it is (a recording made after a device came back starts mid-routine).
 * Prints one line per cue and a summary; exits 1 when a cue is missing, comes out of
 * order, or a gap is off by more than the tolerance. --quiet-after says where the first
 * stretch of 200 ms of quiet at or after an instant begins (bench/timing's pauses). With
 * --onsets, each cue is looked for wherever it is next heard, however late, and its onset is
 * compared with the plan's (bench/compare, for players that drift by seconds); given
 * --tolerance-ms too, it exits 1 when a gap between consecutive onsets is off by more than
 * that (a path that resamples, whose waveform is not the clips' sample for sample). With
 * --earcons, the voice's earcons are planned (on, whatever the voice file says) and each is
 * looked for too, where the plan puts it after the cue heard before it: off by more than
 * the tolerance, or not there, it fails. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>

#include "clips.h"
#include "log.h"
#include "planned.h"
#include "wav.h"

#define TEMPLATE_MSEC 80 /* of each clip's start, correlated with the recording */
#define NEAR_MSEC 50     /* how far from where it should be a cue is looked for */
#define MATCH 0.9        /* normalized correlation that counts as "this clip" */

struct recording {
        int16_t *pcm;
        size_t n;
        unsigned rate;
};

/* Normalized correlation of the clip's start with the recording at offset at. */
static double correlate(const struct recording *r, const struct clip *c, size_t at) {
        size_t n = MIN(c->n_samples, (size_t) r->rate * TEMPLATE_MSEC / 1000);
        double xy = 0, xx = 0, yy = 0;

        if (at + n > r->n)
                return 0;
        for (size_t k = 0; k < n; k++) {
                double x = r->pcm[at + k], y = c->samples[k];
                xy += x * y;
                xx += x * x;
                yy += y * y;
        }
        return xx > 0 && yy > 0 ? xy / sqrt(xx * yy) : 0;
}

/* The best match of clip within [from, to); -1 if none matches. */
static ssize_t find_clip(const struct recording *r, const struct clip *c, size_t from, size_t to) {
        double best = MATCH;
        ssize_t at = -1;

        for (size_t i = from; i < MIN(to, r->n); i++) {
                double v = correlate(r, c, i);
                if (v > best) {
                        best = v;
                        at = (ssize_t) i;
                }
        }
        return at;
}

static bool loud(int16_t s) {
        return abs(s) >= CLIP_SILENCE_THRESHOLD;
}

/* Where clip c is first heard from sample from on, looked for only where a sound begins
 * after quiet; -1 if nowhere. */
static ssize_t find_onward(const struct recording *r, const struct clip *c, size_t from) {
        size_t near = r->rate * NEAR_MSEC / 1000, quiet = 0, onset_quiet = r->rate / 50; /* 20 ms */

        for (size_t at = from; at < r->n; at++) {
                if (!loud(r->pcm[at])) {
                        quiet++;
                        continue;
                }
                bool onset = quiet >= onset_quiet || at == from;
                quiet = 0;
                if (!onset)
                        continue;
                ssize_t here = find_clip(r, c, at > near ? at - near : 0, at + near);
                if (here >= 0)
                        return here;
        }
        return -1;
}

/* Cue i and cue i + 1 both, at the plan's distance apart, from sample from on: where a
 * routine goes on after a break, past whatever was said in between ("Ready. 3, 2, 1"). */
static ssize_t resync(const struct recording *r, const struct plan *p, const struct track *t, size_t i, size_t from) {
        size_t near = r->rate * NEAR_MSEC / 1000;

        for (;;) {
                ssize_t here = find_onward(r, t->clips[i].clip, from);
                if (here < 0 || i + 1 == p->n_cues)
                        return here;
                size_t next = here + (t->clips[i + 1].start - t->clips[i].start);
                if (find_clip(r, t->clips[i + 1].clip, next > near ? next - near : 0, next + near) >= 0)
                        return here;
                from = here + near + 1;
        }
}

static int cmp_double(const void *a, const void *b);

/* The first sample of sound at or after from that follows at least quiet_ms of quiet, or
 * that begins the recording; r->n if there is none. */
static size_t next_onset(const struct recording *r, size_t from, unsigned quiet_ms) {
        size_t quiet = 0, need = (size_t) r->rate * quiet_ms / 1000;

        for (size_t at = from; at < r->n; at++) {
                if (!loud(r->pcm[at]))
                        quiet++;
                else if (quiet >= need || at == 0)
                        return at;
                else
                        quiet = 0;
        }
        return r->n;
}

static size_t leading_quiet(const struct clip *c) {
        size_t i = 0;
        while (i < c->n_samples && !loud(c->samples[i]))
                i++;
        return i;
}

/* --onsets: how far each cue's onset is from the plan's, counted from the first cue's, for
 * players that drift by seconds, whose cues cannot be looked for near where they belong.
 * Every cue is a stretch of sound as long as its clip, the next begins after quiet, and
 * nothing else is heard: each onset in turn is the next cue's. */
static int onsets(const struct recording *r, const struct plan *p, const struct track *t, double gap_tolerance) {
        double *errors = calloc(p->n_cues, sizeof *errors), last = 0, t0 = 0, worst_gap = 0;
        size_t at = 0, n = 0, near = r->rate * NEAR_MSEC / 1000;

        if (!errors)
                return 2;
        for (size_t i = 0; i < p->n_cues; i++) {
                const struct clip *c = t->clips[i].clip;
                size_t lead = leading_quiet(c);

                at = next_onset(r, at, 50);
                if (at >= r->n)
                        break;
                double heard = (double) (at - lead) / r->rate;
                if (i == 0)
                        t0 = heard;
                double error = (heard - t0 - p->cues[i].start / 1e6) * 1000;
                worst_gap = MAX(worst_gap, fabs(error - last)); /* the gap from the cue before */
                last = error;
                errors[n++] = fabs(last);
                printf("cue %zu %-11s %9.3f  heard at %9.4f  onset error %+10.3f ms  %s\n", i,
                       cue_kind_to_string(p->cues[i].kind), p->cues[i].start / 1e6, heard, last, p->cues[i].text);
                at += MAX(c->n_samples - lead, near) - near;
        }
        if (n < p->n_cues)
                printf("# only %zu of %zu cues were heard\n", n, p->n_cues);
        else if ((at = next_onset(r, at, 50)) < r->n)
                printf("# sound after the last cue, at %.4f s: the cues are not what was heard\n",
                       (double) at / r->rate);
        qsort(errors, n, sizeof *errors, cmp_double);
        printf("# onsets: %zu of %zu cues; onset error |median| %.3f ms, p99 %.3f ms, max %.3f ms; drift %.3f s; "
               "gap error max %.3f ms\n",
               n, p->n_cues, n ? errors[n / 2] : 0, n ? errors[MIN(n - 1, (size_t) ceil(n * 0.99) - 1)] : 0,
               n ? errors[n - 1] : 0, last / 1000, worst_gap);
        free(errors);
        return n == p->n_cues && at >= r->n && !(worst_gap > gap_tolerance) ? 0 : 1;
}

/* Each earcon after a cue that was heard, where the plan puts it from there; false if one
 * is missing or off by more than tolerance ms. */
static bool earcons_heard(const struct recording *r, const struct plan *p, const struct track *t, const ssize_t *at,
                          double tolerance) {
        size_t near = r->rate * NEAR_MSEC / 1000, found = 0, looked = 0, k = 0;
        double worst = 0;
        bool ok = true;

        for (size_t i = 0; i < t->n_earcons; i++) {
                const struct placed_clip *e = &t->earcons[i];
                while (k + 1 < t->n_clips && t->clips[k + 1].start < e->start)
                        k++;
                if (at[k] < 0 || k + 1 >= t->n_clips || at[k + 1] < 0)
                        continue; /* not where this recording can say */
                looked++;
                size_t expect = at[k] + (e->start - t->clips[k].start);
                ssize_t here = find_clip(r, e->clip, expect > near ? expect - near : 0, expect + near);
                const char *name = earcon_to_string(p->sounds[i].earcon);
                if (here < 0) {
                        printf("earcon %zu %-9s %9.3f  NOT HEARD\n", i, name, p->sounds[i].start / 1e6);
                        ok = false;
                        continue;
                }
                double error = ((double) here - (double) expect) * 1000 / r->rate;
                worst = MAX(worst, fabs(error));
                ok = ok && fabs(error) <= tolerance;
                found++;
                printf("earcon %zu %-9s %9.3f  heard at %9.4f  error %+7.3f ms\n", i, name, p->sounds[i].start / 1e6,
                       (double) here / r->rate, error);
        }
        printf("# %zu of %zu earcons heard where the plan puts them after the cue before, error max %.3f ms\n", found,
               looked, worst);
        return ok && looked > 0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;
        return (x > y) - (x < y);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = { { "tolerance-ms", required_argument, NULL, 't' },
                                                 { "level", required_argument, NULL, 'l' },
                                                 { "cues", required_argument, NULL, 'c' },
                                                 { "quiet-after", required_argument, NULL, 'q' },
                                                 { "onsets", no_argument, NULL, 'o' },
                                                 { "earcons", no_argument, NULL, 'e' },
                                                 {} };
        double tolerance = 2.0, onset_gap_tolerance = INFINITY;
        int level = LEVEL_NORMAL, earcons = -1, c;
        bool by_onsets = false;
        size_t first = 0, last = SIZE_MAX, n_quiet = 0;
        double quiet_after[64];
        struct recording rec = {};
        struct planned planned;

        while ((c = getopt_long(argc, argv, "t:l:c:q:", options, NULL)) >= 0)
                if (c == 'o')
                        by_onsets = true;
                else if (c == 'e')
                        earcons = 1;
                else if (c == 'q' && n_quiet < ELEMENTSOF(quiet_after))
                        quiet_after[n_quiet++] = atof(optarg);
                else if (c == 't')
                        tolerance = onset_gap_tolerance = atof(optarg);
                else if (c == 'c' && sscanf(optarg, "%zu-%zu", &first, &last) >= 1)
                        ;
                else if (c == 'l' && (level = level_from_string(optarg)) >= 0)
                        ;
                else
                        return 2;
        if (argc - optind != 3) {
                fprintf(stderr, "Usage: heard [--onsets] [--tolerance-ms MS] [--level LEVEL] [--earcons] "
                                "[--cues FIRST-LAST] [--quiet-after SECONDS]... "
                                "RECORDING.wav ROUTINE VOICE\n");
                return 2;
        }
        if (wav_read(argv[optind], &rec.pcm, &rec.n, &rec.rate) < 0)
                return fprintf(stderr, "heard: cannot read %s\n", argv[optind]), 2;
        if (planned_load(argv[optind + 1], argv[optind + 2], level, earcons, rec.rate, &planned) < 0)
                return 2;
        const struct plan *plan = planned.plan;
        const struct track *track = planned.track;

        if (by_onsets) {
                int r = onsets(&rec, plan, track, onset_gap_tolerance);
                planned_free(&planned);
                free(rec.pcm);
                return r;
        }
        size_t near = rec.rate * NEAR_MSEC / 1000, found = 0, resyncs = 0, n_gaps = 0, first_loud = 0;
        double *gaps = calloc(plan->n_cues, sizeof *gaps), worst = 0;
        ssize_t *heard_at = malloc(MAX(plan->n_cues, (size_t) 1) * sizeof *heard_at);
        ssize_t prev = -1, segment_start = -1;
        size_t segment_cue = 0;
        double drift_ppm = 0;
        bool ok = true;

        if (!gaps || !heard_at)
                return 2;
        for (size_t i = 0; i < plan->n_cues; i++)
                heard_at[i] = -1;
        while (first_loud < rec.n && !loud(rec.pcm[first_loud]))
                first_loud++;
        last = MIN(last, plan->n_cues - 1);
        for (size_t i = first; i <= last; i++) {
                const struct clip *clip = track->clips[i].clip;
                ssize_t at;
                bool again = false;

                if (prev < 0 && i > 0)
                        at = resync(&rec, plan, track, i, 0);
                else if (prev < 0)
                        at = find_clip(&rec, clip, first_loud > near ? first_loud - near : 0, first_loud + near);
                else {
                        size_t expect = prev + (track->clips[i].start - track->clips[i - 1].start);
                        at = find_clip(&rec, clip, expect > near ? expect - near : 0, expect + near);
                        if (at < 0) {
                                at = resync(&rec, plan, track, i, prev + 1);
                                again = at >= 0;
                        }
                }
                if (at < 0) {
                        printf("cue %zu %-11s %9.3f  NOT HEARD  %s\n", i, cue_kind_to_string(plan->cues[i].kind),
                               plan->cues[i].start / 1e6, plan->cues[i].text);
                        ok = false;
                        continue;
                }
                found++;
                if (again || prev < 0) {
                        if (again)
                                resyncs++;
                        printf("cue %zu %-11s %9.3f  heard at %9.4f  %s%s\n", i, cue_kind_to_string(plan->cues[i].kind),
                               plan->cues[i].start / 1e6, (double) at / rec.rate, again ? "RESYNC  " : "",
                               plan->cues[i].text);
                        if (prev < 0)
                                printf("# cue %zu is heard %.4f s after the first sound\n", i,
                                       (double) (at - (ssize_t) first_loud) / rec.rate);
                        segment_start = at;
                        segment_cue = i;
                } else {
                        double expected = (double) (track->clips[i].start - track->clips[i - 1].start) / rec.rate;
                        double error = ((double) (at - prev) / rec.rate - expected) * 1000;
                        gaps[n_gaps++] = fabs(error);
                        worst = MAX(worst, fabs(error));
                        if (fabs(error) > tolerance)
                                ok = false;
                        printf("cue %zu %-11s %9.3f  heard at %9.4f  gap error %+7.3f ms  %s\n", i,
                               cue_kind_to_string(plan->cues[i].kind), plan->cues[i].start / 1e6,
                               (double) at / rec.rate, error, plan->cues[i].text);
                        uint64_t span = track->clips[i].start - track->clips[segment_cue].start;
                        if (span > 0)
                                drift_ppm = ((double) (at - segment_start) - (double) span) / span * 1e6;
                }
                prev = heard_at[i] = at;
        }

        for (size_t q = 0; q < n_quiet; q++) {
                size_t run = 0, need = rec.rate / 5, i = (size_t) (quiet_after[q] * rec.rate);
                for (; i < rec.n && run < need; i++)
                        run = loud(rec.pcm[i]) ? 0 : run + 1;
                printf("# quiet after %.4f s begins at %.4f s\n", quiet_after[q], (double) (i - run) / rec.rate);
        }

        qsort(gaps, n_gaps, sizeof *gaps, cmp_double);
        printf("# %zu of %zu cues heard in order, %zu resync%s; gap error |median| %.3f ms, p99 %.3f ms, "
               "max %.3f ms over %zu gaps; drift %.1f ppm\n",
               found, last - first + 1, resyncs, resyncs == 1 ? "" : "s", n_gaps ? gaps[n_gaps / 2] : 0,
               n_gaps ? gaps[MIN(n_gaps - 1, (size_t) ceil(n_gaps * 0.99) - 1)] : 0, worst, n_gaps, drift_ppm);

        if (earcons == 1 && !earcons_heard(&rec, plan, track, heard_at, tolerance))
                ok = false;
        free(heard_at);
        free(gaps);
        planned_free(&planned);
        free(rec.pcm);
        return ok ? 0 : 1;
}
