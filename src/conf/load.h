/* Loading what the files say, for whoever needs it: the command line prints the error,
 * the daemon hands it back over D-Bus. Each function returns 0 or a negative errno with
 * err saying what, where and what to do:
 *   -ENOENT  no such routine or voice file
 *   -EINVAL  a file is wrong (err->text begins with FILE:LINE)
 *   -ENOMEM */
#pragma once

#include "routine.h"
#include "settings.h"
#include "voice.h"

/* The settings file at path, or the one found in the usual places (NULL), or the
 * built-in defaults when there is none. */
int load_settings(const char *path, struct settings **ret, struct conf_error *err);
int load_routine(const struct settings *s, const char *name, struct routine **ret, struct conf_error *err);
int load_voice(const struct settings *s, struct voice **ret, struct conf_error *err);
/* -EINVAL unless the routine is in the voice's language. */
int load_check_language(const struct routine *routine, const struct voice *voice, struct conf_error *err);
