#!/bin/sh
# The daemon as systemd sees it, without systemd: a notification socket of our own
# ($NOTIFY_SOCKET) gets READY=1 once the bus name is held, STATUS= lines that follow the
# routine, and WATCHDOG=1 when $WATCHDOG_USEC asks; with $JOURNAL_STREAM naming stderr,
# log lines carry sd-daemon priority prefixes.
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
listener=
trap 'bus_stop; kill $listener 2>/dev/null; rm -rf "$tmp"' EXIT

cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
# Every datagram on the socket, one per line, with the time it came (s since the start).
python3 -u - "$tmp/notify" >"$tmp/notified" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
t0 = time.monotonic()
while True:
    data = s.recv(4096).decode()
    for line in data.splitlines():
        print("%.3f %s" % (time.monotonic() - t0, line))
PY
listener=$!
for _ in $(seq 50); do [ -S "$tmp/notify" ] && break; sleep 0.1; done

: >"$tmp/daemon.log"
export NOTIFY_SOCKET="$tmp/notify" WATCHDOG_USEC=400000
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/daemon.log")
export JOURNAL_STREAM
bus_start -c "$tmp/settings.conf" -o null
unset NOTIFY_SOCKET WATCHDOG_USEC JOURNAL_STREAM

ready_after_name() {
        grep -q " READY=1$" "$tmp/notified" || { cat "$tmp/notified"; return 1; }
}
check "READY=1 is sent" eventually 2 ready_after_name
check "STATUS says it waits" eventually 2 grep -q " STATUS=Waiting for a start.$" "$tmp/notified"
"$ctl" start
check "STATUS follows the routine" eventually 5 grep -q " STATUS=Playing short, Heel raises$" "$tmp/notified"
"$ctl" pause
check "STATUS says when it is paused" eventually 3 grep -q " STATUS=Paused: short, Heel raises$" "$tmp/notified"
"$ctl" stop
watchdog_pings() {
        n=$(grep -c " WATCHDOG=1$" "$tmp/notified")
        [ "$n" -ge 4 ] || { echo "$n pings"; return 1; }
}
check "WATCHDOG=1 pings when the unit asks for a watchdog (0.4 s)" eventually 3 watchdog_pings
check "log lines carry priorities when stderr is the journal" grep -q "^<6>Ready, on the user bus.$" "$tmp/daemon.log"
check "and no 'tiptoed: ' prefix there (the journal names the unit)" sh -c "! grep -q '^tiptoed: ' '$tmp/daemon.log'"
bus_stop
check "STOPPING=1 at SIGTERM" grep -q " STOPPING=1$" "$tmp/notified"
check "exit 0" test "$rc" -eq 0

# A settings file it cannot read at start-up: the error reaches the journal as an error.
broken_at_start() {
        printf 'levle = "hard";\n' >"$tmp/broken.conf"
        : >"$tmp/broken.log"
        status=0
        JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/broken.log") "$tiptoed" -c "$tmp/broken.conf" -o null \
                2>>"$tmp/broken.log" || status=$?
        [ "$status" -eq 78 ] || { echo "exit status $status"; cat "$tmp/broken.log"; return 1; }
        grep -q "^<3>.*broken.conf:1: " "$tmp/broken.log" || { cat "$tmp/broken.log"; return 1; }
}
check "a broken settings file at start: exit 78, FILE:LINE at priority err (<3>)" broken_at_start
finish
