/* org.tiptoed.Coach1 at /org/tiptoed/Coach1: the coach on D-Bus. The interface is
 * described, argument by argument, in dbus/org.tiptoed.Coach1.xml. */
#pragma once

#include "bus-names.h"
#include "daemon.h"

/* Connects, puts the objects on the bus and takes the names. */
int bus_open(struct daemon *d);
/* Puts the objects on d->bus, connected already, and attaches it to the loop. */
int bus_serve(struct daemon *d);
/* PropertiesChanged for what changed since the last call. */
void bus_publish(struct daemon *d);
void bus_emit_cue(struct daemon *d);
void bus_emit_finished(struct daemon *d);

/* A coach error as a D-Bus error: NoSuchRoutine, InvalidConfig and so on. */
int bus_reply_error(sd_bus_error *error, int r, const struct conf_error *err);

/* Announces with PropertiesChanged each property in names (NULL-terminated) whose text,
 * rendered from one snapshot of the state, differs from what published holds for it, and
 * keeps the new text. */
typedef void (*property_text_fn)(const void *snapshot, const char *name, char *buf, size_t size);
void bus_publish_changes(struct daemon *d, const char *path, const char *interface, const char *const *names,
                         property_text_fn text, const void *snapshot, char (*published)[512]);
