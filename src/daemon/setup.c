#include <errno.h>
#include <math.h>

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
        if (o->level >= 0)
                s->level = o->level;
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
