#!/bin/sh
# Other players lowered through MPRIS while tiptoed speaks (duck.mpris), on a private
# session bus: mpv with mpv-mpris, and MPD with mpDris2, as Debian ships them, both
# playing into nothing. Lowered during each cue and back between, exactly; a player that
# appears mid-routine; put back at SIGTERM, and after SIGKILL at the next start; a volume
# someone set meanwhile left alone; the players setting; off.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
mpv_pid= mpd_pid= mpdris_pid= poll_pid=
trap 'kill $poll_pid $mpdris_pid $mpv_pid 2>/dev/null; [ -z "$mpd_pid" ] || kill "$mpd_pid"; bus_stop; rm -rf "$tmp"' EXIT

MPV=org.mpris.MediaPlayer2.mpv MPD=org.mpris.MediaPlayer2.mpd
mkdir "$tmp/routines" "$tmp/music" "$tmp/state" "$tmp/runtime"
cp "$top_srcdir/tests/data/gaps.conf" "$tmp/routines/"
python3 -c "
import math, struct, wave
w = wave.open('$tmp/music/tone.wav', 'wb')
w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 22050))) for i in range(22050)))"
settings() {
        printf 'routine = "gaps";\nroutine_dir = "%s/routines";\nduck = { volume = 0.5; fade = 250; latency = 100; %s };\n' \
                "$tmp" "$1" >"$tmp/settings.conf"
}
settings ""

volume() { # NAME: its MPRIS Volume as busctl prints it
        $BUSCTL get-property "$1" /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Player Volume
}
volume_is() {
        got=$(volume "$1") || return 1
        [ "$got" = "d $2" ] || { echo "$1's Volume is $got, expected $2"; return 1; }
}
set_volume() {
        $BUSCTL set-property "$1" /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Player Volume d "$2"
}
idle() { prop_is State 's "idle"'; }
logged() { grep -q -- "$1" "$tmp/daemon.log" || { echo "not in the log: $1"; return 1; }; }

mpv --no-config --script=/usr/lib/mpv-mpris/mpris.so --ao=null --no-video --loop=inf --really-quiet \
        --volume=80 "$tmp/music/tone.wav" >/dev/null 2>&1 &
mpv_pid=$!
eventually 20 volume_is $MPV 0.8 || echo "Bail out! mpv never came on the bus"

bus_start -c "$tmp/settings.conf" -o null -v

# --- each cue, with a poller reading mpv's Volume on a connection of its own ----------
/usr/bin/python3 -I - "$tmp/samples" "$MPV" 2>"$tmp/poller.log" <<'PY' &
import sys, time, dbus
props = dbus.Interface(dbus.SessionBus().get_object(sys.argv[2], "/org/mpris/MediaPlayer2"),
                       "org.freedesktop.DBus.Properties")
with open(sys.argv[1], "w") as out:
    end = time.monotonic() + 60
    while time.monotonic() < end:
        before = time.monotonic()
        v = float(props.Get("org.mpris.MediaPlayer2.Player", "Volume"))
        print(f"{before:.6f} {time.monotonic():.6f} {v!r}", file=out, flush=True)
        time.sleep(0.005)
PY
poll_pid=$!
eventually 10 test -s "$tmp/samples" || echo "Bail out! the poller read nothing"
"$tiptoed" --plan gaps -c "$tmp/settings.conf" >"$tmp/plan"
call Start s "" >/dev/null
eventually 60 idle # the routine is 19.5 s
eventually 5 volume_is $MPV 0.8 >/dev/null
kill $poll_pid 2>/dev/null
wait $poll_pid 2>/dev/null
poll_pid=

# judge WHAT: the samples against the cues as the daemon heard them. A sample counts only
# when the whole call (asked to answered) lies in a window, so a slow machine gives fewer
# samples, never wrong ones.
judge() {
        python3 - "$1" "$tmp/samples" "$tmp/plan" "$tmp/daemon.log" <<'PY'
import re, sys
what, samples, plan, log = sys.argv[1:]
FADE, LATENCY, HOLD, MERGE, EDGE = 0.25, 0.1, 0.25, 2.0, 0.03
rows = [tuple(map(float, l.split())) for l in open(samples)]
durations = [float(l.split("\t")[1]) for l in open(plan) if not l.startswith("#")]
heard = {int(m[1]): float(m[2]) for m in re.finditer(r"cue (\d+) \S+ heard at ([\d.]+)", open(log).read())}
cues = [(heard[i], heard[i] + durations[i]) for i in sorted(heard)][: len(durations)]
if len(cues) != len(durations):
    sys.exit(f"the log tells of {len(cues)} cues heard, the plan has {len(durations)}")
def inside(a, b):
    return [v for t0, t1, v in rows if a <= t0 and t1 <= b]
bad = []
if what == "down":
    covered = 0
    for i, (b, e) in enumerate(cues):
        got = inside(b + EDGE, e)
        covered += bool(got)
        bad += [f"cue {i} ({b:.3f}-{e:.3f}): Volume {v}" for v in got if abs(v - 0.4) > 0.002]
    print(f"{covered} of {len(cues)} cues sampled")
    if covered < len(cues) * 0.8:
        bad.append("too few cues sampled to tell")
elif what == "up":
    quiet = [(e1, b2) for (_, e1), (b2, _) in zip(cues, cues[1:]) if b2 - e1 >= MERGE]
    if not quiet:
        sys.exit("the routine has no quiet longer than the merge")
    for e1, b2 in quiet:
        got = inside(e1 + HOLD + FADE - LATENCY + EDGE, b2 - FADE - LATENCY - EDGE)
        print(f"quiet {e1:.3f}-{b2:.3f}: {len(got)} samples")
        bad += [f"quiet {e1:.3f}-{b2:.3f}: Volume {v}" for v in got if v != 0.8]
        if not got:
            bad.append("no sample in the quiet")
elif what == "smooth":
    between = sorted({v for _, _, v in rows if 0.4 + 0.002 < v < 0.8 - 0.002})
    print(f"{len(between)} volumes between: {between[:8]}")
    if len(between) < 3:
        bad.append("the volume jumped: fewer than 3 steps seen between 0.4 and 0.8")
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
}
check "mpv is at half its Volume while each cue is heard" judge down
check "mpv is back exactly where it was in the quiet between" judge up
check "the way down and up is in steps, not a jump" judge smooth
check "mpv is put back exactly when the routine ends" volume_is $MPV 0.8
check "nothing is kept once all is put back" test ! -e "$tmp/runtime/ducked.json"

