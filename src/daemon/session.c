#include <assert.h>
#include <errno.h>

#include "log.h"
#include "earcon.h"
#include "mix.h"
#include "session.h"

/* How often the control thread looks at what is heard. Cues and interludes are looked at
 * when they begin; in between, only a changing state (a command on its way to the ear,
 * the last words) is looked at often, and a steady one once a second, for the device. */
#define TICK_USEC (50 * USEC_PER_MSEC)
#define STEADY_USEC USEC_PER_SEC
#define RETRY_USEC (2 * USEC_PER_SEC)
#define TONE_PEAK 6000 /* -15 dBFS: heard beside speech, not over it */
/* A fade is heard a device's latency after it is rendered. A device that holds more than
 * this is silenced by throwing away what it holds instead: a pause is heard at once. */
#define DROP_AFTER_USEC (60 * USEC_PER_MSEC)

struct session {
        sd_event *event;
        const struct plan *plan;
        struct plan *lead_in_plan;
        struct track *track, *lead_in;
        struct clip *tones[PLAYER_TONES];
        struct feed feed;
        struct output_spec spec;
        struct output *output;
        unsigned rate;
        sd_event_source *tick, *retry;
        bool parked;    /* paused, and the output stopped: the player is the control thread's */
        usec_t settled; /* when the last command has been heard, and has been looked at */
        struct heard last;
        ssize_t announced; /* the cue SESSION_CUE told of last */
        const char *reason;
        int error;
        session_notify_fn notify;
        void *userdata;
};

static void emit(struct session *s, enum session_event e) {
        if (s->notify)
                s->notify(s, e, s->userdata);
}

static void heard_now(struct session *s, usec_t now, struct heard *h) {
        const struct player *p = &s->feed.player;

        if (s->output && !s->parked) {
                if (!feed_heard(&s->feed, now, h)) /* the device has not begun: nothing new */
                        *h = s->last;
                return;
        }
        /* Nothing plays: the player is the control thread's, and what it says is what is heard. */
        *h = (struct heard){ .frame = p->frame, .state = p->state, .pos = p->pos, .cue = player_cue_at(p, p->pos) };
}

/* Stops the device and takes the player back, paused where the listener stopped hearing
 * it when the device stopped; *ret (if not NULL) says where, when the device said. */
static bool take_back(struct session *s, struct heard *ret) {
        output_stop(s->output);
        return feed_detach(&s->feed, now_monotonic(), ret);
}

static void lose_output(struct session *s, usec_t now) {
        log_warning("Lost %s; paused, trying it again every %u s.", s->output->description,
                    (unsigned) (RETRY_USEC / USEC_PER_SEC));
        take_back(s, NULL);
        s->output = (output_free(s->output), NULL);
        /* Only a routine that was playing goes on by itself when the device is back. */
        if (s->last.state == PLAYER_PLAYING)
                s->reason = "the sound device went away";
        sd_event_source_set_enabled(s->retry, SD_EVENT_ON);
        sd_event_source_set_time(s->retry, now + RETRY_USEC);
}

/* Paused, and heard to be: the device is stopped, so that a paused routine costs nothing
 * (the callback and the sound server's client thread wake every period while a stream
 * runs, silent or not). A WAV file is a recording of the morning, pauses included. */
static void park(struct session *s, usec_t now) {
        if (s->parked || s->output->spec.kind == OUTPUT_WAV || !feed_at_rest(&s->feed, now))
                return;
        take_back(s, NULL);
        s->parked = true;
        log_debug("Paused: stopped %s.", s->output->description);
}

/* A command that silences (a pause, a toggle while the routine is heard playing, a stop),
 * taken at once: the device throws away what it holds, and the routine pauses where the
 * listener stopped hearing it, as when a device goes away. Resuming says the sentence
 * that was cut from its start, as after any pause. A device that holds little hears the
 * command's fade as soon, with no cut; a WAV file records the fade. */
static bool drop(struct session *s, enum player_command c, usec_t now) {
        struct heard h;

        if (!s->output || s->parked || s->output->spec.kind == OUTPUT_WAV || s->output->latency <= DROP_AFTER_USEC)
                return false;
        if (c == PLAYER_TOGGLE) {
                if (feed_sending(&s->feed) || !feed_heard(&s->feed, now, &h) || h.state != PLAYER_PLAYING)
                        return false;
        } else if (c != PLAYER_PAUSE && c != PLAYER_STOP)
                return false;
        if (take_back(s, &h))
                log_debug("%s: heard up to %.3f s of the routine; what %s held was thrown away.",
                          player_command_to_string(c), (double) h.pos / s->rate, s->output->description);
        s->parked = true;
        return true;
}

