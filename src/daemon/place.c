#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "place.h"

#define PLACE_FILE "place.json"

void place_done(struct place *p) {
        free(p->routine);
        free(p->text);
        *p = (struct place){};
}

int place_dir(bool system, char **ret) {
        const char *runtime = getenv("RUNTIME_DIRECTORY"), *xdg = getenv("XDG_RUNTIME_DIR");
        int r;

        if (runtime && *runtime == '/')
                r = asprintf(ret, "%.*s", (int) strcspn(runtime, ":"), runtime); /* the first, if several */
        else if (system)
                r = asprintf(ret, "/run/tiptoed");
        else if (xdg && *xdg == '/')
                r = asprintf(ret, "%s/tiptoed", xdg);
        else
                return -ENOENT;
        return r < 0 ? -ENOMEM : 0;
}

static int path_of(const char *dir, char **ret) {
        return asprintf(ret, "%s/" PLACE_FILE, dir) < 0 ? -ENOMEM : 0;
}

DEFINE_POINTER_CLEANUP(json_object, json_object_put)

int runtime_file_write(const char *dir, const char *file, const char *text) {
        _cleanup_free_ char *path = NULL, *aside = NULL;
        FILE *f;
        int r;

        if (asprintf(&path, "%s/%s", dir, file) < 0 || asprintf(&aside, "%s.new", path) < 0)
                return -ENOMEM;
        (void) mkdir(dir, 0700);
        f = fopen(aside, "we");
        if (!f)
                return -errno;
        r = fputs(text, f) < 0 ? -errno : 0;
        if (fclose(f) < 0 && r == 0)
                r = -errno;
        if (r == 0 && rename(aside, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlink(aside);
        return r;
}

int place_keep(const char *dir, const struct place *p) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        const char *text;
        int r;

        if (!o)
                return log_oom();
        json_object_object_add(o, "routine", json_object_new_string(p->routine));
        json_object_object_add(o, "text", json_object_new_string(p->text));
        json_object_object_add(o, "cues", json_object_new_uint64(p->cues));
        json_object_object_add(o, "cue", json_object_new_uint64(p->cue));
        json_object_object_add(o, "total", json_object_new_uint64(p->total));
        json_object_object_add(o, "paused", json_object_new_boolean(p->paused));
        json_object_object_add(o, "started", json_object_new_uint64(p->started));
        json_object_object_add(o, "scheduled", json_object_new_uint64(p->scheduled));
        json_object_object_add(o, "paused_for", json_object_new_uint64(p->paused_for));
        json_object_object_add(o, "skipped_steps", json_object_new_uint64(p->skipped_steps));
        json_object_object_add(o, "saved", json_object_new_uint64(p->saved));
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        if (!text)
                return log_oom();
        r = runtime_file_write(dir, PLACE_FILE, text);
        if (r == -ENOMEM)
                return log_oom();
        if (r < 0)
                return log_warning_errno(r, "Failed to keep the routine's place in %s/" PLACE_FILE " (it goes on): %m",
                                         dir);
        return 0;
}

static bool get_u64(json_object *o, const char *key, uint64_t *ret) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
                return false;
        *ret = json_object_get_uint64(v);
        return true;
}

static char *get_text(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return strdup(json_object_get_string(v));
}

int place_take(const char *dir, usec_t now, struct place *ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_free_ char *path = NULL;
        struct place p = {};
        uint64_t cues, cue, skipped;
        json_object *paused;

        *ret = (struct place){};
        if (path_of(dir, &path) < 0)
                return -ENOMEM;
        if (access(path, F_OK) < 0)
                return -ENOENT;
        o = json_object_from_file(path);
        (void) unlink(path);
        if (!o || !json_object_is_type(o, json_type_object) || !(p.routine = get_text(o, "routine")) ||
            !(p.text = get_text(o, "text")) || !get_u64(o, "cues", &cues) || !get_u64(o, "cue", &cue) || cue >= cues ||
            !get_u64(o, "total", &p.total) || !json_object_object_get_ex(o, "paused", &paused) ||
            !get_u64(o, "started", &p.started) || !get_u64(o, "scheduled", &p.scheduled) ||
            !get_u64(o, "paused_for", &p.paused_for) || !get_u64(o, "skipped_steps", &skipped) ||
            !get_u64(o, "saved", &p.saved)) {
                place_done(&p);
                return -EBADMSG;
        }
        p.cues = (size_t) cues;
        p.cue = (size_t) cue;
        p.paused = json_object_get_boolean(paused);
        p.skipped_steps = (unsigned) skipped;
        if (p.saved > now || now - p.saved > PLACE_KEPT_USEC) {
                *ret = p;
                return -ESTALE;
        }
        *ret = p;
        return 0;
}

void runtime_file_remove(const char *dir, const char *file) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, "%s/%s", dir, file) >= 0 && unlink(path) < 0 && errno != ENOENT)
                log_warning_errno(errno, "Failed to remove %s: %m", path);
}

void place_forget(const char *dir) {
        runtime_file_remove(dir, PLACE_FILE);
}
