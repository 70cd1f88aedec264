#!/bin/sh
# tests/test-resume.sh again through PipeWire, with ALSA's default going to it through
# pipewire-alsa, as a Debian 12 desktop runs it: there the server going away is what stops
# the daemon (exit 70, PortAudio 19.6's loop), and it must go on once started again.
SOUND_SERVER=pipewire
export SOUND_SERVER
exec sh "$top_srcdir/tests/test-resume.sh"
