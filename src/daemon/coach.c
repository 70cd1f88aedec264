#include <assert.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>

#include "coach.h"
#include "log.h"
#include "paths.h"
#include "setup.h"

/* A tone with nothing playing sounds over this much quiet: the device's first buffer and
 * the longest tone, with room to spare. */
#define TONE_ALONE_USEC (400 * USEC_PER_MSEC)

struct workout {
        struct setup *setup;
        struct routine *routine;
        struct plan *plan;
        struct session *session;
        usec_t scheduled;            /* the scheduled run it is; 0: started by hand */
        usec_t paused_since, paused; /* CLOCK_MONOTONIC */
        unsigned skipped_steps;
        bool announcement; /* not a routine: the schedule saying one is coming */
        bool stopping;     /* told to stop: fading out */
        bool ended;        /* its end is decided and told of (COACH_FINISHED) */
};

struct coach {
        sd_event *event;
        struct coach_options options;
        char *language; /* set at run time; NULL: options' or settings' */
        int level;      /* -1: options' or settings' */
        double volume;  /* NAN: the settings' */

        struct speech *speech;
        struct setup *setup;
        struct workout *workout;
        struct coach_finished last;
        sd_event_source *reap;

        coach_notify_fn notify;
        void *userdata;
        coach_progress_fn progress;
        void *progress_userdata;
};

static void emit(struct coach *c, enum coach_event e) {
        if (c->notify)
                c->notify(c, e, c->userdata);
}

/* The settings file, and what overrides it: the command line, and what was set at run time. */
static struct setup_overrides overrides(const struct coach *c) {
        return (struct setup_overrides){
                .config = c->options.config,
                .level = c->level >= 0 ? c->level : c->options.level,
                .volume = c->volume,
                .language = c->language ?: c->options.language,
        };
}

static struct output_spec output_of(const struct coach *c) {
        return output_spec_choose(c->options.output_set ? &c->options.output : NULL, c->setup->settings);
}

/* Synthesizes every phrase of every routine there is now, before anyone asks: then Start,
 * GetPlan and ListRoutines answer in a millisecond, not in the 0.2 s a cold cache takes;
 * and gets the sound output ready, as far as it can be without a stream.
 * The default routine comes first, in the order it is spoken: eSpeak NG's output depends a
 * little on what it said before, and so it sounds sample for sample as tiptoed --once
 * would say it. */
static void warm(struct coach *c) {
        _cleanup_(routine_freep) struct routine *routine = NULL;
        _cleanup_(plan_freep) struct plan *plan = NULL;
        struct routine_summary *list = NULL;
        usec_t t0 = now_monotonic();
        struct conf_error err;
        size_t n = 0;

        (void) coach_plan(c, "", &routine, &plan, &err); /* setup_load() made sure it plans */
        if (coach_routines(c, &list, &n) >= 0)
                log_debug("Synthesized the phrases of %zu routines in %.0f ms.", n, (now_monotonic() - t0) / 1e3);
        routine_summaries_free(list, n);
        struct output_spec spec = output_of(c);
        output_prepare(&spec); /* and the first Start opens its device as fast as the next */
        malloc_trim(0);
}

static void workout_free(struct workout *w) {
        if (!w)
                return;
        session_free(w->session);
        plan_free(w->plan);
        routine_free(w->routine);
        setup_unref(w->setup);
        free(w);
}

DEFINE_POINTER_CLEANUP(struct workout, workout_free)

static void reap_now(struct coach *c) {
        workout_free(c->workout);
        c->workout = NULL;
        sd_event_source_set_enabled(c->reap, SD_EVENT_OFF);
}

static int on_reap(sd_event_source *s, void *userdata) {
        struct coach *c = userdata;

        reap_now(c);
        emit(c, COACH_QUIET);
        emit(c, COACH_CHANGED);
        return 0;
}

