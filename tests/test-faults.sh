#!/bin/sh
# Devices that misbehave, for real: a sound server killed and restarted mid-routine, one
# that stops consuming, and one that consumes far faster than real time. tiptoed must
# pause by itself, come back, go on from the right cue, and never race or hang.
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/pulse.sh"

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
        # The last cue tiptoed heard begin before the loss is the one to go on from.
        last=$(sed -n '/Lost sound device/q; s/^tiptoed: cue \([0-9]*\) .*/\1/p' "$tmp/err" | tail -n 1)
        [ -n "$last" ] || { cat "$tmp/err"; return 1; }
        if [ "$last" -gt 0 ]; then
                "$heard" --cues "0-$((last - 1))" "$tmp/before.wav" "$routine" "$voice" >"$tmp/out" ||
                        { echo "before the loss:"; cat "$tmp/out"; return 1; }
        fi
        # Either the cue cut off is said again whole, or, lost in the quiet after it, the next comes.
        if "$heard" --cues "$last-99" "$tmp/after.wav" "$routine" "$voice" >"$tmp/out"; then
                resumed=$last
        elif "$heard" --cues "0-$last" "$tmp/before.wav" "$routine" "$voice" >/dev/null &&
                "$heard" --cues "$((last + 1))-99" "$tmp/after.wav" "$routine" "$voice" >"$tmp/out"; then
                resumed=$((last + 1))
        else
                echo "after the loss (last cue begun: $last):"; cat "$tmp/out" "$tmp/err"; return 1
        fi
        # ... and not from further back: the cue before is not in the second recording.
        if "$heard" --cues "$((resumed - 1))-99" "$tmp/after.wav" "$routine" "$voice" >"$tmp/out"; then
                echo "went on from cue $((resumed - 1)), before the one cut off ($resumed):"; cat "$tmp/out"; return 1
        fi
}
check "sound server killed and restarted: paused, went on from the right cue, nothing skipped" device_lost

# A sound server that stops consuming (stopped, not gone): after 2 s tiptoed pauses by
# itself, and when the server wakes it goes on and finishes.
stalled() {
        "$tiptoed" -v --once "$routine" </dev/null 2>"$tmp/err" &
        pid=$!
        sleep 7
        server=$(cat "$XDG_RUNTIME_DIR/pulse/pid")
        kill -STOP "$server"
        sleep 6
        kill -CONT "$server"
        wait $pid || { echo "tiptoed failed:"; cat "$tmp/err"; return 1; }
        grep -q "Lost sound device" "$tmp/err" && grep -q "paused at .*the sound device went away" "$tmp/err" &&
                grep -q "again" "$tmp/err" && grep -q "cue 21 finish" "$tmp/err" || { cat "$tmp/err"; return 1; }
}
check "a sound server that stops consuming: paused by itself, went on when it woke, finished" stalled

finish
