#include <errno.h>
#include <libgen.h>
#include <math.h>

#include "routine.h"

#define MAX_REPS 1000
#define MAX_SECONDS 3600

static void blocks_free(struct block *b, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(b[i].say);
                free(b[i].explain);
                blocks_free(b[i].each, b[i].n_each);
        }
        free(b);
}

static void exercise_done(struct exercise *e) {
        free(e->name);
        free(e->purpose);
        strv_free(e->setup);
        for (size_t i = 0; i < e->n_sides; i++) {
                free(e->sides[i].name);
                free(e->sides[i].say);
        }
        free(e->sides);
        free(e->switch_say);
        blocks_free(e->blocks, e->n_blocks);
        blocks_free(e->between_sets, e->n_between_sets);
}

void routine_free(struct routine *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n_exercises; i++)
                exercise_done(&r->exercises[i]);
        free(r->exercises);
        free(r->id);
        free(r->path);
        free(r->title);
        free(r->language);
        free(r->intro);
        free(r);
}

static const char *const block_keys[] = { "say", "explain", "reps", "tempo", "each", "hold", "timed", "rest", NULL };
static const char *const kind_keys[] = { "reps", "hold", "timed", "rest" };

static int block_load(const config_setting_t *g, bool nested, struct block *b, struct conf_error *err);

/* A list of blocks; nested lists (a repetition's parts) hold only say and hold. */
static int blocks_load(const config_setting_t *list, bool nested, struct block **ret, size_t *n_ret,
                       struct conf_error *err) {
        size_t n = config_setting_length(list);
        struct block *b = calloc(n ? n : 1, sizeof *b);
        int r = 0;

        if (!b)
                return -ENOMEM;
        for (size_t i = 0; i < n && r >= 0; i++) {
                const config_setting_t *e = config_setting_get_elem(list, i);
                if (config_setting_type(e) != CONFIG_TYPE_GROUP)
                        r = conf_fail(err, e, "'%s' must hold blocks in braces { }", config_setting_name(list));
                else
                        r = block_load(e, nested, &b[i], err);
        }
        if (r < 0) {
                blocks_free(b, n);
                return r;
        }
        *ret = b;
        *n_ret = n;
        return 0;
}

