#!/bin/sh
# Thousands of random D-Bus calls (random methods, properties, MPRIS; random and wrong
# arguments) at a daemon playing a routine: each is answered, none crashes it, and it
# ends in a consistent state (tests/bus-storm.c).
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; rm -rf "$tmp"' EXIT

cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
bus_start -c "$tmp/settings.conf" -o null
check "3000 random calls during a routine: each answered, and a consistent state after" \
        "$top_builddir/tests/bus-storm" 3000
check "the daemon is still there" kill -0 "$daemon_pid"
bus_stop
check "and exits 0 on SIGTERM, having logged no failure" \
        sh -c "[ $rc -eq 0 ] && ! grep -E 'Failed|Assertion|ERROR' '$tmp/daemon.log'"
finish
