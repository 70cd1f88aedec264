# A private sound server with a null sink, as in ../shared/AUDIO-TESTING.md: PortAudio
# plays through ALSA's pulse plugin into it in real time, and parecord hears what a
# listener would. Sourced by the tests and benchmarks that play for real.
#
# $SOUND_SERVER picks the server: "pulseaudio" (the default), or "pipewire": PipeWire
# with WirePlumber and pipewire-pulse, as a Debian 12 desktop runs it. There ALSA's
# default is pipewire-alsa's plugin, as on such a desktop (pipewire_alsa), unless
# $ALSA_PLUGIN is "pulse": then ALSA's pulse plugin reaches it through pipewire-pulse.
# parecord records through pipewire-pulse either way.
#
#   live_setup         for a test: pulse_setup, and $tiptoed, $heard, $routine, $voice, $tmp
#   pulse_setup        a private runtime dir and HOME (with an .asoundrc pointing at pulse)
#   pulse_start        start the server; pulse_stop kills it (and is safe to call twice)
#   server_pids        the server's processes, to stop with SIGSTOP
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

# pipewire-alsa cannot be installed beside pulseaudio, so ./bootstrap unpacks it into
# tests/debs/; an ALSA configuration of our own ($ALSA_CONFIG_PATH) is the system's, less
# pulseaudio's hook that makes "default" the pulse plugin, plus pipewire-alsa's files.
PIPEWIRE_ALSA_DEBS=${PIPEWIRE_ALSA_DEBS:-${top_builddir:-$PWD}/tests/debs/pipewire-alsa}
pipewire_alsa() {
        lib=$(echo "$PIPEWIRE_ALSA_DEBS"/usr/lib/*/alsa-lib)
        if [ ! -f "$lib/libasound_module_pcm_pipewire.so" ]; then
                echo "# pipewire-alsa is not unpacked in $PIPEWIRE_ALSA_DEBS: ./bootstrap test does it" >&2
                return 1
        fi
        conf="$PULSE_TMP/alsa"
        export ALSA_CONFIG_PATH="$conf/alsa.conf"
        # The plugin loads libpipewire into tiptoed, which keeps global state till exit and
        # is unloaded before LeakSanitizer reports, so no suppression can name it: no leak
        # report on this path. The same code's leaks are looked for through PulseAudio.
        case ${ASAN_OPTIONS:-} in
        *detect_leaks=0*) ;;
        *) export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" ;;
        esac
        [ -f "$conf/alsa.conf" ] && return 0
        mkdir -p "$conf/conf.d"
        for f in /etc/alsa/conf.d/*.conf; do
                [ "${f##*/}" = 99-pulse.conf ] || ln -s "$f" "$conf/conf.d/"
        done
        printf 'pcm_type.pipewire { lib "%s" }\nctl_type.pipewire { lib "%s" }\n' \
                "$lib/libasound_module_pcm_pipewire.so" "$lib/libasound_module_ctl_pipewire.so" \
                >"$conf/conf.d/49-pipewire-lib.conf"
        cp "$PIPEWIRE_ALSA_DEBS"/usr/share/alsa/alsa.conf.d/*.conf "$conf/conf.d/"
        sed "s|\"/etc/alsa/conf.d\"|\"$conf/conf.d\"|" /usr/share/alsa/alsa.conf >"$conf/alsa.conf"
        rm -f "$HOME/.asoundrc"
}

SOUND_SERVER=${SOUND_SERVER:-pulseaudio}
# How far each gap between cues may be from the plan, as heard.
GAP_MS=${GAP_MS:-2}
# The null sink's rate, and the recording's: the clips', so that what is recorded is what
# was played, sample for sample. A desktop's PipeWire runs at 48 kHz (SINK_RATE=48000, and
# tests/heard --onsets).
SINK_RATE=${SINK_RATE:-22050}
# How long a buffer the recorder asks for. PulseAudio: short, so that the file begins as
# soon as the sink plays. PipeWire runs its whole graph in quanta as short as the shortest
# any stream asks for: 10 ms would have it wake every 128 frames, and a stream late by
# 5.8 ms then drops or repeats a quantum (bench/README.md); so there the recorder asks for
# more than any player does, and the players set the quantum, as on a desktop.
RECORD_LATENCY_MS=10
[ "$SOUND_SERVER" = pipewire ] && RECORD_LATENCY_MS=200
# PipeWire's longest quantum, its default (Debian 12's 0.3.65).
PIPEWIRE_MAX_QUANTUM=2048

pulse_start() {
        [ "$SOUND_SERVER" = pipewire ] && { pipewire_start; return; }
        pulseaudio --daemonize=yes --exit-idle-time=-1 -n --log-target=file:"$PULSE_TMP/pulse.log" \
                --load="module-null-sink sink_name=speaker rate=$SINK_RATE" \
                --load=module-native-protocol-unix 2>/dev/null || return 1
        for _ in $(seq 50); do
                pactl info >/dev/null 2>&1 && return 0
                sleep 0.1
        done
        return 1
}

pulse_stop() {
        [ "$SOUND_SERVER" = pipewire ] && { pipewire_stop; return; }
        pulseaudio --kill 2>/dev/null || true
        for _ in $(seq 50); do
                pactl info >/dev/null 2>&1 || return 0
                sleep 0.1
        done
}

server_pids() {
        if [ "$SOUND_SERVER" = pipewire ]; then
                cat "$PULSE_TMP/pipewire.pids"
        else
                cat "$XDG_RUNTIME_DIR/pulse/pid"
        fi
}

# The graph, its session manager (which links a new stream to the default sink), then the
# PulseAudio protocol, each when the one before is up; the null sink by pipewire-pulse's
# module-null-sink, made the default. They want a session bus, as on a desktop: one of
# their own, so that what the test runs keeps its own (or none).
pipewire_start() {
        log="$PULSE_TMP/pipewire.log"
        # The graph at $SINK_RATE, in quanta about as long as a desktop's (1024 frames at
        # 48 kHz, 21 ms; 512 at 22050 Hz, 23 ms) while no stream asks for longer ones.
        # tiptoed's period does, up to PipeWire's longest, 2048 frames (PIPEWIRE_MAX_QUANTUM):
        # 43 ms at 48 kHz, 93 ms at 22050 Hz, and a drop plays out the quantum in flight.
        mkdir -p "$HOME/.config/pipewire/pipewire.conf.d"
        printf 'context.properties = { default.clock.rate = %s default.clock.quantum = %s default.clock.max-quantum = %s }\n' \
                "$SINK_RATE" $((SINK_RATE >= 44100 ? 1024 : 512)) $PIPEWIRE_MAX_QUANTUM \
                >"$HOME/.config/pipewire/pipewire.conf.d/rate.conf"
        [ -s "$PULSE_TMP/pipewire.bus" ] ||
                dbus-daemon --session --fork --nopidfile --print-address=1 --print-pid=1 >"$PULSE_TMP/pipewire.bus" ||
                return 1
        PIPEWIRE_BUS=$(sed -n 1p "$PULSE_TMP/pipewire.bus")
        DBUS_SESSION_BUS_ADDRESS=$PIPEWIRE_BUS pipewire >>"$log" 2>&1 </dev/null &
        echo $! >"$PULSE_TMP/pipewire.pids"
        for _ in $(seq 300); do
                [ -S "$XDG_RUNTIME_DIR/pipewire-0" ] && break
                sleep 0.1
        done
        DBUS_SESSION_BUS_ADDRESS=$PIPEWIRE_BUS wireplumber >>"$log" 2>&1 </dev/null &
        echo $! >>"$PULSE_TMP/pipewire.pids"
        DBUS_SESSION_BUS_ADDRESS=$PIPEWIRE_BUS pipewire-pulse >>"$log" 2>&1 </dev/null &
        echo $! >>"$PULSE_TMP/pipewire.pids"
        for _ in $(seq 300); do
                pactl info >/dev/null 2>&1 && break
                sleep 0.1
        done
        pactl load-module module-null-sink sink_name=speaker rate="$SINK_RATE" channels=1 >/dev/null || return 1
        # The default sink is kept in WirePlumber's "default" metadata: until WirePlumber
        # has made it, pactl set-default-sink fails ("Not supported").
        for _ in $(seq 300); do
                pactl set-default-sink speaker 2>/dev/null &&
                        [ "$(pactl get-default-sink 2>/dev/null)" = speaker ] && break
                sleep 0.1
        done
        [ "$(pactl get-default-sink 2>/dev/null)" = speaker ] || return 1
        [ "${ALSA_PLUGIN:-pipewire}" = pulse ] || pipewire_alsa
}

# By the pids in a file: a check that restarts the server does it in a subshell.
pipewire_stop() {
        [ -s "$PULSE_TMP/pipewire.pids" ] || return 0
        pids=$(cat "$PULSE_TMP/pipewire.pids")
        # shellcheck disable=SC2086
        kill $pids 2>/dev/null || true
        # Gone, or a zombie: a server started by the shell a check runs in is not its child.
        for p in $pids; do
                while [ "$(ps -o stat= -p "$p")" ] && ! ps -o stat= -p "$p" | grep -q Z; do sleep 0.05; done
        done
        rm -f "$PULSE_TMP/pipewire.pids"
}

record_start() {
        # A file left by an earlier recording would look begun before parecord has opened
        # it: the recording would then miss the first cue's start, and every later cue
        # would seem early by as much (bench/stall's trials, 29.6 and 49.4 ms).
        rm -f "$1"
        # Its output goes to a file: a recorder left running by a failed check must not hold
        # the check's output pipe open, or the test would wait for it forever.
        parecord --device=speaker.monitor --file-format=wav --rate="$SINK_RATE" --channels=1 \
                --latency-msec=$RECORD_LATENCY_MS "$1" </dev/null >>"$PULSE_TMP/parecord.log" 2>&1 &
        RECORD_PID=$!
        # Recording has begun when silence from the monitor reaches the file: a limit, not
        # a measure, long enough for a machine busy with other tests.
        for _ in $(seq 400); do
                [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -gt 4410 ] && return 0
                sleep 0.05
        done
        echo "parecord had not begun $1 after 20 s; it said:"
        cat "$PULSE_TMP/parecord.log"
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
        pkill -INT -f -- "--file-format=wav --rate=$SINK_RATE --channels=1 --latency-msec=$RECORD_LATENCY_MS $PULSE_TMP/" \
                2>/dev/null || true
        pulse_stop
        [ -s "$PULSE_TMP/pipewire.bus" ] && kill "$(sed -n 2p "$PULSE_TMP/pipewire.bus")" 2>/dev/null
        rm -rf "$PULSE_TMP"
}