static void count_pause(struct workout *w, bool paused) {
        usec_t now = now_monotonic();

        if (paused && !w->paused_since)
                w->paused_since = now;
        else if (!paused && w->paused_since) {
                w->paused += now - w->paused_since;
                w->paused_since = 0;
        }
}

/* What the workout came to, for coach_last(), told of once: it is over from now on, even
 * while a Stop still fades out, so that whoever asked to stop reads it stopped. */
static void record_end(struct coach *c, struct workout *w) {
        struct session_status st;
        char at[CLOCK_MAX], total[CLOCK_MAX];
        int error = session_error(w->session);

        if (w->ended || w->announcement)
                return;
        session_status(w->session, &st);
        count_pause(w, false);
        free(c->last.routine);
        c->last = (struct coach_finished){
                .routine = strdup(w->routine->id),
                .completed = st.heard.state == PLAYER_FINISHED && error == 0,
                .failed = error < 0,
                .duration = st.heard.state == PLAYER_FINISHED ? st.total : MIN(st.position, st.total),
                .scheduled = w->scheduled,
                .paused = w->paused,
                .skipped_steps = w->skipped_steps,
        };
        format_clock(at, c->last.duration);
        format_clock(total, st.total);
        if (c->last.completed)
                log_info("Finished %s (%s).", w->routine->id, total);
        else
                log_info("Stopped %s at %s of %s.", w->routine->id, at, total);
        w->ended = true;
        emit(c, COACH_FINISHED);
}

static void on_session(struct session *s, enum session_event e, void *userdata) {
        struct coach *c = userdata;
        struct workout *w = c->workout;
        struct session_status st;

        switch (e) {
        case SESSION_CUE:
                emit(c, COACH_CUE);
                emit(c, COACH_CHANGED);
                break;
        case SESSION_STATE:
                session_status(s, &st);
                count_pause(w, st.heard.state == PLAYER_PAUSED);
                emit(c, COACH_CHANGED);
                break;
        case SESSION_PROGRESS:
                break;
        case SESSION_END:
                /* Freed from the loop, not from inside the session's own callback. */
                record_end(c, w);
                w->ended = true;
                sd_event_source_set_enabled(c->reap, SD_EVENT_ONESHOT);
                break;
        }
}

int coach_new(sd_event *e, const struct coach_options *o, coach_notify_fn notify, void *userdata, struct coach **ret,
              struct conf_error *err) {
        _cleanup_(coach_freep) struct coach *c = calloc(1, sizeof *c);
        int r;

        if (!c)
                return -ENOMEM;
        c->event = sd_event_ref(e);
        c->options = *o;
        c->level = -1;
        c->volume = NAN;
        c->notify = notify;
        c->userdata = userdata;

        r = setup_load(overrides(c), NULL, &c->setup, err); /* no speech yet: speech_new() checks the voice */
        if (r < 0)
                return r;
        r = speech_new(c->setup->voice, &c->speech);
        if (r < 0)
                return conf_error_set(err, r == -ENOENT ? -EINVAL : r,
                                      "%s: eSpeak NG cannot speak this voice (the log says why).",
                                      c->setup->voice->path);
        r = setup_speak(c->setup, NULL, c->speech);
        if (r < 0)
                return r;
        warm(c);
        r = sd_event_add_defer(e, &c->reap, on_reap, c);
        if (r < 0)
                return r;
        r = sd_event_source_set_enabled(c->reap, SD_EVENT_OFF);
        if (r < 0)
                return r;
        *ret = c;
        c = NULL;
        return 0;
}

void coach_free(struct coach *c) {
        if (!c)
                return;
        workout_free(c->workout);
        sd_event_source_disable_unref(c->reap);
        setup_unref(c->setup);
        speech_free(c->speech);
        free(c->last.routine);
        free(c->language);
        sd_event_unref(c->event);
        free(c);
}

static const char *routine_name(const struct coach *c, const char *name) {
        return setup_routine_name(c->setup, name);
}

