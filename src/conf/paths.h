/* Where tiptoed finds its files: the source tree's config/ and voices/ when it runs
 * from the build tree, $(datadir)/tiptoed and $(sysconfdir)/tiptoed once installed. */
#pragma once

#include "settings.h"

bool paths_uninstalled(void);

/* The settings file to read when none is named, or NULL when there is none. */
int paths_find_settings(char **ret);

/* A routine by id (searched in routine_dir, then the shipped routines) or by path.
 * In each directory ID.LANGUAGE.conf, in the settings' language, comes before ID.conf.
 * -ENOENT when there is none such. */
int paths_find_routine(const struct settings *s, const char *name, char **ret);

/* Every routine name in routine_dir and the shipped routines, sorted: file names without
 * .conf, so "morning-feet" and "morning-feet.de" both; load each to learn its id. */
int paths_list_routines(const struct settings *s, char ***ret);

int paths_find_voice(const char *language, char **ret);

/* The directory of the shipped routines. */
const char *paths_routines_dir(void);
