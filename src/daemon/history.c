#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "history.h"
#include "log.h"
#include "zone.h"

static const char *const outcome_names[_OUTCOME_MAX] = {
        [OUTCOME_PLAYING] = "playing", [OUTCOME_COMPLETED] = "completed", [OUTCOME_STOPPED] = "stopped",
        [OUTCOME_FAILED] = "failed",   [OUTCOME_MISSED] = "missed",       [OUTCOME_SKIPPED] = "skipped",
        [OUTCOME_CUT] = "cut",
};

const char *outcome_to_string(enum outcome o) {
        return o < _OUTCOME_MAX ? outcome_names[o] : NULL;
}

static int outcome_from_string(const char *s) {
        for (int o = 0; o < _OUTCOME_MAX; o++)
                if (s && streq(s, outcome_names[o]))
                        return o;
        return -1;
}

static void entry_done(struct history_entry *e) {
        free(e->routine);
        free(e->level);
}

void history_close(struct history *h) {
        if (!h)
                return;
        for (size_t i = 0; i < h->n_entries; i++)
                entry_done(&h->entries[i]);
        free(h->entries);
        if (h->fd >= 0)
                close(h->fd);
        free(h->path);
        free(h->pending_path);
        free(h->pending_text);
        free(h);
}

static struct history_entry *add_entry(struct history *h) {
        struct history_entry *e = realloc(h->entries, (h->n_entries + 1) * sizeof *e);
        if (!e)
                return NULL;
        h->entries = e;
        e = &h->entries[h->n_entries++];
        *e = (struct history_entry){};
        return e;
}

/* The entry a start at `started` made; the newest such. */
static struct history_entry *find_started(struct history *h, usec_t started) {
        for (size_t i = h->n_entries; i > 0; i--)
                if (h->entries[i - 1].started == started && h->entries[i - 1].outcome == OUTCOME_PLAYING)
                        return &h->entries[i - 1];
        return NULL;
}

static usec_t get_usec(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) ? (usec_t) json_object_get_uint64(v) : 0;
}

static const char *get_string(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
                       ? json_object_get_string(v)
                       : NULL;
}

/* Applies one record to the entries. -EINVAL: not a record. */
static int apply(struct history *h, json_object *o) {
        const char *event = get_string(o, "event"), *routine = get_string(o, "routine");
        struct history_entry *e;
        int outcome;

        if (!event)
                return -EINVAL;
        if (streq(event, "start") || streq(event, "missed") || streq(event, "skipped")) {
                if (!routine || !(e = add_entry(h)))
                        return routine ? -ENOMEM : -EINVAL;
                e->started = get_usec(o, "at");
                e->scheduled = get_usec(o, "scheduled");
                e->outcome = streq(event, "start")    ? OUTCOME_PLAYING
                             : streq(event, "missed") ? OUTCOME_MISSED
                                                      : OUTCOME_SKIPPED;
                e->routine = strdup(routine);
                e->level = get_string(o, "level") ? strdup(get_string(o, "level")) : NULL;
                return e->routine ? 0 : -ENOMEM;
        }
        if (streq(event, "end")) {
                outcome = outcome_from_string(get_string(o, "outcome"));
                e = find_started(h, get_usec(o, "started"));
                if (!e || outcome < OUTCOME_COMPLETED || outcome > OUTCOME_FAILED)
                        return -EINVAL;
                e->outcome = outcome;
                e->ended = get_usec(o, "at");
                e->paused = get_usec(o, "paused");
                e->heard = get_usec(o, "heard");
                e->skipped_steps = (unsigned) get_usec(o, "skipped_steps");
                if (outcome == OUTCOME_COMPLETED)
                        h->last_completed = MAX(h->last_completed, e->ended);
                return 0;
        }
        return -EINVAL;
}

