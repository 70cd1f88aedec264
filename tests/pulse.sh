# A private PulseAudio server with a null sink, as in ../shared/AUDIO-TESTING.md: PortAudio
# plays through ALSA's pulse plugin into it in real time, and parecord hears what a
# listener would. Sourced by the tests and benchmarks that play for real.
#
#   live_setup         for a test: pulse_setup, and $tiptoed, $heard, $routine, $voice, $tmp
#   pulse_setup        a private runtime dir and HOME (with an .asoundrc pointing at pulse)
#   pulse_start        start the server; pulse_stop kills it (and is safe to call twice)
#   record_start FILE  record the sink's monitor; record_stop finishes the file

pulse_setup() {
        PULSE_TMP=$(mktemp -d /tmp/tiptoed-pulse.XXXXXX)
        export XDG_RUNTIME_DIR="$PULSE_TMP/run" HOME="$PULSE_TMP/home"
        mkdir -p "$XDG_RUNTIME_DIR" "$HOME"
        chmod 700 "$XDG_RUNTIME_DIR"
        printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
        unset PULSE_SERVER DBUS_SESSION_BUS_ADDRESS
        trap pulse_cleanup EXIT
}

live_setup() {
        tiptoed="$top_builddir/src/tiptoed"
        heard="$top_builddir/tests/heard"
        routine="$top_srcdir/tests/data/short.conf"
        voice="$top_srcdir/voices/en.conf"
        pulse_setup
        tmp="$PULSE_TMP"
}

pulse_start() {
        pulseaudio --daemonize=yes --exit-idle-time=-1 -n --log-target=file:"$PULSE_TMP/pulse.log" \
                --load="module-null-sink sink_name=speaker rate=22050" \
                --load=module-native-protocol-unix 2>/dev/null || return 1
        for _ in $(seq 50); do
                pactl info >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        return 1
}

pulse_stop() {
        pulseaudio --kill 2>/dev/null || true
        for _ in $(seq 50); do
                pactl info >/dev/null 2>&1 || return 0
                sleep 0.1
        done
}

record_start() {
        # A file left by an earlier recording would look begun before parecord has opened
        # it: the recording would then miss the first cue's start, and every later cue
        # would seem early by as much (bench/stall's trials, 29.6 and 49.4 ms).
        rm -f "$1"
        # Its output goes to a file: a recorder left running by a failed check must not hold
        # the check's output pipe open, or the test would wait for it forever.
        parecord --device=speaker.monitor --file-format=wav --rate=22050 --channels=1 \
                --latency-msec=10 "$1" </dev/null >>"$PULSE_TMP/parecord.log" 2>&1 &
        RECORD_PID=$!
        # Recording has begun when silence from the monitor reaches the file.
        for _ in $(seq 100); do
                [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt 4410 ] && return 0
                sleep 0.05
        done
        return 1
}

record_stop() {
        [ -n "${RECORD_PID:-}" ] || return 0
        kill -INT "$RECORD_PID" 2>/dev/null || true
        wait "$RECORD_PID" 2>/dev/null || true
        RECORD_PID=
}

pulse_cleanup() {
        record_stop
        # Recorders started in checks' subshells, which this shell does not know by pid.
        pkill -INT -f -- "--file-format=wav --rate=22050 --channels=1 --latency-msec=10 $PULSE_TMP/" 2>/dev/null || true
        pulse_stop
        rm -rf "$PULSE_TMP"
}
