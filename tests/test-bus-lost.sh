#!/bin/sh
# The D-Bus broker going away: tiptoed stops the routine, records it, and exits 69, so that
# systemd's Restart=on-failure starts it again on the new bus (chosen over reconnecting:
# the names, matches and clients all belong to the old bus).
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'kill $bus_pid 2>/dev/null; bus_stop; rm -rf "$tmp"' EXIT

dbus-daemon --session --fork --print-address=1 --print-pid=1 >"$tmp/bus" 2>/dev/null ||
        { echo "Bail out! cannot start a dbus-daemon"; exit 1; }
DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$tmp/bus")
bus_pid=$(sed -n 2p "$tmp/bus")
export DBUS_SESSION_BUS_ADDRESS
cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
bus_start -c "$tmp/settings.conf" -o null
check "a routine plays" "$ctl" start
sleep 1
kill "$bus_pid"
rc=0
i=0
while kill -0 "$daemon_pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
check "when the bus goes, the daemon exits within 5 s" sh -c "! kill -0 $daemon_pid 2>/dev/null"
wait "$daemon_pid" || rc=$?
daemon_pid=
check "with status 69, for systemd to restart it" test "$rc" -eq 69
check "saying why" grep -q "Lost the connection to the bus" "$tmp/daemon.log"
check "having stopped the routine and recorded it" sh -c "grep -q '\"outcome\":\"stopped\"' '$tmp/state/history.jsonl'"
finish
