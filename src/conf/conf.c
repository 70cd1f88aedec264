#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "conf.h"

static const char *const level_names[_LEVEL_MAX] = {
        [LEVEL_EASY] = "easy",
        [LEVEL_NORMAL] = "normal",
        [LEVEL_HARD] = "hard",
};

const char *level_to_string(enum level l) {
        return l < _LEVEL_MAX ? level_names[l] : NULL;
}

int level_from_string(const char *s) {
        for (int i = 0; i < _LEVEL_MAX; i++)
                if (streq(s, level_names[i]))
                        return i;
        return -EINVAL;
}

double range_resolve(struct range r, enum level l, bool integer) {
        switch (l) {
        case LEVEL_EASY:
                return r.low;
        case LEVEL_HARD:
                return r.high;
        default: {
                double mid = isnan(r.normal) ? (r.low + r.high) / 2 : r.normal;
                return integer ? floor(mid + 0.5) : mid;
        }
        }
}

int conf_read_file(config_t *c, const char *path, struct conf_error *err) {
        FILE *f = fopen(path, "re");
        if (!f) {
                int r = -errno;
                snprintf(err->text, sizeof err->text, "%s: cannot open: %s", path, strerror(-r));
                return r;
        }
        fclose(f);

        if (config_read_file(c, path) == CONFIG_TRUE)
                return 0;
        /* config_read_file() says nothing but "file I/O error" for unreadable files. */
        if (config_error_type(c) == CONFIG_ERR_FILE_IO) {
                snprintf(err->text, sizeof err->text, "%s: cannot read", path);
                return -EIO;
        }
        snprintf(err->text, sizeof err->text, "%s:%d: %s", config_error_file(c) ?: path, config_error_line(c),
                 config_error_text(c));
        return -EBADMSG;
}

int conf_read_root(config_t *c, const char *path, const char *const *allowed, const config_setting_t **ret,
                   struct conf_error *err) {
        int r = conf_read_file(c, path, err);

        if (r < 0)
                return r;
        *ret = config_root_setting(c);
        return conf_check_keys(*ret, allowed, err);
}

static unsigned setting_line(const config_setting_t *s) {
        for (; s; s = config_setting_parent(s))
                if (config_setting_source_line(s) > 0)
                        return config_setting_source_line(s);
        return 1;
}

static const char *setting_file(const config_setting_t *s) {
        for (; s; s = config_setting_parent(s))
                if (config_setting_source_file(s))
                        return config_setting_source_file(s);
        return "?";
}

int conf_error_set(struct conf_error *err, int error, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        vsnprintf(err->text, sizeof err->text, format, ap);
        va_end(ap);
        return error;
}

int conf_fail(struct conf_error *err, const config_setting_t *s, const char *format, ...) {
        va_list ap;
        int n = snprintf(err->text, sizeof err->text, "%s:%u: ", setting_file(s), setting_line(s));

        va_start(ap, format);
        if (n >= 0 && (size_t) n < sizeof err->text)
                vsnprintf(err->text + n, sizeof err->text - n, format, ap);
        va_end(ap);
        return -EINVAL;
}

/* Optimal string alignment distance: like Levenshtein, and a swap of two neighbours
 * ("titel") costs one edit, as it does to the person who typed it. */
