/* The place: where the routine playing is, kept in a file of the runtime directory
 * ($RUNTIME_DIRECTORY, /run/tiptoed, $XDG_RUNTIME_DIR/tiptoed) as it goes, so that a
 * daemon that died during it (PortAudio's loop past its deadline, exit 70; a crash; the
 * watchdog) and is started again goes on with it from the cue it was saying. A routine
 * that ends, however it ends, takes its place with it. The runtime directory lasts till
 * the box is switched off, and the unit keeps it across a restart
 * (RuntimeDirectoryPreserve=restart): a routine is never gone on with after a power cut. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* A place older than this is not gone on with: no one is standing there waiting for it. */
#define PLACE_KEPT_USEC (10 * 60 * USEC_PER_SEC)

struct place {
        char *routine;    /* its id */
        char *text;       /* what the cue says: a plan that changed since is not gone on with */
        size_t cues, cue; /* how many cues the plan has, and the one being said */
        usec_t total;     /* the plan's length */
        bool paused;      /* by the listener: it stays paused */
        usec_t started;   /* CLOCK_REALTIME: its start in the history, which its end names */
        usec_t scheduled; /* the scheduled run it is; 0: started by hand */
        usec_t paused_for;
        unsigned skipped_steps;
        usec_t saved; /* CLOCK_BOOTTIME */
};

void place_done(struct place *p);

/* The directory for it; -ENOENT: there is none (no runtime directory): nothing is kept. */
int place_dir(bool system, char **ret);
/* Replaces dir/file with text, written aside and renamed over the old: whoever reads it
 * reads one or the other, whole. Not synced: the directory is in memory. -errno, unsaid. */
int runtime_file_write(const char *dir, const char *file, const char *text);
/* Removes dir/file, if it is there; said when it cannot. */
void runtime_file_remove(const char *dir, const char *file);
/* Replaces what dir/place.json holds; said when it fails. */
int place_keep(const char *dir, const struct place *p);
/* What dir/place.json holds, if it is whole and younger than PLACE_KEPT_USEC at now
 * (CLOCK_BOOTTIME): 0; -ENOENT none; -ESTALE too old; -EBADMSG not what tiptoed writes.
 * Past -ENOENT, the file is removed: it is read once. */
int place_take(const char *dir, usec_t now, struct place *ret);
void place_forget(const char *dir);
