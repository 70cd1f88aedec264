#!/bin/sh
# A daemon that dies during a routine, and is started again as systemd's Restart= does,
# goes on with it from the cue it was saying (src/daemon/place.c): after SIGKILL, playing
# or paused; after exit 70, when the sound server went away under pipewire-alsa and
# PortAudio 19.6 looped. The history keeps one routine, ended once. What cannot be gone on
# with (a place too old, torn, or of a routine that changed) is said, and nothing plays.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/pulse.sh"
. "$top_srcdir/tests/resumed.sh"
bus_address=$DBUS_SESSION_BUS_ADDRESS
live_setup # which unsets it: tiptoed's bus is this test's own
export DBUS_SESSION_BUS_ADDRESS="$bus_address"
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; pulse_cleanup' EXIT

cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
place="$RUNTIME_DIRECTORY/place.json"

# again [ARGS]: the daemon started anew, as its service would be, its log from here on
# in $tmp/daemon.log (the one before kept as $tmp/before.log).
again() {
        mv "$tmp/daemon.log" "$tmp/before.log" 2>/dev/null
        bus_start -v -c "$tmp/settings.conf" "$@"
}
killed() {
        kill -KILL "$daemon_pid"
        wait "$daemon_pid" 2>/dev/null
        daemon_pid=
}
# last_cue LOG: the last cue the daemon said it began.
last_cue() { sed -n 's/^tiptoed: cue \([0-9]*\) .*/\1/p' "$1" | tail -n 1; }
cue_begun() { grep -q "^tiptoed: cue $1 " "$tmp/daemon.log"; }
history_is() {
        got=$("$ctl" history --json | jq -c '[.entries[] | .outcome]')
        [ "$got" = "$1" ] || { echo "history: $got, expected $1"; return 1; }
}
said() { grep -q "$1" "$tmp/daemon.log" || { cat "$tmp/daemon.log"; return 1; }; }
went_on_from_last() {
        cue=$(last_cue "$tmp/before.log")
        said "^tiptoed: Going on with short from cue $cue, "
}
keep_place() {
        mkdir -p "$RUNTIME_DIRECTORY"
        printf '%s' "$1" >"$place"
}
not_gone_on() {
        eventually 5 said "$1" || return 1
        prop_is State 's "idle"' && test ! -e "$place"
}

# --- with no sound: what is gone on with, and what is not --------------------------------
# Once: tests/test-resume-pipewire.sh hears the rest through PipeWire.
without_sound() {
        bus_start -v -c "$tmp/settings.conf" -o null
        "$ctl" start >/dev/null
        check "a routine playing keeps its place" eventually 10 test -s "$place"
        check "a few cues in" eventually 10 cue_begun 4
        killed
        again -o null
        check "killed, started again: it goes on from the cue it was saying" eventually 5 went_on_from_last
        check "playing" eventually 5 prop_is State 's "running"'
        check "to the end" eventually 40 prop_is State 's "idle"'
        check "the history holds one routine, completed, not a cut one and another" history_is '["completed"]'
        check "and the place is gone with it" test ! -e "$place"

        "$ctl" start >/dev/null
        eventually 10 cue_begun 4
        "$ctl" pause >/dev/null
        check "paused by the listener" eventually 5 prop_is PauseReason 's "user"'
        check "the place says so" eventually 5 sh -c 'jq -e .paused "$1" >/dev/null' - "$place"
        killed
        again -o null
        check "killed, started again: paused where it was" eventually 5 prop_is State 's "paused"'
        check "by the listener still: it waits for them" prop_is PauseReason 's "user"'
        check "it says so" said "paused, as it was"
        "$ctl" resume >/dev/null
        check "and a resume goes on" eventually 5 prop_is State 's "running"'
        "$ctl" stop >/dev/null
        check "a stop takes the place away" eventually 5 test ! -e "$place"
        check "the history: one completed, one stopped" eventually 5 history_is '["completed","stopped"]'
        bus_stop

        # Places of other shapes, kept by hand as the daemon would have.
        keep_place '{"routine":"short","text":"1","cues":22,"cue":5,"total":27125219,"paused":false,"started":1,"scheduled":0,"paused_for":0,"skipped_steps":0,"saved":18000000000000000}'
        again -o null
        check "a place from another boot, or too old, is not gone on with" not_gone_on "too long ago to go on with it"
        bus_stop
        keep_place '{"routine":"short","text":"Raise your heels","cues'
        again -o null
        check "a torn place: said, and nothing plays" not_gone_on "place.json is not what tiptoed writes there"
        bus_stop
        # Saved now, by CLOCK_BOOTTIME (/proc/uptime's clock).
        now=$(awk '{ printf "%.0f", $1 * 1e6 }' /proc/uptime)
        keep_place '{"routine":"short","text":"Touch your toes","cues":22,"cue":5,"total":27125219,"paused":false,"started":1,"scheduled":0,"paused_for":0,"skipped_steps":0,"saved":'"$now"'}'
        again -o null
        check "a place in a routine that changed since: said, and nothing plays" \
                not_gone_on "Not going on with short: short is not the routine it was any more: start it afresh."
        bus_stop
}
[ "$SOUND_SERVER" = pulseaudio ] && without_sound

