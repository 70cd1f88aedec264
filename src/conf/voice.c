#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "voice.h"

static const struct {
        const char *key;
        const char *placeholders[3];
} phrase_info[_PHRASE_MAX] = {
        [PHRASE_SET] = { "set", { "n", "total" } },
        [PHRASE_SWITCH] = { "switch", {} },
        [PHRASE_REST] = { "rest", {} },
        [PHRASE_HALFWAY] = { "halfway", {} },
        [PHRASE_NEXT] = { "next", { "name" } },
        [PHRASE_COUNT] = { "count", { "n" } },
        [PHRASE_FINISH] = { "finish", { "minutes" } },
        [PHRASE_READY] = { "ready", {} },
        [PHRASE_ANNOUNCE] = { "announce", { "title", "minutes" } },
        [PHRASE_LEVEL_UP] = { "level_up", { "name", "n" } },
        [PHRASE_LEVEL_DOWN] = { "level_down", { "name", "n" } },
};

static const char *const earcon_names[_EARCON_MAX] = {
        [EARCON_TICK] = "tick",
        [EARCON_COUNTDOWN] = "countdown",
        [EARCON_CHIME] = "chime",
};

const char *earcon_to_string(enum earcon e) {
        return e < _EARCON_MAX ? earcon_names[e] : NULL;
}

void voice_free(struct voice *v) {
        if (!v)
                return;
        free(v->path);
        free(v->language);
        free(v->espeak_voice);
        for (size_t i = 0; i < _PHRASE_MAX; i++)
                free(v->phrases[i]);
        free(v);
}

int voice_copy(const struct voice *v, struct voice **ret) {
        struct voice *c = calloc(1, sizeof *c);
        bool failed = !c;

        if (c) {
                *c = *v;
                c->path = c->language = c->espeak_voice = NULL;
                memset(c->phrases, 0, sizeof c->phrases);
                failed = !(c->path = strdup(v->path)) || !(c->language = strdup(v->language)) ||
                         !(c->espeak_voice = strdup(v->espeak_voice));
                for (size_t i = 0; i < _PHRASE_MAX && !failed; i++)
                        failed = v->phrases[i] && !(c->phrases[i] = strdup(v->phrases[i]));
        }
        if (failed) {
                voice_free(c);
                return -ENOMEM;
        }
        *ret = c;
        return 0;
}

bool voice_speaks_like(const struct voice *a, const struct voice *b) {
        return streq(a->espeak_voice, b->espeak_voice) && a->rate == b->rate && a->pitch == b->pitch;
}

/* Calls f for every {name} in template; stops at the first non-zero return. */
static int template_foreach(const char *t, int (*f)(const char *name, size_t len, void *u), void *u) {
        for (const char *p = t; (p = strchr(p, '{'));) {
                const char *end = strchr(p, '}');
                if (!end)
                        return -EINVAL;
                int r = f(p + 1, end - p - 1, u);
                if (r != 0)
                        return r;
                p = end + 1;
        }
        return 0;
}

static int placeholder_known(const char *name, size_t len, void *u) {
        const char *const *allowed = u;
        for (size_t i = 0; i < 3 && allowed[i]; i++)
                if (strlen(allowed[i]) == len && strncmp(allowed[i], name, len) == 0)
                        return 0;
        return -ENOENT;
}

int template_expand(const char *t, const char *const *vars, char **ret) {
        char *out = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&out, &size);
        if (!f)
                return -ENOMEM;

        for (const char *p = t; *p;) {
                const char *open = strchr(p, '{'), *close = open ? strchr(open, '}') : NULL;
                if (!close) {
                        fputs(p, f);
                        break;
                }
                fwrite(p, 1, open - p, f);
                const char *value = NULL;
                for (const char *const *v = vars; v && v[0]; v += 2)
                        if (strlen(v[0]) == (size_t) (close - open - 1) &&
                            strncmp(v[0], open + 1, close - open - 1) == 0)
                                value = v[1];
                if (value)
                        fputs(value, f);
                else
                        fwrite(open, 1, close - open + 1, f);
                p = close + 1;
        }
        if (fclose(f) != 0) {
                free(out);
                return -ENOMEM;
        }
        *ret = out;
        return 0;
}

int voice_phrase(const struct voice *v, enum phrase p, char **ret, ...) {
        const char *vars[7] = {};
        va_list ap;

        va_start(ap, ret);
        for (size_t i = 0; i + 2 < ELEMENTSOF(vars); i += 2) {
                if (!(vars[i] = va_arg(ap, const char *)))
                        break;
                vars[i + 1] = va_arg(ap, const char *);
        }
        va_end(ap);
        return template_expand(v->phrases[p], vars, ret);
}

