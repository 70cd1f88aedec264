#include <errno.h>
#include <math.h>

#include "log.h"
#include "paths.h"
#include "setup.h"

struct setup *setup_ref(struct setup *s) {
        s->n_ref++;
        return s;
}

void setup_unref(struct setup *s) {
        if (!s || --s->n_ref > 0)
                return;
        clips_unref(s->clips);
        voice_free(s->voice);
        settings_free(s->settings);
        free(s);
}

static int override(struct settings *s, const struct setup_overrides *o) {
        if (o->level == LEVEL_AUTO)
                s->level_auto = true;
        else if (o->level >= 0) {
                s->level = o->level;
                s->level_auto = false;
        }
        if (!isnan(o->volume))
                s->volume = o->volume;
        if (o->language) {
                char *l = strdup(o->language);
                if (!l)
                        return -ENOMEM;
                free(s->language);
                s->language = l;
        }
        return 0;
}

int setup_load(struct setup_overrides o, struct speech *speech, struct setup **ret, struct conf_error *err) {
        _cleanup_(setup_unrefp) struct setup *s = calloc(1, sizeof *s);
        _cleanup_(routine_freep) struct routine *routine = NULL;
        int r;

        if (!s)
                return -ENOMEM;
        s->n_ref = 1;
        r = load_settings(o.config, &s->settings, err);
        if (r < 0)
                return r;
        r = override(s->settings, &o);
        if (r < 0)
                return r;
        r = load_voice(s->settings, &s->voice, err);
        if (r < 0)
                return r;
        r = load_routine(s->settings, s->settings->routine, &routine, err);
        if (r == -ENOENT) /* the settings name it: theirs to fix */
                return conf_error_set(err, -EINVAL, "%s: routine \"%s\": %s", s->settings->path ?: "built-in settings",
                                      s->settings->routine, err->text);
        if (r < 0)
                return r;
        r = load_check_language(routine, s->voice, err);
        if (r < 0)
                return r;
        if (speech && speech_use_voice(speech, s->voice) < 0)
                return conf_error_set(err, -EINVAL, SPEECH_NO_VOICE, SPEECH_NO_VOICE_ARGS(s->voice));
        *ret = s;
        s = NULL;
        return 0;
}

int setup_speak(struct setup *s, const struct setup *current, struct speech *speech) {
        if (current && current->clips && voice_speaks_like(clips_voice(current->clips), s->voice)) {
                s->clips = clips_ref(current->clips);
                return 0;
        }
        return clips_new(speech, s->voice, &s->clips);
}

const char *setup_routine_name(const struct setup *s, const char *name) {
        return name && *name ? name : s->settings->routine;
}

int setup_plan(const struct setup *s, const char *name, struct routine **ret_routine, struct plan **ret_plan,
               struct conf_error *err) {
        _cleanup_(routine_freep) struct routine *routine = NULL;
        int r;

        r = load_routine(s->settings, setup_routine_name(s, name), &routine, err);
        if (r < 0)
                return r == -ENOENT || r == -ENOMEM ? r : -EINVAL; /* -EBADMSG: a syntax error */
        r = load_check_language(routine, s->voice, err);
        if (r < 0)
                return r;
        r = plan_build(routine, s->settings->level, s->voice, clips_duration, s->clips, ret_plan);
        if (r == -ENOMEM)
                return r;
        if (r < 0) /* a phrase eSpeak NG cannot say: the log says which */
                return conf_error_set(err, -EINVAL, "%s: cannot be spoken: %s (the daemon's log says which phrase).",
                                      routine->path, strerror(-r));
        *ret_routine = routine;
        routine = NULL;
        return 0;
}

static int compare_summaries(const void *a, const void *b) {
        return strcmp(((const struct routine_summary *) a)->id, ((const struct routine_summary *) b)->id);
}

void routine_summaries_free(struct routine_summary *s, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(s[i].id);
                free(s[i].title);
        }
        free(s);
}

static bool listed(const struct routine_summary *s, size_t n, const char *id) {
        for (size_t i = 0; i < n; i++)
                if (streq(s[i].id, id))
                        return true;
        return false;
}

/* Adds to *list what each of names plans to that is not there yet: -ENOMEM or 0. */
static int summarize(const struct setup *s, char **names, struct routine_summary **list, size_t *n) {
        int r;

        for (char **name = names; *name; name++) {
                _cleanup_(routine_freep) struct routine *routine = NULL;
                _cleanup_(plan_freep) struct plan *plan = NULL;
                struct conf_error err;
                struct routine_summary *l;

                r = setup_plan(s, *name, &routine, &plan, &err);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) { /* another language's, or broken: not one to start */
                        log_debug("Not listing %s: %s", *name, err.text);
                        continue;
                }
                if (listed(*list, *n, routine->id))
                        continue; /* morning-feet and morning-feet.en */
                l = realloc(*list, (*n + 1) * sizeof *l);
                if (!l)
                        return -ENOMEM;
                *list = l;
                l[*n] = (struct routine_summary){ strdup(routine->id), strdup(routine->title), plan->total };
                if (!l[(*n)++].title)
                        return -ENOMEM;
        }
        return 0;
}

int setup_routines(const struct setup *s, struct routine_summary **ret, size_t *ret_n) {
        _cleanup_(strv_freep) char **names = NULL;
        struct routine_summary *list = NULL;
        size_t n = 0;
        int r;

        r = paths_list_routines(s->settings, &names);
        if (r < 0)
                return r;
        r = summarize(s, names, &list, &n);
        if (r < 0) {
                routine_summaries_free(list, n);
                return r;
        }
        if (n > 0)
                qsort(list, n, sizeof *list, compare_summaries);
        *ret = list;
        *ret_n = n;
        return 0;
}
