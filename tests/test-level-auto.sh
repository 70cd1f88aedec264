#!/bin/sh
# level = "auto" with the real daemon on a private bus, on a pretended clock, against made-up
# histories: a week of completed mornings makes it normal and the first routine of the day
# says so before anything else; once played, it says no more; two bad mornings make it easy
# again, said gently; Level and LevelAutomatic tell which, and setting a level turns it off.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; rm -rf "$tmp"' EXIT
export TZ=Europe/Berlin

printf 'level = "auto";\n' >"$tmp/settings.conf"
usec() { echo "$(date -d "$1" +%s)000000"; }
# morning DAY OUTCOME: a routine started at 07:00 local that day, ended as OUTCOME 20 minutes on;
# OUTCOME missed: a scheduled run nobody was there for.
morning() {
        at=$(usec "$1 07:00")
        if [ "$2" = missed ]; then
                printf '{"event":"missed","at":%s,"scheduled":%s,"routine":"morning-feet"}\n' "$at" "$at"
                return
        fi
        printf '{"event":"start","at":%s,"scheduled":0,"routine":"morning-feet","level":"easy"}\n' "$at"
        printf '{"event":"end","at":%s,"started":%s,"outcome":"%s","paused":0,"heard":0,"skipped_steps":0}\n' \
                "$(usec "$1 07:20")" "$at" "$2"
}
start_at() { # start_at "DATE TIME": the daemon on a clock that starts then
        bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -d "$1" +%s)"
}
# watching PID: tiptoectl watch (that process) has its matches for Cue and Finished in place,
# as the bus itself counts them.
watching() {
        name=$($BUSCTL list --no-legend | awk -v p="$1" '$2 == p && $1 ~ /^:/ { print $1; exit }')
        [ -n "$name" ] && $BUSCTL call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.Debug.Stats \
                GetConnectionStats s "$name" | grep -q '"MatchRules" u [2-9]'
}
first_words() { # first_words TEXT: the first cue a Start says, as tiptoectl watch hears it
        "$ctl" watch >"$tmp/watch" &
        watch=$!
        eventually 10 watching "$watch" || { kill "$watch"; return 1; }
        "$ctl" start || { kill "$watch"; return 1; }
        eventually 10 test -s "$tmp/watch"
        "$ctl" stop
        wait "$watch"
        first=$(head -n 1 "$tmp/watch" | cut -f3)
        [ "$first" = "$1" ] || { echo "first said: $first"; return 1; }
        eventually 10 prop_is State 's "idle"'
}

# A week across the switch to summer time (29 March has 23 hours), in Berlin.
mkdir -p "$tmp/state"
for d in 23 24 25 26 27 28 29; do morning "2026-03-$d" completed; done >"$tmp/state/history.jsonl"

start_at "2026-03-29 20:00"
check "six days done and today's: still easy today" expect_exit 0 '^easy (auto)$' "$ctl" level
bus_stop

# At midnight the level changes with nothing else happening: whoever watches (a page, a
# panel) is told, by PropertiesChanged, without asking. The monitor listens before the
# daemon starts, 10 s before midnight by its clock, so no signal can come before it.
$BUSCTL monitor --json=short >"$tmp/monitor.json" 2>/dev/null &
monitor_pid=$!
trap 'kill $monitor_pid 2>/dev/null; bus_stop; rm -rf "$tmp"' EXIT
monitor_listens() {
        $BUSCTL call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.Peer Ping >/dev/null &&
                grep -q '"member":"Ping"' "$tmp/monitor.json"
}
eventually 10 monitor_listens || echo "Bail out! busctl monitor never listened"
told_at_midnight() {
        jq -e -s '[.[] | select(.member == "PropertiesChanged" and .path == "/org/tiptoed/Coach1")
                   | .payload.data[1].Level.data | select(. == "normal")] | length > 0' "$tmp/monitor.json" \
                >/dev/null && return
        echo "no PropertiesChanged with Level \"normal\" (Level now: $(prop Level))"
        return 1
}
start_at "2026-03-29 23:59:50"
check "at midnight, unasked: PropertiesChanged says Level normal" eventually 60 told_at_midnight
bus_stop
kill $monitor_pid

start_at "2026-03-30 06:30"
check "the next morning: normal, automatically" prop_is Level 's "normal"'
check "LevelAutomatic says so" prop_is LevelAutomatic 'b true'
check "tiptoectl level: normal (auto)" expect_exit 0 '^normal (auto)$' "$ctl" level
check "the first routine of the day begins with the news" first_words "Level up: Heel raises, now 12 each."
check "the next one begins as ever" first_words "Good morning. Five exercises for your feet, about twenty minutes."
check "Level hard: no longer automatic" sh -c "'$ctl' level hard && [ \"\$('$ctl' level)\" = hard ]"
check "LevelAutomatic false" prop_is LevelAutomatic 'b false'
check "Level auto: back to what the history says" sh -c "'$ctl' level auto && [ \"\$('$ctl' level)\" = 'normal (auto)' ]"
bus_stop

# Two bad mornings (one stopped short, one missed) go back down, said gently.
{ morning 2026-03-31 stopped; morning 2026-04-01 missed; } >>"$tmp/state/history.jsonl"
start_at "2026-04-02 07:00"
check "two bad mornings: easy again" prop_is Level 's "easy"'
check "and said gently, first" first_words "A gentler level today: Heel raises, now 10 each."
bus_stop

printf 'level = "sometimes";\n' >"$tmp/bad.conf"
check "level = \"sometimes\": FILE:LINE naming auto, exit 78" \
        expect_exit 78 'bad.conf:1: .*auto' "$tiptoed" --config "$tmp/bad.conf" --check-config

finish