static int block_load(const config_setting_t *g, bool nested, struct block *b, struct conf_error *err) {
        const char *kind_key = NULL;
        int r;

        r = conf_check_keys(g, block_keys, err);
        if (r < 0)
                return r;

        b->kind = BLOCK_SAY;
        for (size_t i = 0; i < ELEMENTSOF(kind_keys); i++) {
                if (!config_setting_get_member(g, kind_keys[i]))
                        continue;
                if (kind_key)
                        return conf_fail(err, config_setting_get_member(g, kind_keys[i]),
                                         "a block is one of reps, hold, timed or rest: this one has both '%s' and '%s'",
                                         kind_key, kind_keys[i]);
                kind_key = kind_keys[i];
                b->kind = (enum block_kind[]){ BLOCK_REPS, BLOCK_HOLD, BLOCK_TIMED, BLOCK_REST }[i];
        }

        if (nested && b->kind != BLOCK_SAY && b->kind != BLOCK_HOLD)
                return conf_fail(err, config_setting_get_member(g, kind_key),
                                 "the parts of a repetition ('each') may only be 'say' or 'hold' blocks, not '%s'",
                                 kind_key);

        r = conf_get_strdup(g, "say", false, &b->say, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(g, "explain", false, &b->explain, err);
        if (r < 0)
                return r;
        if (b->kind == BLOCK_SAY && !b->say && !b->explain)
                return conf_fail(err, g, "a block needs one of reps, hold, timed, rest, or something to say");

        const config_setting_t *tempo = config_setting_get_member(g, "tempo");
        const config_setting_t *each = config_setting_get_member(g, "each");
        if (b->kind != BLOCK_REPS && (tempo || each))
                return conf_fail(err, tempo ?: each, "'%s' belongs only in a reps block",
                                 config_setting_name(tempo ?: each));

        switch (b->kind) {
        case BLOCK_SAY:
                return 0;
        case BLOCK_REPS:
                r = conf_get_range(g, "reps", true, 1, MAX_REPS, true, &b->amount, err);
                if (r < 0)
                        return r;
                if (each && tempo)
                        return conf_fail(err, tempo,
                                         "'tempo' and 'each' exclude each other: a repetition made of parts lasts as "
                                         "long as its parts");
                if (!each)
                        return conf_get_range(g, "tempo", true, 0.5, 60, false, &b->tempo, err);
                if (config_setting_type(each) != CONFIG_TYPE_LIST || config_setting_length(each) == 0)
                        return conf_fail(err, each, "'each' must be a non-empty list ( ) of blocks");
                return blocks_load(each, true, &b->each, &b->n_each, err);
        default:
                return conf_get_range(g, kind_key, true, 1, MAX_SECONDS, true, &b->amount, err);
        }
}

static const char *const side_keys[] = { "name", "say", NULL };

static int sides_load(const config_setting_t *list, struct exercise *e, struct conf_error *err) {
        size_t n = config_setting_length(list);
        int r;

        if (n == 0)
                return conf_fail(err, list, "'sides' must name at least one side");
        e->sides = calloc(n, sizeof *e->sides);
        if (!e->sides)
                return -ENOMEM;
        e->n_sides = n;
        for (size_t i = 0; i < n; i++) {
                const config_setting_t *s = config_setting_get_elem(list, i);
                if (config_setting_type(s) != CONFIG_TYPE_GROUP)
                        return conf_fail(err, s, "'sides' must hold groups like { name = \"Right leg\"; }");
                r = conf_check_keys(s, side_keys, err);
                if (r < 0)
                        return r;
                r = conf_get_strdup(s, "name", true, &e->sides[i].name, err);
                if (r < 0)
                        return r;
                r = conf_get_strdup(s, "say", false, &e->sides[i].say, err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static const char *const exercise_keys[] = { "name",         "purpose", "setup",  "sets",         "sides",
                                             "switch_sides", "switch",  "blocks", "between_sets", NULL };
static const char *const switch_choices[] = { "each-set", "after-sets", NULL };

static int exercise_load(const config_setting_t *g, struct exercise *e, struct conf_error *err) {
        const config_setting_t *list;
        int r, choice = SWITCH_EACH_SET;

        r = conf_check_keys(g, exercise_keys, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(g, "name", true, &e->name, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(g, "purpose", true, &e->purpose, err);
        if (r < 0)
                return r;
        r = conf_get_strv(g, "setup", false, &e->setup, err);
        if (r < 0)
                return r;
        e->sets = (struct range){ .low = 1, .high = 1, .normal = NAN };
        r = conf_get_range(g, "sets", false, 1, 100, true, &e->sets, err);
        if (r < 0)
                return r;
        r = conf_get_choice(g, "switch_sides", switch_choices, &choice, err);
        if (r < 0)
                return r;
        e->switch_sides = choice;
        r = conf_get_strdup(g, "switch", false, &e->switch_say, err);
        if (r < 0)
                return r;

        r = conf_get_list(g, "sides", false, &list, err);
        if (r < 0)
                return r;
        if (list) {
                r = sides_load(list, e, err);
                if (r < 0)
                        return r;
        }

        r = conf_get_list(g, "blocks", true, &list, err);
        if (r < 0)
                return r;
        if (config_setting_length(list) == 0)
                return conf_fail(err, list, "'blocks' must hold at least one block");
        r = blocks_load(list, false, &e->blocks, &e->n_blocks, err);
        if (r < 0)
                return r;

        r = conf_get_list(g, "between_sets", false, &list, err);
        if (r < 0 || !list)
                return r;
        return blocks_load(list, false, &e->between_sets, &e->n_between_sets, err);
}

static const char *const routine_keys[] = { "language", "title", "intro", "between", "exercises", NULL };

bool routine_name_is_path(const char *name) {
        return strchr(name, '/') || endswith(name, ".conf");
}

static int routine_id_from_path(const char *path, char **ret) {
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return -ENOMEM;
        char *base = basename(copy);
        if (endswith(base, ".conf"))
                base[strlen(base) - 5] = 0;
        *ret = strdup(base);
        return *ret ? 0 : -ENOMEM;
}

int routine_load(const char *path, struct routine **ret, struct conf_error *err) {
        _cleanup_(routine_freep) struct routine *rt = NULL;
        const config_setting_t *root, *list;
        int r;

        rt = calloc(1, sizeof *rt);
        if (!rt)
                return -ENOMEM;
        rt->path = strdup(path);
        if (!rt->path)
                return -ENOMEM;
        r = routine_id_from_path(path, &rt->id);
        if (r < 0)
                return r;

        _cleanup_(config_destroy) config_t c;
        config_init(&c);
        r = conf_read_root(&c, path, routine_keys, &root, err);
        if (r < 0)
                return r;
        rt->language = strdup("en");
        if (!rt->language) {
                r = -ENOMEM;
                return r;
        }
        r = conf_get_strdup(root, "language", false, &rt->language, err);
        if (r < 0)
                return r;
        /* morning-feet.de.conf is the routine morning-feet, in German */
        size_t k = strlen(rt->language), n_id = strlen(rt->id);
        if (n_id > k + 1 && rt->id[n_id - k - 1] == '.' && streq(rt->id + n_id - k, rt->language))
                rt->id[n_id - k - 1] = 0;
        r = conf_get_strdup(root, "title", true, &rt->title, err);
        if (r < 0)
                return r;
        r = conf_get_strdup(root, "intro", false, &rt->intro, err);
        if (r < 0)
                return r;
        rt->between = 10;
        r = conf_get_number(root, "between", false, 0, 600, &rt->between, err);
        if (r < 0)
                return r;
        r = conf_get_list(root, "exercises", true, &list, err);
        if (r < 0)
                return r;

        size_t n = config_setting_length(list);
        if (n == 0)
                return conf_fail(err, list, "'exercises' must hold at least one exercise");
        rt->exercises = calloc(n, sizeof *rt->exercises);
        if (!rt->exercises) {
                r = -ENOMEM;
                return r;
        }
        for (size_t i = 0; i < n; i++) {
                const config_setting_t *e = config_setting_get_elem(list, i);
                rt->n_exercises = i + 1; /* so a half-read exercise is freed */
                if (config_setting_type(e) != CONFIG_TYPE_GROUP)
                        return conf_fail(err, e, "'exercises' must hold groups in braces { }");
                r = exercise_load(e, &rt->exercises[i], err);
                if (r < 0)
                        return r;
        }
        *ret = rt;
        rt = NULL;
        return r;
}