static int read_all(struct history *h) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, allocated = 0;
        off_t whole;
        ssize_t n;

        for (;;) {
                if (size + 4096 > allocated) {
                        char *b = realloc(buf, allocated = allocated * 2 + 65536);
                        if (!b)
                                return -ENOMEM;
                        buf = b;
                }
                n = pread(h->fd, buf + size, allocated - size - 1, (off_t) size);
                if (n < 0)
                        return -errno;
                if (n == 0)
                        break;
                size += (size_t) n;
        }
        whole = 0;
        for (char *line = buf, *nl; line < buf + size && (nl = memchr(line, '\n', (size_t) (buf + size - line)));
             line = nl + 1) {
                json_tokener *tok;
                json_object *o;
                int r;

                whole = nl + 1 - buf;
                if (line + strspn(line, " \t\r") == nl)
                        continue; /* a blank line is no record, and no harm */
                tok = json_tokener_new();
                if (!tok)
                        return -ENOMEM;
                o = json_tokener_parse_ex(tok, line, (int) (nl - line));
                r = o && json_tokener_get_error(tok) == json_tokener_success ? apply(h, o) : -EINVAL;
                json_object_put(o);
                json_tokener_free(tok);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        h->dropped++;
        }
        /* A last line without its newline is a record torn by a crash: drop it, or the next
         * record would be glued to it. */
        if ((size_t) whole < size) {
                log_warning("%s: dropping a torn last record (%zu bytes).", h->path, size - (size_t) whole);
                if (ftruncate(h->fd, whole) < 0)
                        return -errno;
        }
        if (h->dropped > 0)
                log_warning("%s: %u lines are not history records; left as they are.", h->path, h->dropped);
        return 0;
}

static int mkdir_parents(const char *dir) {
        _cleanup_free_ char *p = strdup(dir);

        if (!p)
                return -ENOMEM;
        for (char *slash = p; (slash = strchr(slash + 1, '/'));) {
                *slash = 0;
                if (mkdir(p, 0755) < 0 && errno != EEXIST)
                        return -errno;
                *slash = '/';
        }
        return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

int history_open(const char *dir, struct history **ret) {
        _cleanup_(history_closep) struct history *h = calloc(1, sizeof *h);
        struct stat st;
        int r;

        if (!h)
                return -ENOMEM;
        h->fd = -1;
        if (asprintf(&h->path, "%s/history.jsonl", dir) < 0 || asprintf(&h->pending_path, "%s/pending.json", dir) < 0)
                return -ENOMEM;
        r = mkdir_parents(dir);
        if (r < 0)
                return log_error_errno(r, "Failed to make %s: %m", dir);
        h->fd = open(h->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (h->fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", h->path);
        if (fstat(h->fd, &st) < 0 || !S_ISREG(st.st_mode))
                return log_error_errno(EINVAL, "%s is not a regular file: move it away.", h->path);
        r = read_all(h);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", h->path);
        /* Opened as a daemon starts: nothing it reads can be playing. A start with no end
         * was cut short by a kill or a power cut; its end was never decided, so none is
         * written for it. */
        for (size_t i = 0; i < h->n_entries; i++)
                if (h->entries[i].outcome == OUTCOME_PLAYING)
                        h->entries[i].outcome = OUTCOME_CUT;
        *ret = h;
        h = NULL;
        return 0;
}

DEFINE_POINTER_CLEANUP(json_object, json_object_put)

/* One record, one write(), then to the disk. A write the disk had no room for is taken
 * back whole: half a record would swallow the next one. */
static int append(struct history *h, json_object *taken) {
        _cleanup_(json_object_putp) json_object *o = taken;
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        _cleanup_free_ char *line = NULL;
        off_t end = lseek(h->fd, 0, SEEK_END);
        ssize_t written;
        int r, n;

        if (!s || (n = asprintf(&line, "%s\n", s)) < 0)
                return -ENOMEM;
        written = write(h->fd, line, (size_t) n);
        if (written != n || fdatasync(h->fd) < 0) {
                r = written < 0 || written == n ? -errno : -ENOSPC;
                if (end >= 0)
                        (void) ftruncate(h->fd, end);
                return log_error_errno(r, "Failed to record in %s (the routine goes on): %m", h->path);
        }
        return apply(h, o);
}

static json_object *record(const char *event, usec_t at) {
        json_object *o = json_object_new_object();
        if (o) {
                json_object_object_add(o, "event", json_object_new_string(event));
                json_object_object_add(o, "at", json_object_new_uint64(at));
        }
        return o;
}

int history_start(struct history *h, usec_t at, usec_t scheduled, const char *routine, const char *level) {
        json_object *o = record("start", at);
        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "scheduled", json_object_new_uint64(scheduled));
        json_object_object_add(o, "routine", json_object_new_string(routine));
        json_object_object_add(o, "level", json_object_new_string(level));
        return append(h, o);
}

int history_end(struct history *h, usec_t started, usec_t at, enum outcome outcome, usec_t paused, usec_t heard,
                unsigned skipped_steps) {
        json_object *o;

        if (!find_started(h, started))
                return -ENOENT; /* its start could not be recorded either */
        o = record("end", at);
        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "started", json_object_new_uint64(started));
        json_object_object_add(o, "outcome", json_object_new_string(outcome_to_string(outcome)));
        json_object_object_add(o, "paused", json_object_new_uint64(paused));
        json_object_object_add(o, "heard", json_object_new_uint64(heard));
        json_object_object_add(o, "skipped_steps", json_object_new_uint64(skipped_steps));
        return append(h, o);
}

void history_went_on(struct history *h, usec_t started) {
        for (size_t i = h->n_entries; i > 0; i--)
                if (h->entries[i - 1].started == started && h->entries[i - 1].outcome == OUTCOME_CUT) {
                        h->entries[i - 1].outcome = OUTCOME_PLAYING;
                        return;
                }
}

int history_unplayed(struct history *h, usec_t scheduled, const char *routine, enum outcome outcome) {
        json_object *o = record(outcome == OUTCOME_MISSED ? "missed" : "skipped", scheduled);
        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "scheduled", json_object_new_uint64(scheduled));
        json_object_object_add(o, "routine", json_object_new_string(routine));
        return append(h, o);
}

