#include <errno.h>
#include <stdio.h>

#include "load.h"
#include "paths.h"

int load_settings(const char *path, struct settings **ret, struct conf_error *err) {
        _cleanup_free_ char *found = NULL;
        int r;

        if (path)
                return settings_load(path, ret, err);
        r = paths_find_settings(&found);
        if (r < 0)
                return conf_error_set(err, r, "Failed to look for a settings file: %s", strerror(-r));
        return found ? settings_load(found, ret, err) : settings_new_default(ret);
}

int load_routine(const struct settings *s, const char *name, struct routine **ret, struct conf_error *err) {
        _cleanup_free_ char *path = NULL;
        int r = paths_find_routine(s, name, &path);

        if (r == -ENOENT)
                return conf_error_set(err, r,
                                      "no routine '%s' in %s%s%s. Name a routine file there without .conf, "
                                      "or give the path of a routine file.",
                                      name, s->routine_dir ?: "", s->routine_dir ? " or " : "", paths_routines_dir());
        if (r < 0)
                return r;
        return routine_load(path, ret, err);
}

int load_voice(const struct settings *s, struct voice **ret, struct conf_error *err) {
        _cleanup_free_ char *path = NULL;
        int r = paths_find_voice(s->language, &path);

        if (r == -ENOENT)
                return conf_error_set(err, r,
                                      "%s: voice.language is \"%s\", but there is no voice file for it: "
                                      "add voices/%s.conf or pick an existing voice.",
                                      s->path ?: "built-in settings", s->language, s->language);
        if (r < 0)
                return r;
        r = voice_load(path, ret, err);
        if (r >= 0 && s->earcons >= 0)
                (*ret)->earcons.on = s->earcons;
        return r;
}

int load_check_language(const struct routine *routine, const struct voice *voice, struct conf_error *err) {
        if (streq(routine->language, voice->language))
                return 0;
        return conf_error_set(err, -EINVAL,
                              "%s is in language \"%s\", but the voice %s speaks \"%s\". Add a routine file for \"%s\" "
                              "(see config/routines/README.md) or pick another language.",
                              routine->path, routine->language, voice->path, voice->language, voice->language);
}