/* With level = "auto", the level the history makes it now, into the settings in force. */
static void auto_level(struct coach *c, struct progress *ret) {
        *ret = (struct progress){ .level = LEVEL_EASY, .previous = LEVEL_EASY };
        if (c->progress)
                c->progress(c->progress_userdata, ret);
        c->setup->settings->level = ret->level;
}

int coach_plan(struct coach *c, const char *name, struct routine **ret_routine, struct plan **ret_plan,
               struct conf_error *err) {
        coach_level(c);
        return setup_plan(c->setup, name, ret_routine, ret_plan, err);
}

/* The first routine after level = "auto" changed the level begins by saying so. */
static int tell_level(struct coach *c, struct workout *w) {
        _cleanup_free_ char *news = NULL;
        struct progress p;
        int r;

        if (!c->setup->settings->level_auto)
                return 0;
        auto_level(c, &p);
        if (!p.news)
                return 0;
        r = plan_level_news(w->routine, p.previous, p.level, c->setup->voice, &news);
        if (r < 0 || !news)
                return r;
        log_info("Level %s (was %s): saying \"%s\" first.", level_to_string(p.level), level_to_string(p.previous),
                 news);
        return plan_prepend(w->plan, news, c->setup->voice, clips_duration, c->setup->clips);
}

/* Makes way for a new workout: an announcement, or a routine told to stop, ends at once;
 * one that ended is told of first. -EBUSY: a routine plays. */
static int make_way(struct coach *c, struct conf_error *err) {
        struct workout *w = c->workout;

        /* Stop, then at once Start: the fade need not finish first. */
        if (w && (w->ended || w->stopping || w->announcement))
                on_reap(c->reap, c);
        if (c->workout)
                return conf_error_set(err, -EBUSY, "%s is playing: stop it first.", c->workout->routine->id);
        return 0;
}

/* Plays w's plan, from the start or from a cue; on success the coach owns w. */
static int launch(struct coach *c, struct workout *w, const struct session_from *from, struct conf_error *err) {
        struct setup *s = c->setup;
        struct output_spec spec = output_of(c);
        int r;

        c->workout = w; /* the session's first notifications look here */
        r = session_start(c->event, w->plan, s->clips, s->voice, &spec, s->settings->volume, from, on_session, c,
                          &w->session);
        if (r < 0)
                c->workout = NULL;
        if (output_error_is_device(r)) /* said in the log, by the output */
                return conf_error_set(err, -ENODEV, "Cannot play on %s: the daemon's log says why.",
                                      coach_audio_device(c));
        if (output_error_is_file(r)) /* a wav: file */
                return conf_error_set(err, -ENODEV, "Cannot open %s: %s.", coach_audio_device(c), strerror(-r));
        if (r < 0) /* the daemon's own failure, said by the session */
                return r;
        w->setup = setup_ref(s);
        return 0;
}

int coach_announce(struct coach *c, const char *name, unsigned minutes, struct conf_error *err) {
        _cleanup_(workout_freep) struct workout *w = calloc(1, sizeof *w);
        _cleanup_free_ char *text = NULL, *n = NULL;
        int r;

        if (!w)
                return -ENOMEM;
        if (c->workout && !c->workout->ended && !c->workout->announcement)
                return conf_error_set(err, -EBUSY, "%s is playing.", c->workout->routine->id);
        r = make_way(c, err);
        if (r < 0)
                return r;
        w->announcement = true;
        r = load_routine(c->setup->settings, routine_name(c, name), &w->routine, err);
        if (r < 0)
                return r;
        if (asprintf(&n, "%u", minutes) < 0)
                return -ENOMEM;
        r = voice_phrase(c->setup->voice, PHRASE_ANNOUNCE, &text, "title", w->routine->title, "minutes", n, NULL);
        if (r < 0)
                return r;
        r = plan_announcement(text, clips_duration, c->setup->clips, &w->plan);
        if (r < 0)
                return r;
        r = launch(c, w, NULL, err);
        if (r < 0)
                return r;
        log_info("Announcing %s: %s", w->routine->id, text);
        w = NULL;
        emit(c, COACH_CHANGED);
        return 0;
}

