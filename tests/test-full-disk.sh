#!/bin/sh
# A full disk under the history: the routine still starts and plays, the error is logged
# naming the file, what was written before is left byte for byte, and once there is room
# again records are written whole. The disk is a 16 KiB tmpfs, mounted in a mount
# namespace of the test's own (unshare -m), so nothing outside sees it.
. "$top_srcdir/tests/tap.sh"
if [ -z "${TIPTOED_MOUNT_NS:-}" ]; then
        if [ "$(id -u)" -ne 0 ] || ! unshare -m true 2>/dev/null; then
                skip "a full disk under the history" "needs root and mount namespaces"
                finish
                exit 0
        fi
        TIPTOED_MOUNT_NS=1 exec unshare -m sh "$0" "$@"
fi
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; umount "$tmp/state" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir "$tmp/state"
mount -t tmpfs -o size=16k tmpfs "$tmp/state" || { echo "Bail out! cannot mount a tmpfs"; exit 1; }
cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF

bus_start -c "$tmp/settings.conf" -o null
"$ctl" start && "$ctl" stop && "$ctl" start && "$ctl" stop
bus_stop
# Pad the file to a whole page with a blank line, then fill the disk: the next record
# needs a page there is no room for.
size=$(stat -c %s "$tmp/state/history.jsonl")
awk -v n=$((4096 - size - 1)) 'BEGIN { s = sprintf("%" n "s", ""); print s }' >>"$tmp/state/history.jsonl"
dd if=/dev/zero of="$tmp/state/filler" bs=1024 2>/dev/null
cp "$tmp/state/history.jsonl" "$tmp/before.jsonl"

bus_start -c "$tmp/settings.conf" -o null
check "on a full disk a routine still starts" "$ctl" start
check "and plays" prop_is State 's "running"'
check "the error is logged, naming the file and the reason" \
        grep -q "Failed to record in $tmp/state/history.jsonl (the routine goes on): No space left on device" "$tmp/daemon.log"
check "stop still works" "$ctl" stop
check "what was written before is left byte for byte" cmp "$tmp/before.jsonl" "$tmp/state/history.jsonl"
rm "$tmp/state/filler"
bus_stop
bus_start -c "$tmp/settings.conf" -o null
check "with room again, records are written" sh -c "'$ctl' start && '$ctl' stop"
# No wait: once Stop has answered, the history says so, though the fade may still sound.
three_stopped() {
        got=$("$ctl" history --json | jq -r '[.entries[].outcome] | join(" ")')
        [ "$got" = "stopped stopped stopped" ] && return 0
        echo "outcomes: $got; the file:"
        cat "$tmp/state/history.jsonl"
        return 1
}
check "and the history reads back whole: three routines, each stopped" three_stopped
check "no line was unreadable" sh -c "! grep -q 'are not history records' '$tmp/daemon.log'"
finish
