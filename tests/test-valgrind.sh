#!/bin/sh
# The daemon under valgrind's memcheck, on a private bus, playing into the null output:
# a whole routine with pauses, skips, jumps between exercises, a reload and a change of
# language and back, then SIGTERM. Memcheck must find no error, and no block of memory may
# be lost, definitely or indirectly. ("Possibly lost" and "still reachable" are what
# libraries keep until exit: eSpeak NG's voice data, and the 352 bytes of thread-local
# storage of the thread eSpeak NG 1.51 starts and never joins.)
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
trap 'bus_stop; rm -rf "$tmp"' EXIT

if [ -n "${SANITIZER_CFLAGS:-}" ]; then
        # ASan's runtime and valgrind cannot share a process; ASan checks the same things.
        skip "memcheck: a routine with pauses and skips, no errors, nothing lost" "built with sanitizers"
        finish
        exit
fi

mkdir "$tmp/routines"
cp "$top_srcdir/tests/data/short.conf" "$top_srcdir/tests/data/short.de.conf" "$tmp/routines/"
printf 'routine = "short";\nroutine_dir = "%s";\n' "$tmp/routines" >"$tmp/settings.conf"

cat >"$tmp/tiptoed" <<EOF
#!/bin/sh
exec valgrind --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\
        --num-callers=30 \\
        --log-file="$tmp/memcheck.log" "$tiptoed" "\$@"
EOF
chmod +x "$tmp/tiptoed"
tiptoed=$tmp/tiptoed
bus_start -c "$tmp/settings.conf" -o null

drive() {
        $ctl start && sleep 2 &&
        $ctl pause && sleep 0.5 && $ctl resume && sleep 1 &&
        $ctl next && $ctl next-exercise && $ctl previous && $ctl repeat && $ctl previous-exercise && sleep 1 &&
        $ctl status >/dev/null && $ctl plan >/dev/null && $ctl routines >/dev/null && $ctl history >/dev/null &&
        $ctl volume 0.5 && $ctl level hard && $ctl language de && $ctl language en && $ctl reload &&
        $ctl watch >/dev/null &&
        $ctl start && sleep 1 && $ctl stop
}
check "under memcheck: a routine with pauses, skips, reload and a change of language" drive
rc=0
bus_stop || rc=$?
check "under memcheck: SIGTERM, exit 0" test "$rc" -eq 0
no_errors() {
        grep -q 'ERROR SUMMARY: 0 errors' "$tmp/memcheck.log" && return 0
        sed -n '/^==[0-9]*== [A-Z][a-z]/,/^==[0-9]*== $/p' "$tmp/memcheck.log" | head -n 80
        return 1
}
check "memcheck finds no error" no_errors
lost() {
        log=$tmp/memcheck.log
        grep -q 'no leaks are possible' "$log" && return 0
        grep -q 'definitely lost: 0 bytes' "$log" && grep -q 'indirectly lost: 0 bytes' "$log" && return 0
        sed -n '/LEAK SUMMARY/,$p; /lost in loss record/,/^==[0-9]*== $/p' "$log"
        return 1
}
check "nothing is lost, definitely or indirectly" lost
finish
