/* What both D-Bus objects need, Coach1 (bus.c) and MPRIS (mpris.c): errors as D-Bus
 * errors, and PropertiesChanged for what changed since it was last announced. */
#pragma once

#include <systemd/sd-bus.h>

#include "conf.h"

#define PROPERTIES_MAX 32     /* announced per interface, the NULL that ends a list included */
#define PROPERTY_TEXT_MAX 512 /* a property's value, as text, to compare with the last one */

/* A coach error as a D-Bus error: NoSuchRoutine, InvalidConfig and so on. */
int bus_reply_error(sd_bus_error *error, int r, const struct conf_error *err);

/* Announces on bus with PropertiesChanged each property in names (NULL-terminated, fewer
 * than PROPERTIES_MAX) whose text, rendered from one snapshot of the state, differs from
 * what published holds for it, and keeps the new text. bus may be NULL: nothing is sent. */
typedef void (*property_text_fn)(const void *snapshot, const char *name, char *buf, size_t size);
void bus_publish_changes(sd_bus *bus, const char *path, const char *interface, const char *const *names,
                         property_text_fn text, const void *snapshot, char (*published)[PROPERTY_TEXT_MAX]);