static const char *const voice_keys[] = { "language", "espeak", "timing", "phrases", "earcons", NULL };
static const char *const espeak_keys[] = { "voice", "rate", "pitch", NULL };
static const char *const timing_keys[] = { "gap", "ready", NULL };

static const char *const earcon_keys[] = { "on", "tick", "countdown", "chime", "level", NULL };

static int earcons_load(const config_setting_t *g, struct earcons *e, struct conf_error *err) {
        int r = conf_check_keys(g, earcon_keys, err);
        if (r < 0)
                return r;
        r = conf_get_bool(g, "on", false, &e->on, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < _EARCON_MAX; i++) {
                r = conf_get_bool(g, earcon_names[i], false, &e->play[i], err);
                if (r < 0)
                        return r;
        }
        return conf_get_number(g, "level", false, -60, 0, &e->level_db, err);
}

static int phrases_load(const config_setting_t *g, struct voice *v, struct conf_error *err) {
        const char *keys[_PHRASE_MAX + 1] = {};
        int r;

        for (size_t i = 0; i < _PHRASE_MAX; i++)
                keys[i] = phrase_info[i].key;
        r = conf_check_keys(g, keys, err);
        if (r < 0)
                return r;

        for (size_t i = 0; i < _PHRASE_MAX; i++) {
                r = conf_get_strdup(g, phrase_info[i].key, true, &v->phrases[i], err);
                if (r < 0)
                        return r;
                r = template_foreach(v->phrases[i], placeholder_known, (void *) phrase_info[i].placeholders);
                if (r < 0) {
                        char list[64] = "none";
                        for (size_t j = 0; j < 3 && phrase_info[i].placeholders[j]; j++)
                                snprintf(list + (j ? strlen(list) : 0), sizeof list - (j ? strlen(list) : 0), "%s{%s}",
                                         j ? ", " : "", phrase_info[i].placeholders[j]);
                        return conf_fail(err, config_setting_get_member(g, phrase_info[i].key),
                                         "phrase '%s' has a placeholder it cannot use: it may use %s",
                                         phrase_info[i].key, list);
                }
        }
        return 0;
}

int voice_load(const char *path, struct voice **ret, struct conf_error *err) {
        _cleanup_(voice_freep) struct voice *v = NULL;
        const config_setting_t *root, *g;
        double number;
        int r;

        v = calloc(1, sizeof *v);
        if (!v || !(v->path = strdup(path)))
                return -ENOMEM;
        v->rate = 160;
        v->pitch = 50;
        v->gap = 0.4;
        v->ready = 1.0;
        v->earcons.level_db = EARCON_LEVEL_DB;
        for (size_t i = 0; i < _EARCON_MAX; i++)
                v->earcons.play[i] = true;

        _cleanup_(config_destroy) config_t c;
        config_init(&c);
        r = conf_read_root(&c, path, voice_keys, &root, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(root, "language", true, &v->language, err);
        if (r < 0)
                return r;

        r = conf_get_group(root, "espeak", true, &g, err);
        if (r < 0)
                return r;
        r = conf_check_keys(g, espeak_keys, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(g, "voice", true, &v->espeak_voice, err);
        if (r < 0)
                return r;
        v->espeak_voice_line = config_setting_source_line(config_setting_get_member(g, "voice"));
        number = v->rate;
        r = conf_get_number(g, "rate", false, 80, 450, &number, err);
        if (r < 0)
                return r;
        v->rate = (int) number;
        number = v->pitch;
        r = conf_get_number(g, "pitch", false, 0, 100, &number, err);
        if (r < 0)
                return r;
        v->pitch = (int) number;

        r = conf_get_group(root, "timing", false, &g, err);
        if (r < 0)
                return r;
        if (g) {
                r = conf_check_keys(g, timing_keys, err);
                if (r < 0)
                        return r;
                r = conf_get_number(g, "gap", false, 0, 5, &v->gap, err);
                if (r < 0)
                        return r;
                r = conf_get_number(g, "ready", false, 0, 10, &v->ready, err);
                if (r < 0)
                        return r;
        }

        r = conf_get_group(root, "phrases", true, &g, err);
        if (r < 0)
                return r;
        r = phrases_load(g, v, err);
        if (r < 0)
                return r;

        r = conf_get_group(root, "earcons", false, &g, err);
        if (r < 0)
                return r;
        if (g) {
                r = earcons_load(g, &v->earcons, err);
                if (r < 0)
                        return r;
        }

        *ret = v;
        v = NULL;
        return r;
}
