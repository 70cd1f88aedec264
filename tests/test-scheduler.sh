#!/bin/sh
# The schedule with the real daemon on a private bus: a run a minute ahead starts by itself
# on the second; with the clock pretended (--clock-start), runs missed while the box was
# off are recorded and the one still within its catch-up window starts; a restart never
# runs the same morning twice; a run due while a routine plays is skipped; SkipNextRun,
# CancelSkip and Snooze move NextRun, and outlive a restart; a completed routine makes a
# streak.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; rm -rf "$tmp"' EXIT
export TZ=UTC

settings() { # settings SCHEDULE-ENTRIES
        cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
schedule = ( $1 );
CONF
}
usec() { echo "$(date -u -d "$1" +%s)000000"; }
history() { "$ctl" history --json; }
# outcomes: the outcome of every history entry, in order, on one line.
outcomes() { history | jq -r '[.entries[].outcome] | join(" ")'; }
is() { # is WHAT EXPECTED ACTUAL
        [ "$2" = "$3" ] || { echo "$1: got '$3', expected '$2'"; return 1; }
}

# --- a minute ahead, on the real clock ------------------------------------------------------
now=$(date +%s)
at=$(( (now / 60 + 1) * 60 ))
[ $((at - now)) -ge 15 ] || at=$((at + 60))
settings "{ time = \"$(date -u -d "@$at" +%H:%M)\"; }"
bus_start -c "$tmp/settings.conf" -o null
check "NextRun is the coming minute" prop_is NextRun "t ${at}000000"
check "tiptoectl schedule lists it first" sh -c "'$ctl' schedule | head -n 1 | grep -q \"\$(date -d @$at '+%a %Y-%m-%d %H:%M')	short\""
check "nothing plays before it" prop_is State 's "idle"'
started_on_time() {
        eventually 80 prop_is State 's "running"' || return 1
        started=$(history | jq '.entries[-1].started')
        scheduled=$(history | jq '.entries[-1].scheduled')
        is "scheduled run" "${at}000000" "$scheduled" || return 1
        late=$((started - scheduled))
        [ "$late" -ge 0 ] && [ "$late" -lt 1000000 ] || { echo "started $late µs after its time"; return 1; }
}
check "the routine starts by itself, within a second of its time" started_on_time
check "NextRun moves on to tomorrow" prop_is NextRun "t $((at + 86400))000000"
"$ctl" stop
bus_stop

# --- catch-up and missed, on a pretended clock --------------------------------------------
rm -rf "$tmp/state"
settings '{ time = "07:00"; catch_up = 30; }'
# The box last dealt with the run of 10 March; it is 13 March, 07:10, when it comes on.
mkdir -p "$tmp/state"
printf '{"event":"skipped","at":%s,"scheduled":%s,"routine":"short"}\n' \
        "$(usec '2026-03-10 07:00')" "$(usec '2026-03-10 07:00')" >"$tmp/state/history.jsonl"
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-13 07:10' +%s)"
check "two mornings the box was off are recorded as missed; the third, 10 minutes late, starts" \
        eventually 3 sh -c "[ \"\$('$ctl' history --json | jq -r '[.entries[].outcome] | join(\" \")')\" = 'skipped missed missed playing' ]"
check "the missed ones are 11 and 12 March" \
        is "missed" "$(usec '2026-03-11 07:00') $(usec '2026-03-12 07:00')" "$(history | jq -r '[.entries[] | select(.outcome == "missed") | .scheduled] | join(" ")')"
check "and it plays" prop_is State 's "running"'
check "NextRun is 14 March" prop_is NextRun "t $(usec '2026-03-14 07:00')"
"$ctl" stop
eventually 3 prop_is State 's "idle"'
bus_stop
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-13 07:20' +%s)"
sleep 1
check "restarted the same morning, within the window: it does not run twice" prop_is State 's "idle"'
check "history unchanged but for the stop" is "outcomes" "skipped missed missed stopped" "$(outcomes)"
bus_stop
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-14 09:00' +%s)"
check "woken two hours late: missed, not played late" eventually 3 sh -c "'$ctl' history --json | jq -e '.entries[-1].outcome == \"missed\"' >/dev/null"
check "so idle" prop_is State 's "idle"'
bus_stop

