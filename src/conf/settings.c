#include <assert.h>
#include <errno.h>

#include "routine.h"
#include "settings.h"

void settings_free(struct settings *s) {
        if (!s)
                return;
        free(s->path);
        free(s->routine);
        free(s->routine_dir);
        free(s->language);
        free(s->audio_device);
        schedule_done(&s->schedule);
        buttons_done(&s->buttons);
        strv_free(s->duck.players);
        free(s);
}

int settings_new_default(struct settings **ret) {
        struct settings *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->level = LEVEL_NORMAL;
        s->volume = 1.0;
        s->earcons = -1;
        s->audio_latency_msec = AUDIO_LATENCY_MSEC;
        buttons_none(&s->buttons);
        s->duck = (struct duck_settings){
                .mpris = true, .volume = DUCK_VOLUME, .fade_msec = DUCK_FADE_MSEC, .latency_msec = DUCK_LATENCY_MSEC
        };
        s->routine = strdup("morning-feet");
        s->language = strdup("en");
        if (!s->routine || !s->language) {
                settings_free(s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

static const char *const settings_keys[] = { "level",    "routine", "routine_dir", "voice", "audio",
                                             "schedule", "buttons", "duck",        NULL };
static const char *const voice_keys[] = { "language", "earcons", NULL };
static const char *const audio_keys[] = { "device", "volume", "latency", "rate", NULL };
static const char *const duck_keys[] = { "mpris", "volume", "fade", "latency", "players", NULL };
static const char *const level_choices[] = { "easy", "normal", "hard", "auto", NULL };

int settings_load(const char *path, struct settings **ret, struct conf_error *err) {
        _cleanup_(settings_freep) struct settings *s = NULL;
        const config_setting_t *root, *g;
        int r, level;

        r = settings_new_default(&s);
        if (r < 0)
                return r;
        s->path = strdup(path);
        if (!s->path)
                return -ENOMEM;

        _cleanup_(config_destroy) config_t c;
        config_init(&c);
        r = conf_read_root(&c, path, settings_keys, &root, err);
        if (r < 0)
                return r;

        level = s->level;
        r = conf_get_choice(root, "level", level_choices, &level, err);
        if (r < 0)
                return r;
        static_assert(LEVEL_AUTO == 3, "\"auto\" follows the levels");
        s->level_auto = level == LEVEL_AUTO;
        s->level = s->level_auto ? LEVEL_EASY : (enum level) level;

        r = conf_get_strdup(root, "routine", false, &s->routine, err);
        if (r < 0)
                return r;
        if (!*s->routine || routine_name_is_path(s->routine))
                return conf_fail(err, config_setting_get_member(root, "routine"),
                                 "'routine' is \"%s\": give a routine id, the file name without \".conf\"", s->routine);
        r = conf_get_strdup(root, "routine_dir", false, &s->routine_dir, err);
        if (r < 0)
                return r;
        if (s->routine_dir && *s->routine_dir != '/')
                return conf_fail(err, config_setting_get_member(root, "routine_dir"),
                                 "'routine_dir' is \"%s\": give an absolute path", s->routine_dir);

        r = conf_get_group(root, "voice", false, &g, err);
        if (r < 0)
                return r;
        if (g) {
                r = conf_check_keys(g, voice_keys, err);
                if (r < 0)
                        return r;
                r = conf_get_strdup(g, "language", false, &s->language, err);
                if (r < 0)
                        return r;
                if (!*s->language || strchr(s->language, '/'))
                        return conf_fail(err, config_setting_get_member(g, "language"),
                                         "'language' is \"%s\": give a voice name such as \"en\"", s->language);
                if (config_setting_get_member(g, "earcons")) {
                        bool on = false;
                        r = conf_get_bool(g, "earcons", false, &on, err);
                        if (r < 0)
                                return r;
                        s->earcons = on;
                }
        }

        r = conf_get_group(root, "audio", false, &g, err);
        if (r < 0)
                return r;
        if (g) {
                double latency = s->audio_latency_msec, rate = 0;
                r = conf_check_keys(g, audio_keys, err);
                if (r < 0)
                        return r;
                r = conf_get_strdup(g, "device", false, &s->audio_device, err);
                if (r < 0)
                        return r;
                r = conf_get_number(g, "volume", false, 0.0, 4.0, &s->volume, err);
                if (r < 0)
                        return r;
                r = conf_get_number(g, "latency", false, AUDIO_LATENCY_MIN_MSEC, AUDIO_LATENCY_MAX_MSEC, &latency, err);
                if (r < 0)
                        return r;
                s->audio_latency_msec = (unsigned) latency;
                r = conf_get_integer(g, "rate", false, AUDIO_RATE_MIN, AUDIO_RATE_MAX, &rate, err);
                if (r < 0)
                        return r;
                s->audio_rate = (unsigned) rate;
        }

        r = conf_get_group(root, "duck", false, &g, err);
        if (r < 0)
                return r;
        if (g) {
                double fade = s->duck.fade_msec, latency = s->duck.latency_msec;
                r = conf_check_keys(g, duck_keys, err);
                if (r < 0)
                        return r;
                r = conf_get_bool(g, "mpris", false, &s->duck.mpris, err);
                if (r < 0)
                        return r;
                r = conf_get_number(g, "volume", false, 0.0, 1.0, &s->duck.volume, err);
                if (r < 0)
                        return r;
                r = conf_get_integer(g, "fade", false, 0, DUCK_FADE_MAX_MSEC, &fade, err);
                if (r < 0)
                        return r;
                s->duck.fade_msec = (unsigned) fade;
                r = conf_get_integer(g, "latency", false, 0, DUCK_FADE_MAX_MSEC, &latency, err);
                if (r < 0)
                        return r;
                s->duck.latency_msec = (unsigned) latency;
                r = conf_get_strv(g, "players", false, &s->duck.players, err);
                if (r < 0)
                        return r;
        }

        r = schedule_parse(config_setting_get_member(root, "schedule"), &s->schedule, err);
        if (r < 0)
                return r;
        r = buttons_parse(config_setting_get_member(root, "buttons"), &s->buttons, err);
        if (r < 0)
                return r;

        *ret = s;
        s = NULL;
        return r;
}