/* The player has something to say (it goes on, repeats a cue or sounds a tone while paused): the device
 * plays again. Left parked, a repeat would never be heard, and the next command would wait
 * forever for a fade no one renders. One that will not play is lost, and the routine goes
 * on when it is back. */
static void unpark(struct session *s) {
        if (!s->parked || !(player_audible(&s->feed.player) || player_toning(&s->feed.player)))
                return;
        s->parked = false;
        if (output_start(s->output, &s->feed) < 0) {
                lose_output(s, now_monotonic());
                s->reason = "the sound device went away";
        }
}

static void finish(struct session *s, int error) {
        s->error = error;
        sd_event_source_set_enabled(s->tick, SD_EVENT_OFF);
        sd_event_source_set_enabled(s->retry, SD_EVENT_OFF);
        emit(s, SESSION_END);
}

/* When to look again: at the next cue's first sound, at the end of "Ready. 3, 2, 1" (when
 * the cut-off sentence begins again), or in a while. */
static usec_t next_look(const struct session *s, usec_t now, const struct heard *h) {
        const struct track *t = s->track;
        bool changing = now < s->settled || (size_t) (h->cue + 1) >= t->n_clips;
        usec_t next = now + (changing ? TICK_USEC : STEADY_USEC);

        if (s->parked)
                return USEC_INFINITY; /* nothing changes but by a command, which looks */

        if (h->state == PLAYER_PLAYING && h->interlude && h->interlude_end > h->frame)
                return MIN(next, now + usec_from_samples(h->interlude_end - h->frame, t->rate));
        if (h->state == PLAYER_PLAYING && !h->interlude && (size_t) (h->cue + 1) < t->n_clips) {
                uint64_t start = t->clips[h->cue + 1].start;
                if (start > h->pos)
                        next = MIN(next, now + usec_from_samples(start - h->pos, t->rate));
        }
        return next;
}

/* Looks in 20 ms, then often: until the device has played what it holds now, and for_usec more. */
static int look_soon(struct session *s, usec_t for_usec) {
        usec_t now = now_monotonic();

        s->settled = now + (s->output ? s->output->latency : 0) + for_usec;
        return sd_event_source_set_time(s->tick, now + 20 * USEC_PER_MSEC);
}

static int on_tick(sd_event_source *source, uint64_t usec, void *userdata) {
        struct session *s = userdata;
        usec_t now = now_monotonic();
        struct heard h, prev;
        int r;

        if (s->output && !s->parked) {
                r = output_check(s->output, now);
                if (r == -EIO)
                        lose_output(s, now);
                else if (r < 0) {
                        log_error_errno(r, "Failed to play into %s: %m", s->output->description);
                        finish(s, r);
                        return 0;
                }
        }
        prev = s->last;
        heard_now(s, now, &h);
        s->last = h; /* what the listeners read in session_status() */
        if (h.state != prev.state || h.interlude != prev.interlude) {
                if (h.state == PLAYER_PLAYING)
                        s->reason = NULL;
                emit(s, SESSION_STATE);
        }
        /* A paused sentence is said again from its start: then it is told of again. */
        if (h.state == PLAYER_PAUSED && h.cue >= 0 && h.pos == s->track->clips[h.cue].start)
                s->announced = -1;
        if (h.state == PLAYER_PLAYING && !h.interlude && h.cue >= 0 && h.cue != s->announced) {
                const struct cue *cue = &s->plan->cues[h.cue];
                /* When it began to be heard, by the device's clock: this look may come late. */
                usec_t began = now - usec_from_samples(h.pos - s->track->clips[h.cue].start, s->track->rate);
                s->announced = h.cue;
                log_debug("cue %zd %s heard at %.6f (planned %.6f): %s", h.cue, cue_kind_to_string(cue->kind),
                          began / 1e6, cue->start / 1e6, cue->text);
                emit(s, SESSION_CUE);
        }
        emit(s, SESSION_PROGRESS);
        if (h.state == PLAYER_FINISHED || h.state == PLAYER_STOPPED) {
                finish(s, 0);
                return 0;
        }
        if (h.state == PLAYER_PAUSED && s->output)
                park(s, now);
        sd_event_source_set_time(source, next_look(s, now, &h));
        return 0;
}

/* The device again, playing the feed, quietly: no messages while it is not back. */
static int reopen(struct session *s, struct output **ret) {
        _cleanup_(output_freep) struct output *o = NULL;
        struct output_spec quiet = s->spec;
        int r;

        quiet.quiet = true;
        r = output_open(&quiet, s->rate, &o);
        if (r < 0)
                return r;
        if (o->rate != s->rate)
                return log_warning_errno(EIO, "%s is back, but not at %u Hz; waiting for it.", o->description, s->rate);
        r = output_start(o, &s->feed);
        if (r < 0)
                return r;
        log_info("Playing on %s again.", o->description);
        *ret = o;
        o = NULL;
        return 0;
}