# --- heard: it goes on from the cue it was saying ------------------------------------------
pulse_start || { echo "Bail out! cannot start the sound server (see $tmp/pulse.log)"; exit 1; }

# A history of its own holds the routine once, completed; the daemon stopped (a check's
# subshell waits for every process that holds its output).
export STATE_DIRECTORY="$tmp/state-heard"
ended_once() {
        history_is '["completed"]'
        r=$?
        bus_stop
        return $r
}

# A daemon of its own plays the routine, recorded, a few cues in.
recorded_start() {
        rm -f "$place"
        again || return 1
        record_start "$tmp/before.wav" || return 1
        "$ctl" start >/dev/null || return 1
        eventually 15 cue_begun 6
}

# PulseAudio: the daemon is killed mid-routine.
killed_heard() {
        recorded_start || return 1
        sleep 0.3
        killed
        record_stop
        record_start "$tmp/after.wav" || return 1
        again || return 1
        eventually 60 prop_is State 's "idle"' || return 1
        record_stop
        ended_once && resumed_right "$tmp/before.log" "$tmp/before.wav" "$tmp/after.wav" "$GAP_MS"
}

# pipewire-alsa: the server goes away, PortAudio 19.6 loops, the daemon exits 70 within
# its deadline; started again with the server still gone, it waits paused for the sound
# device, and goes on when the server is back.
exit70_heard() {
        recorded_start || return 1
        record_stop
        pulse_stop
        rc=0
        for _ in $(seq 300); do
                kill -0 "$daemon_pid" 2>/dev/null || break
                sleep 0.1
        done
        wait "$daemon_pid" || rc=$?
        daemon_pid=
        [ "$rc" -eq 70 ] || { cat "$tmp/daemon.log"; echo "exit $rc, expected 70"; return 1; }
        again || return 1
        eventually 10 prop_is PauseReason 's "audio"' || return 1
        pulse_start || return 1
        record_start "$tmp/after.wav" || return 1
        eventually 60 prop_is State 's "idle"' || return 1
        record_stop
        ended_once && resumed_right "$tmp/before.log" "$tmp/before.wav" "$tmp/after.wav" "$GAP_MS"
}

# audio.rate other than the clips': killed, and started again while the server is gone,
# the daemon builds its track at the rate it will ask for, and plays when the server is back.
rate_back_played() {
        { cat "$tmp/settings.conf"; echo 'audio = { rate = 44100; };'; } >"$tmp/rate.conf"
        rm -f "$place"
        bus_start -v -c "$tmp/rate.conf"
        "$ctl" start >/dev/null && eventually 15 cue_begun 4 || return 1
        killed
        pulse_stop
        mv "$tmp/daemon.log" "$tmp/before.log"
        bus_start -v -c "$tmp/rate.conf"
        eventually 10 prop_is PauseReason 's "audio"' && pulse_start || return 1
        eventually 15 prop_is State 's "running"' || { cat "$tmp/daemon.log"; return 1; }
        said "^tiptoed: Playing on .* at 44100 Hz, .* again" && eventually 60 prop_is State 's "idle"'
}
rate_back() {
        rate_back_played && ended_once && return 0
        bus_stop
        return 1
}

if [ -n "${ALSA_CONFIG_PATH:-}" ] && dpkg-query -W -f='${Version}\n' libportaudio2 | grep -q '^19\.[67]\.'; then
        check "sound server gone under pipewire-alsa: exit 70, started again, went on from the right cue when it was back" \
                exit70_heard
else
        check "killed mid-routine, started again: went on from the right cue, nothing skipped" killed_heard
        export STATE_DIRECTORY="$tmp/state-rate"
        check "audio.rate 44100, started again with the server gone: it plays at 44100 Hz once it is back" rate_back
fi

finish