usec_t history_last_scheduled(const struct history *h) {
        usec_t last = 0;
        for (size_t i = 0; i < h->n_entries; i++)
                last = MAX(last, h->entries[i].scheduled);
        return last;
}

usec_t history_last_completed(const struct history *h) {
        return h->last_completed;
}

void history_progress(const struct history *h, usec_t now, const char *tz, struct progress *ret) {
        _cleanup_free_ struct morning_record *r = calloc(MAX(h->n_entries, (size_t) 1), sizeof *r);

        if (!r) {
                *ret = (struct progress){ .level = LEVEL_EASY, .previous = LEVEL_EASY };
                return;
        }
        for (size_t i = 0; i < h->n_entries; i++) {
                enum outcome o = h->entries[i].outcome;
                r[i] = (struct morning_record){
                        .at = h->entries[i].started,
                        .morning = o == OUTCOME_COMPLETED                        ? MORNING_DONE
                                   : o == OUTCOME_STOPPED || o == OUTCOME_MISSED ? MORNING_BAD
                                                                                 : MORNING_NEITHER,
                        .played = o != OUTCOME_MISSED && o != OUTCOME_SKIPPED,
                };
        }
        progress_level(r, h->n_entries, now, tz, ret);
}

unsigned history_streak(const struct history *h, usec_t now, const char *tz) {
        struct zone z;
        long today, day;
        unsigned streak = 0;
        bool found;

        zone_enter(&z, tz);
        today = local_day(now);
        /* From today back (or from yesterday, if today is not done yet), one day at a time. */
        for (day = today;; day--) {
                found = false;
                for (size_t i = 0; i < h->n_entries && !found; i++)
                        found = h->entries[i].outcome == OUTCOME_COMPLETED && local_day(h->entries[i].ended) == day;
                if (found)
                        streak++;
                else if (day != today)
                        break;
        }
        zone_leave(&z);
        return streak;
}

/* Replaces the file at path by one holding text, on the disk before it takes the place of
 * the old: a crash leaves one or the other, whole. */