# --- a run that comes while a routine plays is skipped ---------------------------------------
settings '{ time = "07:00"; }, { time = "07:01"; }'
clock0=$(date -u -d '2026-03-15 07:00:52' +%s)
real0=$(date +%s)
bus_start -c "$tmp/settings.conf" -o null --clock-start "$clock0"
real1=$(date +%s) # the pretended clock began at $clock0 between $real0 and $real1
check "the 07:00 run starts, 52 s late" eventually 3 prop_is State 's "running"'
check "the 07:01 run, due while it plays, is recorded as skipped" \
        eventually 15 sh -c "'$ctl' history --json | jq -e '.entries[-1].outcome == \"skipped\" and .entries[-1].scheduled == $(usec '2026-03-15 07:01')' >/dev/null"
check "and the first plays on" prop_is State 's "running"'

# --- skip, cancel, snooze -------------------------------------------------------------------
check "SkipNextRun: NextRun passes over tomorrow 07:00" sh -c "'$ctl' skip-next"
check "NextRun is tomorrow 07:01" prop_is NextRun "t $(usec '2026-03-16 07:01')"
check "tiptoectl schedule marks the skipped run" sh -c "'$ctl' schedule | head -n 1 | grep -q 'skipped, as asked'"
check "CancelSkip: back to 07:00" sh -c "'$ctl' cancel-skip"
check "NextRun is tomorrow 07:00 again" prop_is NextRun "t $(usec '2026-03-16 07:00')"
snooze0=$(date +%s)
check "snooze 10: the scheduled routine stops" sh -c "'$ctl' snooze 10"
snooze1=$(date +%s)
check "idle" eventually 3 prop_is State 's "idle"'
snoozed() { # ten minutes after the pretended time of the snooze, give or take a second of rounding
        next=$(( $(prop NextRun | cut -d' ' -f2) / 1000000 ))
        earliest=$((clock0 + snooze0 - real1 + 600 - 1))
        latest=$((clock0 + snooze1 - real0 + 600 + 1))
        [ "$next" -ge "$earliest" ] && [ "$next" -le "$latest" ] ||
                { echo "NextRun at $next s, expected from $earliest to $latest"; return 1; }
}
check "NextRun is in 10 minutes" snoozed
check "snooze when nothing scheduled has started: NotRunning" \
        expect_exit 1 "org.tiptoed.Coach1.Error.NotRunning" "$ctl" snooze 5
check "snooze 0 is a bad argument" expect_exit 64 "give the minutes" "$ctl" snooze 0

# --- a skip and a snooze outlive a restart ---------------------------------------------------
check "SkipNextRun with the snooze pending" sh -c "'$ctl' skip-next"
snoozed_at=$(prop NextRun)
bus_stop
cp -a "$STATE_DIRECTORY" "$tmp/state.kept" # this part runs days on; the next starts from here
bus_start -c "$tmp/settings.conf" -o null --clock-start "$((clock0 + $(date +%s) - real0))"
check "restarted: NextRun is still the snoozed run" prop_is NextRun "$snoozed_at"
check "and tomorrow's 07:00 is still to be skipped" \
        sh -c "'$ctl' schedule | sed -n 2p | grep -q 'Mon 2026-03-16 07:00	short.*skipped, as asked'"