static int on_retry(sd_event_source *source, uint64_t usec, void *userdata) {
        struct session *s = userdata;
        struct output *o = NULL;

        if (reopen(s, &o) < 0) {
                sd_event_source_set_time(source, usec + RETRY_USEC);
                return 0;
        }
        s->output = o;
        sd_event_source_set_enabled(source, SD_EVENT_OFF);
        if (s->reason) /* paused by the loss, not by the listener: go on, with a lead-in */
                feed_send(&s->feed, PLAYER_RESUME);
        (void) look_soon(s, USEC_PER_SEC); /* a sound server can take a second to begin */
        return 0;
}

/* One of the session's timers on CLOCK_MONOTONIC, due at at: SD_EVENT_ON for one that is
 * moved on each time it fires, SD_EVENT_OFF for one not yet needed. */
static int add_timer(struct session *s, sd_event_source **ret, usec_t at, sd_event_time_handler_t handler,
                     int enabled) {
        int r = sd_event_add_time(s->event, ret, CLOCK_MONOTONIC, at, 1, handler, s);

        if (r < 0)
                return log_error_errno(r, "Failed to add a timer: %m");
        r = sd_event_source_set_enabled(*ret, enabled);
        if (r < 0)
                return log_error_errno(r, "Failed to enable a timer: %m");
        return 0;
}

/* A volume's tone high and short, a refusal's low and longer; both well under speech's peak. */
static int make_tones(struct session *s) {
        static const struct {
                enum player_command tone;
                double hz;
                usec_t duration;
        } tones[] = {
                { PLAYER_TONE_LEVEL, 880, 80 * USEC_PER_MSEC },
                { PLAYER_TONE_REFUSED, 196, 200 * USEC_PER_MSEC },
        };
        static_assert(ELEMENTSOF(tones) == PLAYER_TONES, "a sound for each tone");

        for (size_t i = 0; i < ELEMENTSOF(tones); i++) {
                int r = clip_tone(s->rate, tones[i].hz, tones[i].duration, TONE_PEAK,
                                  &s->tones[player_tone_index(tones[i].tone)]);
                if (r < 0)
                        return r;
        }
        player_set_tones(&s->feed.player, s->tones[player_tone_index(PLAYER_TONE_LEVEL)],
                         s->tones[player_tone_index(PLAYER_TONE_REFUSED)]);
        return 0;
}

/* Paused at a cue, as a routine whose device went away there: it goes on once the device
 * plays (at once, or when it is back), unless the listener had paused it. */
static int begin_at(struct session *s, const struct session_from *from, usec_t now) {
        player_pause_at(&s->feed.player, s->track->clips[from->cue].start);
        s->parked = s->output != NULL;
        heard_now(s, now, &s->last);
        if (!from->paused)
                s->reason = "the sound device went away";
        if (!s->output) {
                log_warning("Paused until the sound device plays; trying it again every %u s.",
                            (unsigned) (RETRY_USEC / USEC_PER_SEC));
                sd_event_source_set_enabled(s->retry, SD_EVENT_ON);
                return sd_event_source_set_time(s->retry, now + RETRY_USEC);
        }
        return from->paused ? 0 : session_command(s, PLAYER_RESUME);
}

int session_start(sd_event *e, const struct plan *plan, struct clips *clips, const struct voice *voice,
                  const struct output_spec *spec, double volume, const struct session_from *from,
                  session_notify_fn notify, void *userdata, struct session **ret) {
        _cleanup_(session_freep) struct session *s = calloc(1, sizeof *s);
        usec_t now = now_monotonic();
        int r;

        if (!s)
                return -ENOMEM;
        s->event = sd_event_ref(e);
        s->plan = plan;
        s->spec = *spec;
        s->notify = notify;
        s->userdata = userdata;
        s->last = (struct heard){ .state = PLAYER_PLAYING, .cue = -1 };
        s->announced = -1;

        r = output_open(spec, clips_sample_rate(clips), &s->output);
        if (r < 0 && !(from && output_error_is_device(r)))
                return r;
        /* With no device yet, the track is built at the rate it will be asked for. */
        s->rate = s->output ? s->output->rate : output_spec_rate(spec, clips_sample_rate(clips));

        r = plan_lead_in(voice, clips_duration, clips, &s->lead_in_plan);
        if (r < 0)
                return r;
        r = track_build(s->lead_in_plan, clips, s->rate, &s->lead_in);
        if (r < 0)
                return r;
        r = track_build(plan, clips, s->rate, &s->track);
        if (r < 0)
                return r;
        feed_init(&s->feed, plan, s->track, s->lead_in, volume);
        r = make_tones(s);
        if (r < 0)
                return r;

        r = add_timer(s, &s->tick, now, on_tick, SD_EVENT_ON);
        if (r < 0)
                return r;
        r = add_timer(s, &s->retry, now + RETRY_USEC, on_retry, SD_EVENT_OFF);
        if (r < 0)
                return r;

        r = from ? begin_at(s, from, now) : output_start(s->output, &s->feed);
        if (r < 0)
                return r;
        r = look_soon(s, USEC_PER_SEC);
        if (r < 0)
                return r;
        *ret = s;
        s = NULL;
        return 0;
}

