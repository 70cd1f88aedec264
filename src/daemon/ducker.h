/* The ducker: other media players lowered through MPRIS while tiptoed speaks, and put
 * back exactly where they were. Players on the daemon's bus are followed as they come and
 * go (NameOwnerChanged); each one's Volume is read when it is first to be lowered, lowered
 * and raised along core/duck.c's shape, and, once the listener has heard the way up
 * begin, read again: a volume someone set meanwhile is left as they set it. What each was
 * is kept in the runtime directory (ducked.json) while it is lowered, so that a daemon
 * killed then puts it back at its next start; SIGTERM puts it back before exiting. */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "duck.h"
#include "settings.h"

#define DUCK_FILE "ducked.json"

struct ducker;

/* When the speech heard ending after after is, as heard from now on: session_speech()'s 1,
 * 0 or -EAGAIN (looked at again in a moment). */
typedef int (*ducker_speech_fn)(usec_t now, usec_t after, struct span *ret, void *userdata);

/* dir: the runtime directory, or NULL (nothing is kept). Players lowered by a daemon that
 * was killed are put back as soon as they are on the bus, whatever the settings say. */
int ducker_new(sd_event *e, sd_bus *bus, const char *dir, const char *own_name, ducker_speech_fn speech, void *userdata,
               struct ducker **ret);
/* The loop's exit puts every player lowered back, waiting for each (up to a second), and so
 * does this, if the bus is still open. */
void ducker_free(struct ducker *d);
DEFINE_POINTER_CLEANUP(struct ducker, ducker_free)

/* duck.mpris off: nothing more is lowered, and what is comes back. */
int ducker_set(struct ducker *d, const struct duck_settings *s);
/* What is heard changed (a start, a cue, a pause, a skip): looks at it now. */
void ducker_poke(struct ducker *d);
