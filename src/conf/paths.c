#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "paths.h"
#include "routine.h"

/* True when this executable lives in the build tree it was built in. */
bool paths_uninstalled(void) {
        static int cached = -1;
        char exe[PATH_MAX], build[PATH_MAX];

        if (cached >= 0)
                return cached;
        cached = 0;
        if (!realpath("/proc/self/exe", exe) || !realpath(ABS_TOP_BUILDDIR, build))
                return false;
        size_t n = strlen(build);
        cached = strncmp(exe, build, n) == 0 && exe[n] == '/';
        return cached;
}

static const char *data_dir(const char *uninstalled, const char *installed) {
        return paths_uninstalled() ? uninstalled : installed;
}

const char *paths_routines_dir(void) {
        return data_dir(ABS_TOP_SRCDIR "/config/routines", PKGDATADIR "/routines");
}

static int existing(char *path, char **ret) {
        if (!path)
                return -ENOMEM;
        if (access(path, F_OK) < 0) {
                free(path);
                return -ENOENT;
        }
        *ret = path;
        return 0;
}

static char *join(const char *dir, const char *name, const char *suffix) {
        char *p;
        return asprintf(&p, "%s/%s%s", dir, name, suffix) < 0 ? NULL : p;
}

int paths_find_settings(char **ret) {
        const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
        char *p = NULL;
        int r;

        *ret = NULL;
        if (paths_uninstalled()) {
                r = existing(join(ABS_TOP_SRCDIR, "config", "/tiptoed.conf"), ret);
                return r == -ENOENT ? 0 : r;
        }

        if (xdg && *xdg == '/')
                p = join(xdg, "tiptoed/tiptoed.conf", "");
        else if (home && *home == '/')
                p = join(home, ".config/tiptoed/tiptoed.conf", "");
        if (p) {
                r = existing(p, ret);
                if (r != -ENOENT)
                        return r;
        }
        r = existing(join(SYSCONFDIR, "tiptoed/tiptoed.conf", ""), ret);
        return r == -ENOENT ? 0 : r;
}

/* NAME.LANGUAGE.conf, else NAME.conf, in dir. */
static int find_in(const char *dir, const char *name, const char *language, char **ret) {
        _cleanup_free_ char *suffix = NULL;
        int r;

        if (asprintf(&suffix, ".%s.conf", language) < 0)
                return -ENOMEM;
        r = existing(join(dir, name, suffix), ret);
        return r == -ENOENT ? existing(join(dir, name, ".conf"), ret) : r;
}

int paths_find_routine(const struct settings *s, const char *name, char **ret) {
        int r;

        if (routine_name_is_path(name))
                return existing(strdup(name), ret);

        if (s->routine_dir) {
                r = find_in(s->routine_dir, name, s->language, ret);
                if (r != -ENOENT)
                        return r;
        }
        return find_in(paths_routines_dir(), name, s->language, ret);
}

int paths_find_voice(const char *language, char **ret) {
        return existing(join(data_dir(ABS_TOP_SRCDIR "/voices", PKGDATADIR "/voices"), language, ".conf"), ret);
}

static void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

static int add_names_in(const char *dir, char ***names, size_t *n) {
        _cleanup_(closedirp) DIR *d = opendir(dir);
        struct dirent *de;

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        while ((de = readdir(d))) {
                size_t k = strlen(de->d_name);
                char **v;

                if (de->d_name[0] == '.' || !endswith(de->d_name, ".conf"))
                        continue;
                v = realloc(*names, (*n + 2) * sizeof *v);
                if (!v)
                        return -ENOMEM;
                *names = v;
                if (!(v[*n] = strndup(de->d_name, k - strlen(".conf"))))
                        return -ENOMEM;
                v[++*n] = NULL;
        }
        return 0;
}

static int compare_names(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int paths_list_routines(const struct settings *s, char ***ret) {
        _cleanup_(strv_freep) char **names = calloc(1, sizeof *names);
        size_t n = 0;
        int r;

        if (!names)
                return -ENOMEM;
        if (s->routine_dir && (r = add_names_in(s->routine_dir, &names, &n)) < 0)
                return r;
        if ((r = add_names_in(paths_routines_dir(), &names, &n)) < 0)
                return r;
        qsort(names, n, sizeof *names, compare_names);
        *ret = names;
        names = NULL;
        return 0;
}