void session_free(struct session *s) {
        if (!s)
                return;
        output_free(s->output); /* first: then nothing renders what is freed below */
        sd_event_source_disable_unref(s->tick);
        sd_event_source_disable_unref(s->retry);
        track_free(s->track);
        track_free(s->lead_in);
        plan_free(s->lead_in_plan);
        for (size_t i = 0; i < PLAYER_TONES; i++)
                clip_free(s->tones[i]);
        sd_event_unref(s->event);
        free(s);
}

int session_command(struct session *s, enum player_command c) {
        int r;

        if (drop(s, c, now_monotonic()) && c == PLAYER_TOGGLE)
                c = PLAYER_PAUSE; /* paused already: a toggle now would resume */
        r = feed_send(&s->feed, c);
        if (r < 0)
                return r;
        if (c == PLAYER_RESUME || c == PLAYER_TOGGLE)
                s->reason = NULL;
        if (s->parked) {
                unpark(s);                         /* a parked player took the command at once */
                return look_soon(s, USEC_PER_SEC); /* a sound server can take a second to begin */
        }
        /* Look again soon, so whoever asked hears about it promptly, and often until the
         * device has played what came before it. */
        return look_soon(s, 2 * TICK_USEC);
}

void session_set_volume(struct session *s, double volume) {
        player_set_volume(&s->feed.player, volume);
}

void session_status(struct session *s, struct session_status *ret) {
        struct heard now;

        /* The state is the one told of; the position is the one heard now, not at the last look. */
        heard_now(s, now_monotonic(), &now);
        if (now.state != s->last.state || now.interlude != s->last.interlude)
                now = s->last;
        *ret = (struct session_status){
                .heard = s->last,
                .position = usec_from_samples(now.pos, s->rate),
                .total = s->plan->total,
                .reason = s->last.state == PLAYER_PAUSED ? s->reason : NULL,
                .device = s->output != NULL,
        };
}

int session_speech(struct session *s, usec_t now, usec_t after, struct span *ret) {
        const struct track *t = s->track;
        usec_t from = now; /* when the routine's sample h.pos is heard */
        struct heard h;

        if (!s->output || s->parked) /* nothing plays: paused, or the device lost */
                return 0;
        if (!feed_heard(&s->feed, now, &h))
                return -EAGAIN; /* the device has not begun: when it will be heard is not known yet */
        if (h.state != PLAYER_PLAYING)
                return 0;
        if (h.interlude && h.interlude_end > h.frame) { /* "Ready. 3, 2, 1", or a cue said again */
                from = now + usec_from_samples(h.interlude_end - h.frame, t->rate);
                if (after < from) {
                        *ret = (struct span){ now, from };
                        return 1;
                }
        }
        for (size_t i = h.cue < 0 ? 0 : (size_t) h.cue; i < t->n_clips; i++) {
                const struct placed_clip *c = &t->clips[i];
                uint64_t end = c->start + c->clip->n_samples;
                uint64_t onset = track_clip_onset(t, i, samples_from_usec(EARCON_GAP_USEC, t->rate) + 1);
                usec_t begin, until;

                if (end <= h.pos)
                        continue;
                until = from + usec_from_samples(end - h.pos, t->rate);
                if (until <= after)
                        continue;
                begin = onset >= h.pos ? from + usec_from_samples(onset - h.pos, t->rate)
                                       : from - MIN(from, usec_from_samples(h.pos - onset, t->rate));
                *ret = (struct span){ begin, until };
                return 1;
        }
        return 0;
}

const struct plan *session_plan(const struct session *s) {
        return s->plan;
}

const char *session_output(const struct session *s) {
        return s->output ? s->output->description : NULL;
}

int session_error(const struct session *s) {
        return s->error;
}
