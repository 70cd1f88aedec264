/* The history: every routine that starts, how it ended, and every scheduled run that was
 * missed or skipped, in an append-only file of JSON lines ($XDG_STATE_HOME/tiptoed or
 * /var/lib/tiptoed). Each record is one write() and an fdatasync(), so a record that was
 * written survives a kill or a crash; a record torn by a power cut is the last one, and
 * opening the file drops it. A start with no end is a routine the daemon died during. */
#pragma once

#include "progress.h"
#include "util.h"

enum outcome {
        OUTCOME_PLAYING, /* started, not ended yet */
        OUTCOME_COMPLETED,
        OUTCOME_STOPPED,
        OUTCOME_FAILED,  /* the output failed */
        OUTCOME_MISSED,  /* a scheduled run nobody was there for: off, asleep */
        OUTCOME_SKIPPED, /* a scheduled run not started: asked to skip, or a routine was playing */
        OUTCOME_CUT,     /* started, never ended: the daemon or the box died during it */
        _OUTCOME_MAX,
};

struct history_entry {
        usec_t started;   /* µs since the epoch; for missed and skipped runs, when they were due */
        usec_t scheduled; /* the scheduled run it was; 0: started by hand */
        char *routine;
        char *level;
        enum outcome outcome;
        usec_t ended, paused, heard; /* heard: how much of the routine was played */
        unsigned skipped_steps;
};

struct history {
        int fd;
        char *path;
        struct history_entry *entries; /* oldest first */
        size_t n_entries;
        unsigned dropped;      /* lines that could not be read */
        usec_t last_completed; /* kept as records come: properties read it often */
        char *pending_path;
        char *pending_text; /* what pending.json holds, once written */
        bool pending_written;
};

/* Opens (creating) dir/history.jsonl and reads it. */
int history_open(const char *dir, struct history **ret);
void history_close(struct history *h);
DEFINE_POINTER_CLEANUP(struct history, history_close)

/* Appends durably, and to the entries. */
int history_start(struct history *h, usec_t at, usec_t scheduled, const char *routine, const char *level);
int history_end(struct history *h, usec_t started, usec_t at, enum outcome o, usec_t paused, usec_t heard,
                unsigned skipped_steps);
int history_unplayed(struct history *h, usec_t scheduled, const char *routine, enum outcome o);
/* The routine that started at `started`, cut by the daemon's end, plays again (place.h):
 * its end is to come. */
void history_went_on(struct history *h, usec_t started);

/* The last scheduled run dealt with (started, missed or skipped); 0: none. */
usec_t history_last_scheduled(const struct history *h);
usec_t history_last_completed(const struct history *h);
/* Days in a row, up to today, with a completed routine; today counts once it is done.
 * Days are local days in tz (NULL: the system's). */
unsigned history_streak(const struct history *h, usec_t now, const char *tz);

/* What was asked of a scheduled run still to come, kept beside the history in pending.json
 * so that a restart (an upgrade, a power cut) keeps it. 0: none. The file is replaced
 * whole (written aside, then renamed) and removed when nothing is pending. */
struct pending {
        usec_t skip;              /* when the run to skip is due */
        usec_t snoozed_at;        /* when the snoozed run starts */
        usec_t snoozed_scheduled; /* when it was due */
        char *snoozed_routine;
};
/* Writes p, unless the file holds it already; a failure is logged. */
int history_keep_pending(struct history *h, const struct pending *p);
/* What the file holds: all 0 if nothing, or if it cannot be read (logged). The caller
 * frees ret->snoozed_routine. */
void history_pending(struct history *h, struct pending *ret);

/* level = "auto" (core/progress.h) as the history has it now: completed mornings done;
 * stopped and missed ones bad; skipped runs, failures of the box's and the one playing
 * neither. */
void history_progress(const struct history *h, usec_t now, const char *tz, struct progress *ret);

const char *outcome_to_string(enum outcome o);

/* Where the history lives: $STATE_DIRECTORY (systemd's StateDirectory=), else for the
 * system daemon /var/lib/tiptoed, for a user's $XDG_STATE_HOME/tiptoed or ~/.local/state/tiptoed. */
int history_dir(bool system, char **ret);