bool coach_ending(const struct coach *c) {
        return c->workout && !c->workout->announcement && (c->workout->stopping || c->workout->ended);
}

bool coach_hush(struct coach *c) {
        if (!c->workout || !c->workout->announcement)
                return false;
        on_reap(c->reap, c);
        return true;
}

/* A workout of the routine name, planned, once the way is made for it. */
static int workout_new(struct coach *c, const char *name, struct workout **ret, struct conf_error *err) {
        _cleanup_(workout_freep) struct workout *w = NULL;
        int r;

        r = make_way(c, err);
        if (r < 0)
                return r;
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        r = coach_plan(c, name, &w->routine, &w->plan, err);
        if (r < 0)
                return r;
        *ret = w;
        w = NULL;
        return 0;
}

int coach_start(struct coach *c, const char *name, usec_t scheduled, struct conf_error *err) {
        _cleanup_(workout_freep) struct workout *w = NULL;
        int r;

        r = workout_new(c, name, &w, err);
        if (r < 0)
                return r;
        r = tell_level(c, w);
        if (r < 0)
                return r == -ENOMEM ? r
                                    : conf_error_set(err, -EINVAL, "%s: the level's news cannot be spoken: %s",
                                                     c->setup->voice->path, strerror(-r));
        r = launch(c, w, NULL, err);
        if (r < 0)
                return r;
        w->scheduled = scheduled;
        char length[CLOCK_MAX];
        log_info("Playing %s (%s) on %s.", w->routine->id, format_clock(length, w->plan->total),
                 session_output(w->session));
        w = NULL;
        emit(c, COACH_STARTED);
        emit(c, COACH_CHANGED);
        return 0;
}

int coach_go_on(struct coach *c, const struct place *p, struct conf_error *err) {
        _cleanup_(workout_freep) struct workout *w = NULL;
        const struct cue *cue;
        int r;

        r = workout_new(c, p->routine, &w, err);
        if (r < 0)
                return r;
        /* The plan it was playing, or another: a file, the level or the voice changed since. */
        if (w->plan->n_cues != p->cues || w->plan->total != p->total || !streq(w->plan->cues[p->cue].text, p->text))
                return conf_error_set(err, -ESTALE, "%s is not the routine it was any more: start it afresh.",
                                      p->routine);
        r = launch(c, w, &(struct session_from){ .cue = p->cue, .paused = p->paused }, err);
        if (r < 0)
                return r;
        w->scheduled = p->scheduled;
        w->paused = p->paused_for;
        w->paused_since = p->paused ? now_monotonic() : 0;
        w->skipped_steps = p->skipped_steps;
        cue = &w->plan->cues[p->cue];
        log_info("Going on with %s from cue %zu, \"%s\", where it was when tiptoed stopped%s.", w->routine->id, p->cue,
                 cue->text, p->paused ? ": paused, as it was" : "");
        w = NULL;
        emit(c, COACH_CHANGED);
        return 0;
}

bool coach_place(struct coach *c, struct place *ret) {
        struct workout *w = c->workout;
        struct session_status st;

        *ret = (struct place){};
        if (!w || w->ended || w->stopping || w->announcement)
                return false;
        session_status(w->session, &st);
        if (st.heard.cue < 0 || (st.heard.state != PLAYER_PLAYING && st.heard.state != PLAYER_PAUSED))
                return false; /* before the first word: a start afresh is as good */
        ret->routine = strdup(w->routine->id);
        ret->text = strdup(w->plan->cues[st.heard.cue].text);
        if (!ret->routine || !ret->text) {
                place_done(ret);
                return false;
        }
        ret->cues = w->plan->n_cues;
        ret->cue = (size_t) st.heard.cue;
        ret->total = w->plan->total;
        ret->paused = st.heard.state == PLAYER_PAUSED && !st.reason; /* by the listener */
        ret->scheduled = w->scheduled;
        ret->paused_for = w->paused + (w->paused_since ? now_monotonic() - w->paused_since : 0);
        ret->skipped_steps = w->skipped_steps;
        return true;
}

