#!/bin/sh
# Devices that misbehave, for real: a sound server killed and restarted mid-routine, one
# that stops consuming, and one that consumes far faster than real time. tiptoed must
# pause by itself, come back, go on from the right cue, and never race or hang.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/pulse.sh"
. "$top_srcdir/tests/resumed.sh"

live_setup

# ALSA's file plugin over its null device takes samples thousands of times faster than
# real time; the system clock must pace it, and what reaches the file must be exact.
racing() {
        mkdir -p "$tmp/racing"
        printf 'pcm.!default { type file; slave.pcm "null"; file "%s"; format "wav" }\n' \
                "$tmp/racing/out.wav" >"$tmp/racing/.asoundrc"
        start=$(date +%s)
        HOME="$tmp/racing" "$tiptoed" --once "$routine" </dev/null 2>"$tmp/err" || { cat "$tmp/err"; return 1; }
        took=$(($(date +%s) - start))
        grep -q "faster than it can be heard; the system clock paces it" "$tmp/err" || { cat "$tmp/err"; return 1; }
        # The routine lasts 27 s; a player that raced would be done in a fraction of one.
        [ "$took" -ge 24 ] || { echo "played a 27 s routine in $took s"; return 1; }
        "$heard" --tolerance-ms 2 "$tmp/racing/out.wav" "$routine" "$voice"
}
check "a device that consumes far faster than real time is paced, not raced" racing

pulse_start || { echo "Bail out! cannot start PulseAudio (see $tmp/pulse.log)"; exit 1; }

# The sound server dies mid-routine and comes back: tiptoed pauses, retries, and goes on
# from the cue it was saying, after "Ready. 3, 2, 1".
device_lost() {
        record_start "$tmp/before.wav" || return 1
        "$tiptoed" -v --once "$routine" </dev/null 2>"$tmp/err" &
        pid=$!
        sleep 7.5
        pulse_stop
        record_stop
        sleep 3
        pulse_start || return 1
        record_start "$tmp/after.wav" || return 1
        wait $pid || { echo "tiptoed failed:"; cat "$tmp/err"; return 1; }
        record_stop
        grep -q "Lost sound device" "$tmp/err" && grep -q "again" "$tmp/err" || { cat "$tmp/err"; return 1; }
        resumed_right "$tmp/err" "$tmp/before.wav" "$tmp/after.wav" "$GAP_MS"
}

# Through pipewire-alsa (ALSA_CONFIG_PATH, tests/pulse.sh), PortAudio 19.6's audio thread
# loops for ever once the server is gone, and stopping the stream would wait for it for
# ever: tiptoed must not hang. It exits 70 within its 5 s deadline, saying why, for its
# service to start it again; a PortAudio without the loop goes on as above.
device_lost_stuck() {
        "$tiptoed" -v --once "$routine" </dev/null 2>"$tmp/err" &
        pid=$!
        sleep 7.5
        pulse_stop
        for _ in $(seq 300); do
                kill -0 $pid 2>/dev/null || break
                sleep 0.1
        done
        if kill -0 $pid 2>/dev/null; then
                kill -KILL $pid
                echo "tiptoed still running 30 s after the server went away"
                return 1
        fi
        rc=0
        wait $pid || rc=$?
        [ $rc -eq 70 ] || { grep -v "^Expression" "$tmp/err"; echo "exit $rc, expected 70"; return 1; }
        grep -q "PortAudio's audio thread did not stop within 5 s" "$tmp/err" || { grep -v "^Expression" "$tmp/err"; return 1; }
}
# Every PortAudio released so far (19.7.0 and before) has the loop.
if [ -n "${ALSA_CONFIG_PATH:-}" ] && dpkg-query -W -f='${Version}\n' libportaudio2 | grep -q '^19\.[67]\.'; then
        check "sound server killed under pipewire-alsa (PortAudio 19.6 stuck): exit 70 saying why, no hang" \
                device_lost_stuck
        pulse_start || { echo "Bail out! cannot start the sound server again"; exit 1; }
else
        check "sound server killed and restarted: paused, went on from the right cue, nothing skipped" device_lost
fi

# A sound server that stops consuming (stopped, not gone): after 2 s tiptoed pauses by
# itself, and when the server wakes it goes on and finishes.
stalled() {
        "$tiptoed" -v --once "$routine" </dev/null 2>"$tmp/err" &
        pid=$!
        sleep 7
        server=$(server_pids)
        kill -STOP $server
        sleep 6
        kill -CONT $server
        wait $pid || { echo "tiptoed failed:"; cat "$tmp/err"; return 1; }
        grep -q "Lost sound device" "$tmp/err" && grep -q "paused at .*the sound device went away" "$tmp/err" &&
                grep -q "again" "$tmp/err" && grep -q "cue 21 finish" "$tmp/err" || { cat "$tmp/err"; return 1; }
}
check "a sound server that stops consuming: paused by itself, went on when it woke, finished" stalled

finish
