#!/bin/sh
# tests/test-live.sh again through PipeWire, as a Debian 12 desktop runs it: PipeWire,
# WirePlumber and pipewire-pulse, with ALSA's default going to PipeWire through
# pipewire-alsa (tests/pulse.sh, SOUND_SERVER).
# In the sanitizer build, no leak report: libpipewire keeps global state till exit, and
# is unloaded with the ALSA plugin before LeakSanitizer reports, so no suppression can
# name it. The same code's leaks are looked for through PulseAudio.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
SOUND_SERVER=pipewire
export SOUND_SERVER ASAN_OPTIONS
exec sh "$top_srcdir/tests/test-live.sh"
