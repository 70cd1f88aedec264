/* What several tests share: the source tree's files, temporary files, and a
 * stand-in for speech durations where a test must not depend on eSpeak NG. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "plan.h"

/* A path below the source tree; the result is static, valid until the next call. */
const char *srcdir_path(const char *relative);

/* Writes text to a new temporary file named like the template's suffix; returns its path. */
char *write_temp(const char *text, const char *suffix);

struct routine *load_routine_or_die(const char *path);
struct voice *load_voice_or_die(const char *path);

/* 50 ms per character: longer text takes longer, like speech. */
int fake_duration(void *userdata, const char *text, usec_t *ret);

/* The first cue of kind whose text is text, from index from; -1 if none. */
ssize_t find_cue(const struct plan *p, size_t from, enum cue_kind kind, const char *text);
