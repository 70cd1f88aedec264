# Measuring what a listener hears, for the benchmarks: sourced with $out set to a
# directory of their own, a PulseAudio null sink named speaker running (tests/pulse.sh),
# and bench/listen built. bench/listen reads the sink's monitor and prints when sound or
# quiet begins. A script that listens elsewhere defines monitor() before sourcing this
# (bench/box-guest: the card's capture side), and may set $LISTEN to bench/listen's path.

declare -F monitor >/dev/null ||
        monitor() { parec --raw --format=s16le --rate=22050 --channels=1 --latency-msec=5 -d speaker.monitor 2>/dev/null; }

listen_start() {
        : >"$out/listen"
        monitor | "${LISTEN:-./bench/listen}" "$@" >"$out/listen" &
        listener=$!
}
# listen_wait LINES: until bench/listen has said that many lines (10 s at most)
listen_wait() {
        for _ in $(seq 1000); do
                [ "$(wc -l <"$out/listen")" -ge "$1" ] && return 0
                sleep 0.01
        done
        kill "$listener" 2>/dev/null || true
        return 1
}
# ms T0: from T0 to the first instant bench/listen heard at or after it (10 s at most)
ms() {
        for _ in $(seq 1000); do
                d=$(awk -v t0="$1" 'NR > 1 && $1 >= t0 { printf "%.1f\n", ($1 - t0) * 1000; exit }' "$out/listen")
                [ -n "$d" ] && break
                sleep 0.01
        done
        kill "$listener" 2>/dev/null || true
        [ -n "$d" ] && echo "$d"
}
# quiet: until nothing has been heard for 600 ms
quiet() { listen_start still 600; listen_wait 2 || true; kill "$listener" 2>/dev/null || true; }
# stats: median and max of the numbers on standard input
stats() { sort -n | awk '{ v[n++] = $1 } END { printf "%.1f %.1f\n", v[int(n / 2)], v[n - 1] }'; }

# start_trial COMMAND: ms from COMMAND to sound, COMMAND left running in $cmd
start_trial() {
        listen_start sound
        listen_wait 1
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 &
        cmd=$!
        listen_wait 2 && ms "$t0"
}
# pause_trial COMMAND: ms from COMMAND, 0.3 s into what is being said, to quiet
pause_trial() {
        listen_start quiet 600
        listen_wait 1
        sleep 0.3
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1
        ms "$t0"
}

cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # utime + stime, in ticks
seconds_of() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", t / hz }'; }
# player_cpu COMMAND...: the seconds of CPU COMMAND took, run to its end: what a subshell
# counts for its children once it has waited for them (COMMAND may be a function)
player_cpu() {
        (
                "$@" >/dev/null 2>&1
                awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($16 + $17) / hz }' "/proc/$BASHPID/stat"
        )
}
switches_of() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { n += $2 } END { print n }'; }

# render_head FILE SECONDS: the first SECONDS of the morning routine's render, for a dumb player
render_head() {
        ./src/tiptoed --render "$1" >/dev/null
        python3 - "$1" "$2" <<'PY'
import sys, wave
path, seconds = sys.argv[1], float(sys.argv[2])
with wave.open(path) as r:
    params, frames = r.getparams(), r.readframes(int(seconds * r.getframerate()))
with wave.open(path, "wb") as w:
    w.setparams(params)
    w.writeframes(frames)
PY
}