/* Optimal string alignment distance, letters' case aside. */
static size_t distance(const char *a, const char *b) {
        size_t la = strlen(a), lb = strlen(b);
        size_t d[33][33];

        if (la > 32 || lb > 32)
                return SIZE_MAX;
#define SAME(x, y) (tolower((unsigned char) (x)) == tolower((unsigned char) (y)))
        for (size_t i = 0; i <= la; i++)
                d[i][0] = i;
        for (size_t j = 0; j <= lb; j++)
                d[0][j] = j;
        for (size_t i = 1; i <= la; i++)
                for (size_t j = 1; j <= lb; j++) {
                        size_t cost = SAME(a[i - 1], b[j - 1]) ? 0 : 1;
                        d[i][j] = MIN(MIN(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                        if (i > 1 && j > 1 && SAME(a[i - 1], b[j - 2]) && SAME(a[i - 2], b[j - 1]))
                                d[i][j] = MIN(d[i][j], d[i - 2][j - 2] + 1);
                }
#undef SAME
        return d[la][lb];
}

void conf_nearest_add(struct conf_nearest *n, const char *name, const char *candidate) {
        size_t d = distance(name, candidate);
        if (d < n->distance) {
                n->distance = d;
                n->best = candidate;
        }
}

const char *conf_nearest(const struct conf_nearest *n) {
        return n->best && n->distance <= MAX(strlen(n->best) / 3, (size_t) 1) ? n->best : NULL;
}

int conf_check_keys(const config_setting_t *group, const char *const *allowed, struct conf_error *err) {
        int n = config_setting_length(group);

        for (int i = 0; i < n; i++) {
                const config_setting_t *s = config_setting_get_elem(group, i);
                const char *name = config_setting_name(s);
                struct conf_nearest near = CONF_NEAREST_INIT;

                bool known = false;
                for (const char *const *a = allowed; *a && !known; a++) {
                        known = streq(name, *a);
                        conf_nearest_add(&near, name, *a);
                }
                if (known)
                        continue;
                const char *best = conf_nearest(&near);
                if (best)
                        return conf_fail(err, s, "unknown setting '%s' (did you mean '%s'?)", name, best);
                return conf_fail(err, s, "unknown setting '%s'", name);
        }
        return 0;
}

/* The member named key, or NULL; fails when it is required and absent. */
static int member(const config_setting_t *group, const char *key, bool required, const config_setting_t **ret,
                  struct conf_error *err) {
        *ret = config_setting_get_member(group, key);
        if (!*ret && required)
                return conf_fail(err, group, "missing required setting '%s'", key);
        return 0;
}

static const char *type_name(int type) {
        switch (type) {
        case CONFIG_TYPE_GROUP:
                return "a group { }";
        case CONFIG_TYPE_INT:
        case CONFIG_TYPE_INT64:
                return "an integer";
        case CONFIG_TYPE_FLOAT:
                return "a number";
        case CONFIG_TYPE_STRING:
                return "a string";
        case CONFIG_TYPE_BOOL:
                return "a boolean";
        case CONFIG_TYPE_ARRAY:
                return "an array [ ]";
        case CONFIG_TYPE_LIST:
                return "a list ( )";
        default:
                return "something unknown";
        }
}

int conf_get_string(const config_setting_t *group, const char *key, bool required, const char **ret,
                    struct conf_error *err) {
        const config_setting_t *s;
        int r = member(group, key, required, &s, err);
        if (r < 0 || !s)
                return r;
        if (config_setting_type(s) != CONFIG_TYPE_STRING)
                return conf_fail(err, s, "'%s' must be a string in double quotes, not %s", key,
                                 type_name(config_setting_type(s)));
        const char *v = config_setting_get_string(s);
        if (required && !*v)
                return conf_fail(err, s, "'%s' must not be empty", key);
        *ret = v;
        return 0;
}

int conf_get_strdup(const config_setting_t *group, const char *key, bool required, char **ret, struct conf_error *err) {
        const char *v = NULL;
        int r = conf_get_string(group, key, required, &v, err);
        if (r < 0 || !v)
                return r;
        char *copy = strdup(v);
        if (!copy)
                return -ENOMEM;
        free(*ret);
        *ret = copy;
        return 0;
}

static bool is_number(const config_setting_t *s) {
        int t = config_setting_type(s);
        return t == CONFIG_TYPE_INT || t == CONFIG_TYPE_INT64 || t == CONFIG_TYPE_FLOAT;
}

static int number_in(const config_setting_t *s, const char *key, double min, double max, bool integer, double *ret,
                     struct conf_error *err) {
        if (!is_number(s))
                return conf_fail(err, s, "'%s' must be a number, not %s", key, type_name(config_setting_type(s)));
        double v = config_setting_type(s) == CONFIG_TYPE_FLOAT ? config_setting_get_float(s)
                                                               : (double) config_setting_get_int64(s);
        if (integer && v != floor(v))
                return conf_fail(err, s, "'%s' must be a whole number, not %g", key, v);
        if (!(v >= min && v <= max))
                return conf_fail(err, s, "'%s' is %g, out of range: use %g to %g", key, v, min, max);
        *ret = v;
        return 0;
}

static int get_number(const config_setting_t *group, const char *key, bool required, double min, double max,
                      bool integer, double *ret, struct conf_error *err) {
        const config_setting_t *s;
        int r = member(group, key, required, &s, err);
        if (r < 0 || !s)
                return r;
        return number_in(s, key, min, max, integer, ret, err);
}

int conf_get_number(const config_setting_t *group, const char *key, bool required, double min, double max, double *ret,
                    struct conf_error *err) {
        return get_number(group, key, required, min, max, false, ret, err);
}

int conf_get_integer(const config_setting_t *group, const char *key, bool required, double min, double max, double *ret,
                     struct conf_error *err) {
        return get_number(group, key, required, min, max, true, ret, err);
}

int conf_get_range(const config_setting_t *group, const char *key, bool required, double min, double max, bool integer,
                   struct range *ret, struct conf_error *err) {
        const config_setting_t *s;
        struct range v;
        int r = member(group, key, required, &s, err);
        if (r < 0 || !s)
                return r;

        v.normal = NAN;
        if (is_number(s)) {
                r = number_in(s, key, min, max, integer, &v.low, err);
                if (r < 0)
                        return r;
                v.high = v.low;
                *ret = v;
                return 0;
        }

        int n = config_setting_length(s);
        if (config_setting_type(s) != CONFIG_TYPE_ARRAY || n < 2 || n > 3)
                return conf_fail(err, s, "'%s' must be a number, a range [LOW, HIGH] or [EASY, NORMAL, HARD], not %s",
                                 key, type_name(config_setting_type(s)));
        double e[3];
        for (int i = 0; i < n; i++) {
                r = number_in(config_setting_get_elem(s, i), key, min, max, integer, &e[i], err);
                if (r < 0)
                        return r;
                if (i > 0 && e[i] < e[i - 1])
                        return conf_fail(err, s, "'%s' runs backwards: list it from easy to hard", key);
        }
        v.low = e[0];
        v.high = e[n - 1];
        if (n == 3)
                v.normal = e[1];
        *ret = v;
        return 0;
}

char **strv_copy(char *const *v) {
        size_t n = 0;
        while (v[n])
                n++;
        _cleanup_(strv_freep) char **c = calloc(n + 1, sizeof *c);
        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(c[i] = strdup(v[i])))
                        return NULL;
        char **ret = c;
        c = NULL;
        return ret;
}

void strv_free(char **v) {
        if (!v)
                return;
        for (char **p = v; *p; p++)
                free(*p);
        free(v);
}

int conf_get_bool(const config_setting_t *group, const char *key, bool required, bool *ret, struct conf_error *err) {
        const config_setting_t *s;
        int r = member(group, key, required, &s, err);
        if (r < 0 || !s)
                return r;
        if (config_setting_type(s) != CONFIG_TYPE_BOOL)
                return conf_fail(err, s, "'%s' is true or false, not %s", key, type_name(config_setting_type(s)));
        *ret = config_setting_get_bool(s);
        return 0;
}

int conf_get_strv(const config_setting_t *group, const char *key, bool required, char ***ret, struct conf_error *err) {
        const config_setting_t *s;
        int r = member(group, key, required, &s, err);
        if (r < 0 || !s)
                return r;

        int t = config_setting_type(s);
        bool single = t == CONFIG_TYPE_STRING;
        if (!single && t != CONFIG_TYPE_ARRAY && t != CONFIG_TYPE_LIST)
                return conf_fail(err, s, "'%s' must be a string or a list of strings, not %s", key, type_name(t));

        int n = single ? 1 : config_setting_length(s);
        if (required && n == 0)
                return conf_fail(err, s, "'%s' must not be empty", key);

        _cleanup_(strv_freep) char **v = calloc(n + 1, sizeof *v);
        if (!v)
                return -ENOMEM;
        for (int i = 0; i < n; i++) {
                const config_setting_t *e = single ? s : config_setting_get_elem(s, i);
                if (config_setting_type(e) != CONFIG_TYPE_STRING)
                        return conf_fail(err, e, "'%s' must hold only strings, not %s", key,
                                         type_name(config_setting_type(e)));
                const char *text = config_setting_get_string(e);
                if (!*text)
                        return conf_fail(err, e, "'%s' must not hold empty strings", key);
                v[i] = strdup(text);
                if (!v[i])
                        return -ENOMEM;
        }
        strv_free(*ret);
        *ret = v;
        v = NULL;
        return 0;
}

int conf_get_choice(const config_setting_t *group, const char *key, const char *const *choices, int *ret,
                    struct conf_error *err) {
        const char *v = NULL;
        int r = conf_get_string(group, key, false, &v, err);
        if (r < 0 || !v)
                return r;
        for (int i = 0; choices[i]; i++)
                if (streq(v, choices[i])) {
                        *ret = i;
                        return 0;
                }

        char list[256] = "";
        for (int i = 0; choices[i]; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s\"%s\"", i ? ", " : "", choices[i]);
        return conf_fail(err, config_setting_get_member(group, key), "'%s' is \"%s\": use one of %s", key, v, list);
}

static int get_aggregate(const config_setting_t *parent, const char *key, bool required, int type,
                         const config_setting_t **ret, struct conf_error *err) {
        const config_setting_t *s;
        int r = member(parent, key, required, &s, err);
        if (r < 0)
                return r;
        if (s && config_setting_type(s) != type)
                return conf_fail(err, s, "'%s' must be %s, not %s", key, type_name(type),
                                 type_name(config_setting_type(s)));
        *ret = s;
        return 0;
}

int conf_get_group(const config_setting_t *parent, const char *key, bool required, const config_setting_t **ret,
                   struct conf_error *err) {
        return get_aggregate(parent, key, required, CONFIG_TYPE_GROUP, ret, err);
}

int conf_get_list(const config_setting_t *parent, const char *key, bool required, const config_setting_t **ret,
                  struct conf_error *err) {
        return get_aggregate(parent, key, required, CONFIG_TYPE_LIST, ret, err);
}
