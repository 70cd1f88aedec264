#!/bin/sh
# The history survives SIGKILL at any moment: 200 times, the daemon is killed at a random
# instant while a client starts and stops routines as fast as it can; every start the
# daemon acknowledged must then be in the history, which must read back whole.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
driver=
trap 'kill $driver 2>/dev/null; bus_stop; rm -rf "$tmp"' EXIT
KILLS=${KILLS:-200}
# Each kill is a power cut here: the runtime directory goes with it, and with it the
# routine's place, so no routine is gone on with (tests/test-resume.sh tests that).
start_afresh() {
        rm -rf "$RUNTIME_DIRECTORY"
        bus_start -c "$tmp/settings.conf" -o null
}

cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
: >"$tmp/acked"
drive() {
        while :; do
                "$ctl" start >/dev/null 2>&1 && echo >>"$tmp/acked"
                "$ctl" stop >/dev/null 2>&1
        done
}
# At least KILLS kills, and more (up to three times as many) until half as many starts
# have been acknowledged: how many fit between kills depends on the machine, and a
# sanitizer build on a busy one fit 84 in 200.
i=0
while [ "$i" -lt "$KILLS" ] || { [ "$(wc -l <"$tmp/acked")" -lt $((KILLS / 2)) ] && [ "$i" -lt $((KILLS * 3)) ]; }; do
        start_afresh
        drive &
        driver=$!
        sleep "$(awk -v seed="$i$$" 'BEGIN { srand(seed); printf "%.3f", rand() * 0.3 }')"
        kill -KILL "$daemon_pid"
        wait "$daemon_pid" 2>/dev/null
        cat "$tmp/daemon.log" >>"$tmp/all.log"
        : >"$tmp/daemon.log"
        daemon_pid=
        kill "$driver"
        wait "$driver" 2>/dev/null
        driver=
        i=$((i + 1))
done
acked=$(wc -l <"$tmp/acked")
: >"$tmp/daemon.log"
start_afresh
"$ctl" history --json >"$tmp/history.json"
cat "$tmp/daemon.log" >>"$tmp/all.log"
echo "# $i kills, $acked starts acknowledged, $(jq '.entries | length' "$tmp/history.json") entries," \
        "$(jq '[.entries[] | select(.outcome == "cut")] | length' "$tmp/history.json") cut off by a kill," \
        "$(grep -c 'dropping a torn last record' "$tmp/all.log") torn last records dropped on start"
# What matters is that many starts were acknowledged, and that kills cut routines short.
exercised() {
        [ "$acked" -ge $((KILLS / 2)) ] || { echo "only $acked starts acknowledged"; return 1; }
        jq -e '[.entries[] | select(.outcome == "cut")] | length > 0' "$tmp/history.json" >/dev/null ||
                { echo "no kill came while a routine played"; return 1; }
}
check "$KILLS kills or more, at least $((KILLS / 2)) starts acknowledged between them, some cut short" exercised
check "every acknowledged start is in the history" \
        sh -c "n=\$(jq '.entries | length' '$tmp/history.json'); [ \"\$n\" -ge $acked ] || { echo \"\$n entries for $acked acknowledged starts\"; exit 1; }"
check "every record reads back whole: known outcomes, routine and level named" \
        jq -e '.entries | all(.routine == "short" and .level == "normal" and (.outcome == "stopped" or .outcome == "cut" or .outcome == "completed"))' "$tmp/history.json"
check "no line had to be skipped as unreadable" sh -c "! grep -q 'are not history records' '$tmp/all.log'"
check "the daemon starts and records on the history it left" sh -c "'$ctl' start && '$ctl' stop"
finish
