#!/bin/sh
# The page in a real browser (tests/web/page.mjs: Debian's chromium driven by
# playwright-core, which ./bootstrap installs into tests/web/node_modules) against
# tiptoed-web and the real daemon on a private bus with the null output: start, pause,
# next and stop reaching D-Bus and D-Bus reaching the page; the next runs and a skip;
# the calendar of a fabricated history; from a LAN address (a network namespace of the
# test's own, as in test-web.sh) the pairing form, a wrong token, the right one. A
# screenshot of each view goes to tests/web/shots/.
. "$top_srcdir/tests/lan.sh"
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
tmp=$(mktemp -d)
. "$top_srcdir/tests/tap.sh"
. "$top_srcdir/tests/bus.sh"
. "$top_srcdir/tests/web.sh"
trap 'web_stop; bus_stop; rm -rf "$tmp"' EXIT

[ -x /usr/bin/chromium ] && [ -d "$top_srcdir/tests/web/node_modules/playwright-core" ] || {
        echo "Bail out! chromium or playwright-core is missing: ./bootstrap test installs both"
        exit 1
}

# A history of the last weeks, in this machine's zone, as the page reads it: done mornings,
# one cut short, one missed, one skipped, and today's done.
day() { date -d "$1 days ago" +%F; }
usec() { echo "$(date -d "$1" +%s)000000"; }
morning() { # morning DAYS-AGO OUTCOME
        d=$(day "$1") at=$(usec "$(day "$1") 07:00")
        case $2 in
        missed | skipped)
                printf '{"event":"%s","at":%s,"scheduled":%s,"routine":"short"}\n' "$2" "$at" "$at" ;;
        *)
                printf '{"event":"start","at":%s,"scheduled":%s,"routine":"short","level":"normal"}\n' "$at" "$at"
                printf '{"event":"end","at":%s,"started":%s,"outcome":"%s","paused":0,"heard":%s,"skipped_steps":0}\n' \
                        "$(usec "$d 07:20")" "$at" "$2" "$([ "$2" = completed ] && echo 1200000000 || echo 300000000)" ;;
        esac
        echo "$d=$2" >>"$tmp/days"
}
mkdir -p "$tmp/state"
{
        for ago in 30 29 28 27 12 11 10; do morning "$ago" completed; done
        morning 9 stopped
        morning 8 missed
        morning 7 skipped
        for ago in 6 5 4 3 2 1 0; do morning "$ago" completed; done
} >"$STATE_DIRECTORY/history.jsonl"

mkdir "$tmp/routines"
cp "$top_srcdir/tests/data/short.conf" "$tmp/routines/"
cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$tmp/routines";
schedule = ( { time = "06:30"; }, { time = "21:15"; days = "sat"; } );
CONF
bus_start -c "$tmp/settings.conf" -o null
web_start --listen 0.0.0.0:0
shots="$top_builddir/tests/web/shots"
mkdir -p "$shots"
lan=
[ "$TIPTOED_WEB_NETNS" = 1 ] && lan="http://10.9.0.1:$port"

WEB="http://127.0.0.1:$port" LAN="$lan" CTL="$ctl" SHOTS="$shots" DAYS="$(paste -sd, "$tmp/days")" \
        NODE_PATH="$top_srcdir/tests/web/node_modules" node "$top_srcdir/tests/web/page.mjs"
