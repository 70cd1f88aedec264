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