# --- MPD, by mpDris2, appearing mid-routine -------------------------------------------
cat >"$tmp/mpd.conf" <<CONF
music_directory "$tmp/music"
db_file "$tmp/mpd.db"
state_file "$tmp/mpd.state"
pid_file "$tmp/mpd.pid"
bind_to_address "$tmp/mpd.socket"
audio_output {
        type "null"
        name "nothing"
        mixer_type "software"
}
CONF
export MPD_HOST="$tmp/mpd.socket"
mpd --no-daemon "$tmp/mpd.conf" >"$tmp/mpd.log" 2>&1 &
mpd_pid=$!
eventually 20 mpc status >/dev/null || echo "Bail out! mpd never answered"
mpc -q update --wait && mpc -q add tone.wav && mpc -q repeat on && mpc -q play && mpc -q volume 100
call Start s "" >/dev/null
eventually 10 logged "cue 1 exercise heard"
mpDris2 --host="$MPD_HOST" >"$tmp/mpdris2.log" 2>&1 &
mpdris_pid=$!
check "MPD, appearing mid-routine, is lowered to half" eventually 20 volume_is $MPD 0.5
check "mpc sees MPD at 50%" sh -c 'mpc volume | grep -q "volume: *50%" || mpc volume'
eventually 60 idle
check "MPD is put back exactly when the routine ends" eventually 5 volume_is $MPD 1
check "mpc sees MPD at 100%" sh -c 'mpc volume | grep -q "volume:100%" || mpc volume'

# --- SIGTERM and SIGKILL while lowered ------------------------------------------------
lowered() { volume_is $MPV 0.4 && volume_is $MPD 0.5; }
call Start s "" >/dev/null
eventually 20 lowered || echo "# the players were not lowered"
bus_stop
check "SIGTERM puts mpv back" volume_is $MPV 0.8
check "SIGTERM puts MPD back" volume_is $MPD 1

bus_start -c "$tmp/settings.conf" -o null -v
call Start s "" >/dev/null
eventually 20 lowered || echo "# the players were not lowered"
kill -KILL "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
kept() {
        jq -e ".\"$MPV\" == 0.8 and .\"$MPD\" == 1.0" "$tmp/runtime/ducked.json" >/dev/null ||
                cat "$tmp/runtime/ducked.json"
}
check "a daemon killed leaves what each player was in the runtime directory" kept
check "mpv stays lowered with no daemon (what this is for)" volume_is $MPV 0.4
rm -f "$tmp/runtime/place.json" # not to go on with the routine: the players alone
bus_start -c "$tmp/settings.conf" -o null -v
check "the next start puts mpv back" eventually 10 volume_is $MPV 0.8
check "the next start puts MPD back" eventually 10 volume_is $MPD 1
check "and forgets them" eventually 5 test ! -e "$tmp/runtime/ducked.json"

# --- a volume set while lowered is left as set ----------------------------------------
call Start s "" >/dev/null
eventually 20 lowered || echo "# the players were not lowered"
set_volume $MPV 0.6
check "the daemon sees mpv's volume was set meanwhile" \
        eventually 20 logged "$MPV's volume was set to 0.600 while lowered; leaving it there."
call Stop >/dev/null
eventually 10 idle
check "mpv's volume stays where it was set" volume_is $MPV 0.6
check "MPD, not touched, comes back" eventually 5 volume_is $MPD 1
set_volume $MPV 0.8

# --- which players; off; a mistake ----------------------------------------------------
none_lowered() { # NAME: through the routine's first span, while the other is lowered
        for _ in $(seq 20); do
                volume_is "$1" "$2" || return 1
                sleep 0.1
        done
}
settings 'players = [ "mpd" ];'
call Reload >/dev/null
call Start s "" >/dev/null
eventually 20 volume_is $MPD 0.5 >/dev/null
check "players = [ \"mpd\" ] leaves mpv alone" none_lowered $MPV 0.8
call Stop >/dev/null
eventually 10 idle
eventually 5 volume_is $MPD 1

settings 'mpris = false;'
call Reload >/dev/null
call Start s "" >/dev/null
eventually 10 logged "cue 1 exercise heard"
check "mpris = false lowers nothing" none_lowered $MPD 1
call Stop >/dev/null

printf 'duck = {\n  mpris = true;\n  volume = 1.5;\n};\n' >"$tmp/bad.conf"
check "a duck setting out of range is refused with FILE:LINE" \
        expect_exit 78 "bad.conf:3: 'volume' is 1.5, out of range: use 0 to 1" "$tiptoed" --check-config -c "$tmp/bad.conf"

rc=0
bus_stop || rc=$?
check "SIGTERM exits 0" test "$rc" -eq 0
finish