static int replace_file(const char *path, const char *text) {
        _cleanup_free_ char *aside = NULL, *dir = strndup(path, (size_t) (strrchr(path, '/') - path));
        size_t n = strlen(text);
        ssize_t written;
        int fd, r = 0;

        if (!dir || asprintf(&aside, "%s.new", path) < 0)
                return -ENOMEM;
        fd = open(aside, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        written = write(fd, text, n);
        if (written < 0 || fsync(fd) < 0)
                r = -errno;
        else if ((size_t) written != n)
                r = -ENOSPC;
        close(fd);
        if (r >= 0 && rename(aside, path) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlink(aside);
                return r;
        }
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* the rename, to the disk */
        if (fd >= 0) {
                (void) fsync(fd);
                close(fd);
        }
        return 0;
}

/* {"skip":T,"snoozed":{"at":T,"scheduled":T,"routine":"ID"}}, either part left out. */
static char *pending_to_text(const struct pending *p) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *snoozed = NULL;
        const char *text;

        if (!o || (p->snoozed_at && !(snoozed = json_object_new_object())))
                return NULL;
        if (p->skip)
                json_object_object_add(o, "skip", json_object_new_uint64(p->skip));
        if (snoozed) {
                json_object_object_add(snoozed, "at", json_object_new_uint64(p->snoozed_at));
                json_object_object_add(snoozed, "scheduled", json_object_new_uint64(p->snoozed_scheduled));
                json_object_object_add(snoozed, "routine", json_object_new_string(p->snoozed_routine));
                json_object_object_add(o, "snoozed", snoozed);
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        return text ? strdup(text) : NULL;
}

int history_keep_pending(struct history *h, const struct pending *p) {
        _cleanup_free_ char *text = NULL;
        int r;

        if ((p->skip || p->snoozed_at) && !(text = pending_to_text(p)))
                return log_error_errno(ENOMEM, "Failed to keep what is asked of the schedule: %m");
        if (h->pending_written && streq_ptr(text, h->pending_text))
                return 0;
        r = text ? replace_file(h->pending_path, text) : unlink(h->pending_path) < 0 && errno != ENOENT ? -errno : 0;
        if (r < 0)
                return log_error_errno(r,
                                       "Failed to keep what is asked of the schedule in %s (it holds until tiptoed "
                                       "restarts): %m",
                                       h->pending_path);
        free(h->pending_text);
        h->pending_text = text;
        h->pending_written = true;
        text = NULL;
        return 0;
}

void history_pending(struct history *h, struct pending *ret) {
        json_object *o, *snoozed;
        const char *routine;

        *ret = (struct pending){};
        if (access(h->pending_path, F_OK) < 0)
                return;
        o = json_object_from_file(h->pending_path);
        if (!o || !json_object_is_type(o, json_type_object)) {
                log_warning("%s is not what tiptoed writes there: a skip or snooze it held is forgotten.",
                            h->pending_path);
                json_object_put(o);
                return;
        }
        ret->skip = get_usec(o, "skip");
        if (json_object_object_get_ex(o, "snoozed", &snoozed) && (routine = get_string(snoozed, "routine")) &&
            *routine && (ret->snoozed_routine = strdup(routine))) {
                ret->snoozed_at = get_usec(snoozed, "at");
                ret->snoozed_scheduled = get_usec(snoozed, "scheduled");
        }
        json_object_put(o);
}

int history_dir(bool system, char **ret) {
        const char *state = getenv("STATE_DIRECTORY"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
        int r;

        if (state && *state == '/')
                r = asprintf(ret, "%.*s", (int) strcspn(state, ":"), state); /* the first, if several */
        else if (system)
                r = asprintf(ret, "/var/lib/tiptoed");
        else if (xdg && *xdg == '/')
                r = asprintf(ret, "%s/tiptoed", xdg);
        else if (home && *home == '/')
                r = asprintf(ret, "%s/.local/state/tiptoed", home);
        else
                return -ENOENT;
        return r < 0 ? -ENOMEM : 0;
}