int coach_tone(struct coach *c, enum player_command tone, struct conf_error *err) {
        _cleanup_(workout_freep) struct workout *w = NULL;
        int r;

        assert(tone == PLAYER_TONE_LEVEL || tone == PLAYER_TONE_REFUSED);
        if (c->workout && !c->workout->ended) /* a routine, its fade, an announcement */
                return session_command(c->workout->session, tone);
        w = calloc(1, sizeof *w);
        if (!w)
                return -ENOMEM;
        w->announcement = true; /* idle still */
        r = make_way(c, err);
        if (r < 0)
                return r;
        r = plan_silence(TONE_ALONE_USEC, &w->plan);
        if (r < 0)
                return r;
        r = launch(c, w, NULL, err);
        if (r < 0)
                return r;
        r = session_command(w->session, tone);
        w = NULL;
        return r;
}

int coach_play(struct coach *c, enum player_command command, struct conf_error *err) {
        struct coach_status st;

        coach_status(c, &st);
        return st.state == COACH_IDLE ? coach_start(c, "", 0, err) : coach_command(c, command, err);
}

int coach_command(struct coach *c, enum player_command command, struct conf_error *err) {
        int r;

        if (!c->workout || c->workout->ended || c->workout->stopping || c->workout->announcement)
                return conf_error_set(err, -ESRCH, "Nothing is playing: start a routine first.");
        r = session_command(c->workout->session, command);
        if (r == -EAGAIN)
                return conf_error_set(err, -EAGAIN, "Too many commands at once: try again in a moment.");
        if (r < 0)
                return r;
        if (command == PLAYER_NEXT || command == PLAYER_NEXT_EXERCISE)
                c->workout->skipped_steps++;
        if (command == PLAYER_STOP) {
                c->workout->stopping = true;
                record_end(c, c->workout);
                emit(c, COACH_CHANGED);
        }
        return 0;
}

int coach_reload(struct coach *c, struct conf_error *err) {
        _cleanup_(setup_unrefp) struct setup *s = NULL;
        int r;

        r = setup_load(overrides(c), c->speech, &s, err);
        if (r < 0)
                return r == -ENOMEM ? r : -EINVAL; /* a syntax error, a voice file named that is not there */
        r = setup_speak(s, c->setup, c->speech);
        if (r < 0)
                return r;
        bool cold = !c->setup || c->setup->clips != s->clips;
        setup_unref(c->setup);
        c->setup = s;
        s = NULL;
        log_info("Loaded %s.", c->setup->settings->path ?: "the built-in settings");
        if (cold)
                warm(c);
        emit(c, COACH_RELOADED);
        emit(c, COACH_CHANGED);
        return 0;
}

int coach_routines(struct coach *c, struct routine_summary **ret, size_t *ret_n) {
        return setup_routines(c->setup, ret, ret_n);
}

void coach_status(struct coach *c, struct coach_status *ret) {
        struct workout *w = c->workout;
        struct session_status st;
        const struct cue *cue;

        *ret = (struct coach_status){ .exercise = "", .side = "" };
        if (!w || w->ended || w->stopping) /* told to stop: as good as stopped, and a start may follow */
                return;
        session_status(w->session, &st);
        if (w->announcement) { /* idle still, but the announcement is what is said */
                ret->cue = st.heard.cue >= 0 ? &w->plan->cues[st.heard.cue] : NULL;
                return;
        }
        ret->state = st.heard.state == PLAYER_PAUSED ? COACH_PAUSED : COACH_RUNNING;
        ret->paused_by_audio = st.reason != NULL;
        ret->routine = w->routine;
        ret->exercise_count = (unsigned) w->routine->n_exercises;
        ret->scheduled = w->scheduled;
        ret->position = MIN(st.position, st.total);
        ret->duration = st.total;
        if (st.heard.cue < 0)
                return;
        cue = ret->cue = &w->plan->cues[st.heard.cue];
        if (cue->kind == CUE_INTRO || cue->kind == CUE_FINISH)
                return;
        const struct exercise *e = &w->routine->exercises[cue->exercise];
        ret->exercise = e->name;
        ret->exercise_index = cue->exercise + 1;
        if (cue->kind == CUE_NEXT)
                return; /* between exercises: the preview of the next */
        ret->set = cue->set + 1;
        ret->set_count = cue->sets;
        if (e->n_sides > 0)
                ret->side = e->sides[cue->side].name;
}