bus_stop
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-16 07:01:10' +%s)"
last_three() { # the snoozed run missed (off past it), 07:00 skipped as asked, 07:01 playing
        is "the last three outcomes" "missed skipped playing" "$(outcomes | tr ' ' '\n' | tail -n 3 | paste -sd' ')" &&
        is "their runs" "$(usec '2026-03-15 07:00') $(usec '2026-03-16 07:00') $(usec '2026-03-16 07:01')" \
                "$(history | jq -r '[.entries[-3:][] | .scheduled] | join(" ")')"
}
check "off until after both: the snoozed run is missed, 07:00 skipped, 07:01 plays" eventually 3 last_three
"$ctl" stop
eventually 3 prop_is State 's "idle"'
check "SkipNextRun, then CancelSkip" sh -c "'$ctl' skip-next && '$ctl' cancel-skip"
bus_stop
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-16 08:00' +%s)"
check "restarted: a cancelled skip stays cancelled" prop_is NextRun "t $(usec '2026-03-17 07:00')"
check "nothing pending is left in the state directory" test ! -e "$STATE_DIRECTORY/pending.json"
"$ctl" skip-next
bus_stop
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-17 09:00' +%s)"
last_two() { is "the last two outcomes" "skipped missed" "$(outcomes | tr ' ' '\n' | tail -n 2 | paste -sd' ')"; }
check "off past a run asked to be skipped: recorded as skipped, not missed; the next as missed" eventually 3 last_two
check "and the skip is used up" prop_is NextRun "t $(usec '2026-03-18 07:00')"
bus_stop
rm -rf "$STATE_DIRECTORY" && mv "$tmp/state.kept" "$STATE_DIRECTORY" && rm "$STATE_DIRECTORY/pending.json"

# --- an announcement before a run ------------------------------------------------------------
settings '{ time = "07:00"; announce = 2; }'
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-16 06:57:58' +%s)"
check "two minutes before the run, it says the routine is coming" \
        eventually 6 prop_is Instruction 's "Short begins in 2 minutes. Get ready."'
check "while that is said, nothing is playing" prop_is State 's "idle"'
check "and the history has no entry for it" is "outcome of the last entry" "skipped" "$(history | jq -r '.entries[-1].outcome')"
check "snooze while it is announced" sh -c "'$ctl' snooze 5"
check "the announcement stops" eventually 2 prop_is Instruction 's ""'
snoozed_run() { # NextRun is 5 minutes from the pretended now, not 07:00
        next=$(prop NextRun | cut -d' ' -f2)
        [ "$next" -gt "$(usec '2026-03-16 07:00')" ] && [ "$next" -lt "$(usec '2026-03-16 07:04')" ] ||
                { echo "NextRun $next"; return 1; }
}
check "NextRun is the snoozed run, after 07:00" snoozed_run
check "a start by hand still plays" "$ctl" start
check "and plays" prop_is Routine 's "short"'
"$ctl" stop
settings '{ time = "09:30"; }'
check "a changed schedule, reloaded, re-arms at once" sh -c "'$ctl' reload"
check "the schedule now has 09:30 (after the snoozed run)" sh -c "'$ctl' schedule | sed -n 2p | grep -q 'Mon 2026-03-16 09:30	short'"
settings '{ time = "9:3"; }'
check "a broken schedule, reloaded: InvalidConfig with FILE:LINE" \
        expect_exit 1 "InvalidConfig: $tmp/settings.conf:3: 'time' is \"9:3\"" "$ctl" reload
check "and the schedule in use stays" sh -c "'$ctl' schedule | sed -n 2p | grep -q 'Mon 2026-03-16 09:30	short'"
bus_stop

# --- a completed routine makes a streak -------------------------------------------------------
settings ''
rm "$STATE_DIRECTORY/pending.json" # the snooze above, which would come a day after this evening
bus_start -c "$tmp/settings.conf" -o null --clock-start "$(date -u -d '2026-03-15 20:00' +%s)"
check "SkipNextRun with no schedule: NothingScheduled, exit 1" \
        expect_exit 1 "org.tiptoed.Coach1.Error.NothingScheduled" "$ctl" skip-next
check "NextRun is 0 with no schedule" prop_is NextRun 't 0'
check "Streak 0 before any routine is completed" prop_is Streak 'u 0'
"$ctl" start
check "a routine played to its end is completed" \
        sh -c "timeout 60 '$ctl' watch | tail -n 1 | grep -q 'finished'"
check "Streak 1" eventually 3 prop_is Streak 'u 1'
check "LastCompleted is this evening" sh -c "[ \$(busctl --user get-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 LastCompleted | cut -d' ' -f2) -gt $(usec '2026-03-15 20:00') ]"
check "tiptoectl history says so, in words too" sh -c "'$ctl' history | grep -q '	short	completed	by hand' && '$ctl' history | tail -n 1 | grep -qx '# streak: 1 day'"
bus_stop
finish
