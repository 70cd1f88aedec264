#!/bin/sh
# tests/test-live.sh again through PipeWire, as a desktop runs it: PipeWire, WirePlumber and
# pipewire-pulse, ALSA's pulse plugin reaching them (tests/pulse.sh, SOUND_SERVER). Not
# yet part of every run: through that path 128 frames go missing now and then, for aplay
# as for tiptoed, so the 2 ms checks fail about one play in two (HACKING.md).
if [ "${TIPTOED_PIPEWIRE:-}" != 1 ]; then
        echo "1..0 # SKIP through PipeWire the path loses frames (HACKING.md); TIPTOED_PIPEWIRE=1 runs it"
        exit 0
fi
SOUND_SERVER=pipewire
export SOUND_SERVER
exec sh "$top_srcdir/tests/test-live.sh"
