/* Reading libconfig files strictly: typed getters that reject what the user wrote
 * wrong with a "FILE:LINE: message" naming the key, and unknown keys with a
 * "did you mean" for near misses. Every function returns 0 or a negative errno. */
#pragma once

#include <libconfig.h>

#include "util.h"

struct conf_error {
        char text[512];
};

/* A number the user may give as N, as a range [LOW, HIGH] that a level resolves,
 * or as [EASY, NORMAL, HARD]. */
struct range {
        double low, high;
        double normal; /* NAN: the middle */
};

enum level {
        LEVEL_EASY,
        LEVEL_NORMAL,
        LEVEL_HARD,
        _LEVEL_MAX,
};

/* level = "auto", where a level may be named: as the history says (core/progress.h). */
#define LEVEL_AUTO _LEVEL_MAX

const char *level_to_string(enum level l);
int level_from_string(const char *s);

/* easy takes the low end, hard the high end, normal the value given for it or else
 * the middle (rounded up when integer is set: reps [5, 10] at normal are 8). */
double range_resolve(struct range r, enum level l, bool integer);

int conf_read_file(config_t *c, const char *path, struct conf_error *err);
/* conf_read_file(), then its top level: only the keys allowed (NULL-terminated). */
int conf_read_root(config_t *c, const char *path, const char *const *allowed, const config_setting_t **ret,
                   struct conf_error *err);

/* Formats a message into err; returns error. */
int conf_error_set(struct conf_error *err, int error, const char *format, ...) _printf_(3, 4);

/* Formats "FILE:LINE: message" for setting s into err; returns -EINVAL. */
int conf_fail(struct conf_error *err, const config_setting_t *s, const char *format, ...) _printf_(3, 4);

int conf_check_keys(const config_setting_t *group, const char *const *allowed, struct conf_error *err);

/* Each getter leaves *ret alone when the key is absent and not required. */
int conf_get_string(const config_setting_t *group, const char *key, bool required, const char **ret,
                    struct conf_error *err);
int conf_get_strdup(const config_setting_t *group, const char *key, bool required, char **ret, struct conf_error *err);
int conf_get_number(const config_setting_t *group, const char *key, bool required, double min, double max, double *ret,
                    struct conf_error *err);
/* conf_get_number(), a whole number. */
int conf_get_integer(const config_setting_t *group, const char *key, bool required, double min, double max, double *ret,
                     struct conf_error *err);
int conf_get_range(const config_setting_t *group, const char *key, bool required, double min, double max, bool integer,
                   struct range *ret, struct conf_error *err);
/* A string, or a list of strings; *ret is NULL-terminated. */
int conf_get_strv(const config_setting_t *group, const char *key, bool required, char ***ret, struct conf_error *err);
/* true or false. */
int conf_get_bool(const config_setting_t *group, const char *key, bool required, bool *ret, struct conf_error *err);
/* A string that must be one of choices (NULL-terminated); *ret is its index. */
int conf_get_choice(const config_setting_t *group, const char *key, const char *const *choices, int *ret,
                    struct conf_error *err);
/* A group, or NULL when absent and not required. */
int conf_get_group(const config_setting_t *parent, const char *key, bool required, const config_setting_t **ret,
                   struct conf_error *err);
/* A list of groups, or NULL when absent and not required. */
int conf_get_list(const config_setting_t *parent, const char *key, bool required, const config_setting_t **ret,
                  struct conf_error *err);

void strv_free(char **v);
/* A copy of a NULL-terminated list, or NULL when out of memory. */
char **strv_copy(char *const *v);
DEFINE_POINTER_CLEANUP(char *, strv_free)

/* "Did you mean": the candidate nearest to what was written, letters' case aside. */
struct conf_nearest {
        const char *best;
        size_t distance;
};
#define CONF_NEAREST_INIT                                                                                              \
        { NULL, SIZE_MAX }
void conf_nearest_add(struct conf_nearest *n, const char *name, const char *candidate);
/* The nearest, when near enough to be what was meant; else NULL. */
const char *conf_nearest(const struct conf_nearest *n);