const struct schedule *coach_schedule(const struct coach *c) {
        return &c->setup->settings->schedule;
}

const struct buttons *coach_buttons(const struct coach *c) {
        return &c->setup->settings->buttons;
}

const struct duck_settings *coach_duck(const struct coach *c) {
        return &c->setup->settings->duck;
}

int coach_speech(struct coach *c, usec_t now, usec_t after, struct span *ret) {
        return c->workout ? session_speech(c->workout->session, now, after, ret) : 0;
}

const char *coach_default_routine(const struct coach *c) {
        return c->setup->settings->routine;
}

const struct coach_finished *coach_last(const struct coach *c) {
        return &c->last;
}

void coach_set_progress(struct coach *c, coach_progress_fn f, void *userdata) {
        c->progress = f;
        c->progress_userdata = userdata;
}

enum level coach_level(struct coach *c) {
        struct progress p;

        if (c->setup->settings->level_auto)
                auto_level(c, &p);
        return c->setup->settings->level;
}

bool coach_level_auto(const struct coach *c) {
        return c->setup->settings->level_auto;
}

void coach_set_level(struct coach *c, int l) {
        assert(l >= 0 && l <= LEVEL_AUTO);
        c->level = l;
        c->setup->settings->level_auto = l == LEVEL_AUTO;
        if (l != LEVEL_AUTO)
                c->setup->settings->level = (enum level) l;
        emit(c, COACH_CHANGED);
}

double coach_volume(const struct coach *c) {
        return c->setup->settings->volume;
}

void coach_set_volume(struct coach *c, double volume) {
        c->volume = volume;
        c->setup->settings->volume = volume;
        if (c->workout && !c->workout->ended)
                session_set_volume(c->workout->session, volume);
        emit(c, COACH_CHANGED);
}

const char *coach_language(const struct coach *c) {
        return c->setup->settings->language;
}

int coach_set_language(struct coach *c, const char *language, struct conf_error *err) {
        _cleanup_free_ char *path = NULL;
        char *saved = c->language;
        int r;

        r = strchr(language, '/') ? -ENOENT : paths_find_voice(language, &path);
        if (r == -ENOENT)
                return conf_error_set(err, -ENOENT,
                                      "there is no voice \"%s\": add voices/%s.conf or pick an existing voice.",
                                      language, language);
        if (r < 0)
                return r;
        c->language = strdup(language);
        if (!c->language) {
                c->language = saved;
                return -ENOMEM;
        }
        r = coach_reload(c, err);
        if (r < 0) {
                free(c->language);
                c->language = saved;
                return r;
        }
        free(saved);
        return 0;
}

const char *coach_audio_device(const struct coach *c) {
        const struct output_spec *o = &c->options.output;

        if (c->workout && !c->workout->ended && session_output(c->workout->session))
                return session_output(c->workout->session);
        if (!c->options.output_set)
                return c->setup->settings->audio_device ?: "default";
        return o->kind == OUTPUT_NULL ? "null" : o->kind == OUTPUT_WAV ? o->target : o->target ?: "default";
}

const char *coach_state_to_string(enum coach_state s) {
        static const char *const names[] = { "idle", "running", "paused" };
        return names[s];
}
