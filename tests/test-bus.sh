#!/bin/sh
# The daemon on a private session bus (dbus-run-session), playing into the null output,
# driven through tiptoectl, busctl and playerctl: every method, the properties after
# each, the signals, every error name from a real mistake, reload, SIGTERM.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
monitor_pid=
trap 'kill $monitor_pid 2>/dev/null; bus_stop; rm -rf "$tmp"' EXIT

mkdir "$tmp/routines"
cp "$top_srcdir/tests/data/short.conf" "$top_srcdir/tests/data/short.de.conf" "$tmp/routines/"
printf 'title = "Broken";\nexercises = (\n  { name = "Toe curls"; sets = "three"; blocks = ( { say = "Curl."; } ); }\n);\n' \
        >"$tmp/routines/broken.conf"
printf 'title = "Garbled";\nexercises = ( { name = ' >"$tmp/routines/garbled.conf"
cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$tmp/routines";
CONF
cp "$tmp/settings.conf" "$tmp/good.conf"

bus_start -c "$tmp/settings.conf" -o null -v
$BUSCTL monitor --json=short org.tiptoed.Coach1 >"$tmp/monitor.json" 2>/dev/null &
monitor_pid=$!
# The monitor listens once it sees a ping of ours; a signal sent before that would be lost.
monitor_listens() {
        $BUSCTL call org.tiptoed.Coach1 /org/tiptoed/Coach1 org.freedesktop.DBus.Peer Ping >/dev/null &&
                grep -q '"member":"Ping"' "$tmp/monitor.json"
}
eventually 10 monitor_listens || echo "Bail out! busctl monitor never listened"
# seen MEMBER JQ-FILTER: a signal the monitor saw, whose payload data the filter accepts.
seen() {
        eventually 5 sh -c "jq -e -s '[.[] | select(.member == \"$1\") | .payload.data | select($2)] | length > 0' \
                '$tmp/monitor.json' >/dev/null"
}

# --- idle ---------------------------------------------------------------------------
check "State is idle at first" prop_is State 's "idle"'
check "Routine is empty while idle" prop_is Routine 's ""'
check "AudioDevice names the output the next start opens" prop_is AudioDevice 's "null"'

introspection_matches() {
        $BUSCTL introspect --xml-interface org.tiptoed.Coach1 /org/tiptoed/Coach1 >"$tmp/introspect.xml" &&
                python3 - "$top_srcdir/dbus/org.tiptoed.Coach1.xml" "$tmp/introspect.xml" <<'PY'
import sys
import xml.etree.ElementTree as ET

def members(path):
    iface = [i for i in ET.parse(path).getroot() if i.get("name") == "org.tiptoed.Coach1"][0]
    return [(m.tag, sorted(m.attrib.items()), [sorted(c.attrib.items()) for c in m]) for m in iface]

shipped, running = members(sys.argv[1]), members(sys.argv[2])
for m in shipped:
    if m not in running:
        print("in the file, not in the daemon:", m)
for m in running:
    if m not in shipped:
        print("in the daemon, not in the file:", m)
sys.exit(shipped != running)
PY
}
check "dbus/org.tiptoed.Coach1.xml is what the running daemon introspects" introspection_matches
check "argument names show in introspection" sh -c "grep -q 'name=\"routine\" direction=\"in\"' '$tmp/introspect.xml'"

check "tiptoectl routines lists the routines with their length, the broken one left out" \
        sh -c "out=\$('$ctl' routines) && [ \"\$out\" = \"\$(printf 'morning-feet\t21:30\tMorning feet\nshort\t0:27\tShort')\" ] || { echo \"\$out\"; exit 1; }"
check "tiptoectl buttons: a user's daemon with no buttons in its file reads no input device" \
        sh -c "'$ctl' buttons | grep -qx \"No input device is read: map keys in tiptoed.conf's buttons, see tiptoed.conf(5).\""
check "ListButtons over busctl: an empty a(ssba(ssss))" sh -c "[ \"\$($BUSCTL call org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 ListButtons)\" = 'a(ssba(ssss)) 0' ]"
plan_matches() {
        "$ctl" plan short | cut -f3,4 >"$tmp/plan.bus" &&
                "$tiptoed" -c "$tmp/settings.conf" --plan short | grep -v '^#' | cut -f3,4 >"$tmp/plan.cli" &&
                diff "$tmp/plan.cli" "$tmp/plan.bus" && [ "$(wc -l <"$tmp/plan.bus")" -gt 20 ]
}
check "tiptoectl plan gives the cues tiptoed --plan gives" plan_matches
get_plan() {
        call GetPlan s short | grep -q "^a(ttss) $(wc -l <"$tmp/plan.bus") "
}
check "GetPlan over busctl: a(ttss), one entry per cue" get_plan

