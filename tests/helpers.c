#include <stdio.h>
#include <unistd.h>

#include "helpers.h"

const char *srcdir_path(const char *relative) {
        static char path[4096];
        const char *top = getenv("top_srcdir") ?: ABS_TOP_SRCDIR;
        snprintf(path, sizeof path, "%s/%s", top, relative);
        return path;
}

char *write_temp(const char *text, const char *suffix) {
        char *path;
        assert_true(asprintf(&path, "/tmp/tiptoed-test-XXXXXX%s", suffix) > 0);
        int fd = mkstemps(path, strlen(suffix));
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
        return path;
}

struct routine *load_routine_or_die(const char *path) {
        struct routine *r = NULL;
        struct conf_error err = {};
        if (routine_load(path, &r, &err) < 0)
                fail_msg("%s", err.text);
        return r;
}

struct voice *load_voice_or_die(const char *path) {
        struct voice *v = NULL;
        struct conf_error err = {};
        if (voice_load(path, &v, &err) < 0)
                fail_msg("%s", err.text);
        return v;
}

int fake_duration(void *userdata, const char *text, usec_t *ret) {
        *ret = strlen(text) * 50 * USEC_PER_MSEC;
        return 0;
}

ssize_t find_cue(const struct plan *p, size_t from, enum cue_kind kind, const char *text) {
        for (size_t i = from; i < p->n_cues; i++)
                if (p->cues[i].kind == kind && (!text || streq(p->cues[i].text, text)))
                        return (ssize_t) i;
        return -1;
}
