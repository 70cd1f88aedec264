#!/bin/sh
# tests/test-faults.sh again through PipeWire, as a Debian 12 desktop runs it: PipeWire,
# WirePlumber and pipewire-pulse, with ALSA's default going to PipeWire through
# pipewire-alsa (tests/pulse.sh, SOUND_SERVER).
SOUND_SERVER=pipewire
export SOUND_SERVER
exec sh "$top_srcdir/tests/test-faults.sh"