completes() {
        got=$(PATH="$top_builddir/src:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _tiptoectl
                echo "${COMPREPLY[*]}"' sh "$top_srcdir/shell-completion/tiptoectl" "$@" 2>&1 | tail -n 1)
        [ "$got" = "$want" ] || { echo "completing '$*' gave '$got', expected '$want'"; return 1; }
}
want="start stop status"; check "bash completion: commands" completes tiptoectl st
want="short"; check "bash completion: routine ids, asked of the daemon" completes tiptoectl start sh
want="easy"; check "bash completion: levels" completes tiptoectl level e

# --- errors from real mistakes --------------------------------------------------------
check "pause while idle: NotRunning, exit 1" \
        expect_exit 1 "org.tiptoed.Coach1.Error.NotRunning" "$ctl" pause
check "an unknown routine: NoSuchRoutine, naming where it looked" \
        expect_exit 1 "org.tiptoed.Coach1.Error.NoSuchRoutine: no routine 'nosuch' in $tmp/routines" "$ctl" start nosuch
check "a broken routine: InvalidConfig with FILE:LINE" \
        expect_exit 1 "org.tiptoed.Coach1.Error.InvalidConfig: $tmp/routines/broken.conf:3:" "$ctl" start broken
check "a routine with a syntax error: InvalidConfig with FILE:LINE" \
        expect_exit 1 "org.tiptoed.Coach1.Error.InvalidConfig: $tmp/routines/garbled.conf:[0-9]*: syntax error" "$ctl" start garbled
check "a path for a routine: InvalidArgs naming the argument" \
        expect_exit 1 'org.freedesktop.DBus.Error.InvalidArgs: routine "../../etc/passwd"' "$ctl" start ../../etc/passwd
check "Level medium: InvalidArgs" \
        expect_exit 1 'org.freedesktop.DBus.Error.InvalidArgs: Level "medium": use "easy", "normal", "hard" or "auto".' "$ctl" level medium
check "Level medium over busctl too" expect_exit 1 'Level "medium": use' \
        $BUSCTL set-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 Level s medium
check "Volume 2: InvalidArgs" expect_exit 1 "InvalidArgs: Volume 2: give a number from 0.0" "$ctl" volume 2
check "Language without a voice: InvalidArgs" \
        expect_exit 1 'InvalidArgs: Language "xx": there is no voice "xx"' "$ctl" language xx
check "a wrong type: refused" expect_exit 1 "" \
        $BUSCTL call org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 Start u 7
check "after all that, still English" prop_is Language 's "en"'

# --- run-time settings ----------------------------------------------------------------
level_changes_plan() {
        normal=$("$ctl" routines | grep morning-feet | cut -f2)
        $BUSCTL set-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 Level s hard || return 1
        prop_is Level 's "hard"' || return 1
        hard=$("$ctl" routines | grep morning-feet | cut -f2)
        $BUSCTL set-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 Level s normal
        [ "$hard" != "$normal" ] || { echo "hard $hard = normal $normal"; return 1; }
        seen PropertiesChanged '.[1].Level.data == "hard"'
}
check "Level hard lengthens the plan, and PropertiesChanged says so" level_changes_plan
german() {
        "$ctl" language de && [ "$("$ctl" language)" = de ] || return 1
        "$ctl" plan morning-feet | grep -q "Guten Morgen" || { echo "no German plan"; return 1; }
        "$ctl" language en
}
check "Language de plans in German (morning-feet.de), then back to en" german

# --- a routine ------------------------------------------------------------------------
check "start: exit 0" "$ctl" start
check "State running" prop_is State 's "running"'
check "Routine is short" prop_is Routine 's "short"'
check "RoutineTitle is Short" prop_is RoutineTitle 's "Short"'
check "ExerciseCount is 1" prop_is ExerciseCount 'u 1'
duration_27() {
        d=$(prop Duration | cut -d' ' -f2) && [ "$d" -gt 26500000 ] && [ "$d" -lt 27500000 ] || { echo "Duration $d"; return 1; }
}
check "Duration is the plan's 27 s" duration_27
check "start again: AlreadyRunning" expect_exit 1 "org.tiptoed.Coach1.Error.AlreadyRunning" "$ctl" start
check "the Cue signal for the introduction" seen Cue '.[1] == "intro" and .[2] == "Short test."'
check "PropertiesChanged: State running" seen PropertiesChanged '.[0] == "org.tiptoed.Coach1" and .[1].State.data == "running"'
check "Exercise and Set follow the cues" eventually 5 prop_is Exercise 's "Heel raises"'
check "SetCount is 2" prop_is SetCount 'u 2'
position_moves() {
        a=$(prop Position | cut -d' ' -f2) && sleep 0.3 && b=$(prop Position | cut -d' ' -f2) &&
                [ "$b" -gt "$a" ] || { echo "Position $a then $b"; return 1; }
}
check "Position moves on while playing, between the daemon's looks" position_moves

# Not one context switch in any of the daemon's threads, nor a CPU tick, for SECONDS.
costs_nothing() {
        sleep 1
        before=$(cat /proc/"$daemon_pid"/task/*/status | awk '/ctxt_switches/ { n += $2 } END { print n }')
        cpu_before=$(awk '{ print $14 + $15 }' /proc/"$daemon_pid"/stat)
        sleep "$1"
        after=$(cat /proc/"$daemon_pid"/task/*/status | awk '/ctxt_switches/ { n += $2 } END { print n }')
        cpu_after=$(awk '{ print $14 + $15 }' /proc/"$daemon_pid"/stat)
        [ "$before" = "$after" ] && [ "$cpu_before" = "$cpu_after" ] ||
                { echo "context switches $before -> $after, CPU ticks $cpu_before -> $cpu_after"; return 1; }
}
check "pause: State paused, PauseReason user" sh -c "'$ctl' pause" && check "paused" eventually 2 prop_is State 's "paused"'
check "PauseReason is user" prop_is PauseReason 's "user"'
paused_still() {
        a=$(prop Position) && sleep 1 && b=$(prop Position) && [ "$a" = "$b" ] || { echo "$a then $b"; return 1; }
}
check "Position stands still while paused" paused_still
check "paused, the output is stopped: the daemon does not wake up at all (2 s)" costs_nothing 2
# A repeat while parked is said (the output starts again), so the commands after it are
# taken: left parked, a skip waited for a fade no one rendered, and every command after it
# was refused with LimitsExceeded (the sanitizer build's bus storm).
check "repeat, then next, while paused: exit 0, still paused" sh -c "'$ctl' repeat && '$ctl' next" &&
        check "still paused" prop_is State 's "paused"'
check "resume: running again" sh -c "'$ctl' resume" && check "running" eventually 2 prop_is State 's "running"'
check "toggle pauses" sh -c "'$ctl' toggle" && check "toggled to paused" eventually 2 prop_is State 's "paused"'
check "toggle goes on" sh -c "'$ctl' toggle" && check "toggled to running" eventually 2 prop_is State 's "running"'
skips_forward() {
        a=$(prop Position | cut -d' ' -f2) && "$ctl" next && sleep 0.3 && b=$(prop Position | cut -d' ' -f2) &&
                [ "$b" -gt $((a + 1000000)) ] || { echo "Position $a then $b"; return 1; }
}
check "next skips ahead in the routine" skips_forward
check "and MPRIS clients are told with Seeked" seen Seeked '.[0] > 1000000'
for c in previous repeat next-exercise previous-exercise; do
        check "$c: exit 0, still running" sh -c "'$ctl' $c" && check "$c leaves it running" eventually 2 prop_is State 's "running"'
done
volume_half() {
        $BUSCTL set-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 Volume d 0.5 && prop_is Volume 'd 0.5'
}
check "Volume 0.5, set while playing, reads back" volume_half
check "status --json is JSON with the state" sh -c "'$ctl' status --json | jq -e '.State == \"running\" and .Routine == \"short\" and .SetCount == 2' >/dev/null"
check "status names the exercise" sh -c "'$ctl' status | grep -q '^Exercise: Heel raises'"

# --- MPRIS ----------------------------------------------------------------------------
check "playerctl finds tiptoed" sh -c "playerctl -l | grep -qx tiptoed"
check "playerctl status: Playing" sh -c "[ \"\$(playerctl -p tiptoed status)\" = Playing ]"
check "playerctl metadata: the routine is the album" sh -c "[ \"\$(playerctl -p tiptoed metadata xesam:album)\" = Short ]"
check "playerctl play-pause pauses" sh -c "playerctl -p tiptoed play-pause" &&
        check "paused by media key" eventually 2 prop_is State 's "paused"'
check "playerctl status: Paused" sh -c "[ \"\$(playerctl -p tiptoed status)\" = Paused ]"
check "playerctl play-pause goes on" sh -c "playerctl -p tiptoed play-pause" &&
        check "playing again by media key" eventually 2 prop_is State 's "running"'
check "playerctl next skips" sh -c "playerctl -p tiptoed next"

# --- reload -------------------------------------------------------------------------------
printf 'levle = "hard";\n' >>"$tmp/settings.conf"
check "reload of a broken file: InvalidConfig with FILE:LINE" \
        expect_exit 1 "InvalidConfig: $tmp/settings.conf:3: unknown setting 'levle' (did you mean 'level'?)" "$ctl" reload
check "the routine plays on through a bad reload" prop_is State 's "running"'
hup_keeps_settings() {
        kill -HUP "$daemon_pid" &&
                eventually 5 grep -q 'Reload failed, keeping the settings in use: .*settings.conf:3' "$tmp/daemon.log" &&
                kill -0 "$daemon_pid"
}
check "SIGHUP with the broken file: the daemon stays, logs why" hup_keeps_settings
head -c 4096 /dev/urandom >"$tmp/settings.conf"
check "a settings file replaced by garbage: reload says InvalidConfig with the file" \
        expect_exit 1 "InvalidConfig: $tmp/settings.conf:[0-9]*:" "$ctl" reload
check "and the routine plays on, the settings in use kept" sh -c "[ \"\$(busctl --user get-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 State)\" = 's \"running\"' ]"
cp "$tmp/good.conf" "$tmp/settings.conf"
synthesized_before=$(grep -c "Synthesized the phrases" "$tmp/daemon.log")
check "reload of the good file: exit 0" "$ctl" reload
check "a reload that changes no voice synthesizes nothing again" \
        test "$(grep -c "Synthesized the phrases" "$tmp/daemon.log")" -eq "$synthesized_before"

# --- the end --------------------------------------------------------------------------
check "stop: exit 0" "$ctl" stop
check "then idle" eventually 2 prop_is State 's "idle"'
check "Finished: not completed" seen Finished '.[0] == "short" and .[1] == false'
check "MPRIS: Stopped" sh -c "[ \"\$(playerctl -p tiptoed status)\" = Stopped ]"
check "stop while idle: NotRunning" expect_exit 1 "NotRunning" "$ctl" stop
check "start, stop and at once start again: no AlreadyRunning while the stop fades" \
        sh -c "'$ctl' start && '$ctl' stop && '$ctl' start && '$ctl' stop"
check "playerctl play starts the default routine" sh -c "playerctl -p tiptoed play" &&
        check "started by media key" eventually 2 prop_is Routine 's "short"'
check "tiptoectl watch prints cues until it ends, then exits 0" \
        sh -c "timeout 60 '$ctl' watch >'$tmp/watch' && tail -n 1 '$tmp/watch' | grep -q '^# short finished after 0:27' && grep -q 'countdown' '$tmp/watch'"
check "Finished: completed" seen Finished '.[0] == "short" and .[1] == true'

check "idle, the daemon does not wake up at all (3 s, every thread)" costs_nothing 3

check "a second daemon on the same bus exits 69, saying one runs" \
        expect_exit 69 "Another tiptoed already runs on the user bus" "$tiptoed" -c "$tmp/settings.conf" -o null
check "start once more, to be stopped by SIGTERM" "$ctl" start
sleep 1
bus_stop
check "SIGTERM: the daemon stops the routine, says so, exits 0" \
        sh -c "[ $rc -eq 0 ] && grep -q 'Stopped short at' '$tmp/daemon.log'"
check "Finished sent on SIGTERM" seen Finished '.[0] == "short" and .[1] == false and .[2] > 0'
check "with no daemon, tiptoectl exits 69 with a hint" expect_exit 69 "no tiptoed answers on the user bus. Start one" "$ctl" status

"$tiptoed" --no-bus -c "$tmp/settings.conf" -o null 2>"$tmp/nobus.log" &
nobus=$!
sleep 1
check "--no-bus: it runs, on no bus" sh -c "kill -0 $nobus && ! $BUSCTL status org.tiptoed.Coach1 >/dev/null 2>&1"
kill -TERM "$nobus"
rc=0
wait "$nobus" || rc=$?
check "--no-bus: SIGTERM exits 0" test "$rc" -eq 0

bus_start -c "$tmp/settings.conf" -o "wav:$tmp/no/such/dir/out.wav"
check "an output that cannot be opened: AudioUnavailable" \
        expect_exit 1 "org.tiptoed.Coach1.Error.AudioUnavailable" "$ctl" start
check "and the daemon is still idle" prop_is State 's "idle"'
bus_stop
finish
