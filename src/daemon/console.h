/* tiptoed --once: plays a session to its end. Keys on standard input control it (a
 * terminal is put in raw mode; a pipe works too), and on a terminal one status line
 * shows exercise, set, side and time left. */
#pragma once

#include "routine.h"
#include "session.h"

/* Signals must be blocked before any thread starts: eSpeak NG and PortAudio start some. */
void console_block_signals(void);

/* Runs until the routine ends or q is pressed (0), or SIGINT or SIGTERM stops it (0, with
 * the signal in *ret_signal). A negative errno when it cannot play: said. */
int console_run(sd_event *e, const struct routine *routine, const struct plan *plan, struct clips *clips,
                const struct voice *voice, const struct output_spec *spec, double volume, int *ret_signal);
