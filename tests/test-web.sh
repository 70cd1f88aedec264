#!/bin/sh
# tiptoed-web over plain HTTP, against the real daemon on a private bus with the null
# output: the page and its Content-Security-Policy; the buttons reaching the daemon; the
# events as the daemon's signals come; from this box's own address without a token, from
# a LAN address (10.9.0.1, on the loopback device of a network namespace of the test's own)
# only with the token `tiptoectl web-token` shows; another site's requests and a
# rebinding name refused; bad requests answered with their error, the server still up.
. "$top_srcdir/tests/lan.sh"
[ -n "${TIPTOED_PRIVATE_BUS:-}" ] || TIPTOED_PRIVATE_BUS=1 exec dbus-run-session -- sh "$0" "$@" 2>/dev/null
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/bus.sh"
. "$top_srcdir/tests/web.sh"
trap 'kill $events 2>/dev/null; web_stop; bus_stop; rm -rf "$tmp"' EXIT
events=

mkdir "$tmp/routines"
cp "$top_srcdir/tests/data/short.conf" "$tmp/routines/"
printf 'routine = "short";\nroutine_dir = "%s/routines";\n' "$tmp" >"$tmp/settings.conf"
bus_start -c "$tmp/settings.conf" -o null
web_start --listen 0.0.0.0:0
here="http://127.0.0.1:$port"
lan="http://10.9.0.1:$port"

check "the page, with a strict Content-Security-Policy" answers 200 '<script src="/app.js" defer>' GET "$here/"
check "  default-src 'none', scripts and styles only from itself, no frames" \
        grep -qi "^content-security-policy: default-src 'none'; script-src 'self'; style-src 'self';.*frame-ancestors 'none'" \
        "$tmp/headers"
check "  nosniff and DENY" sh -c "grep -qi '^x-content-type-options: nosniff' '$tmp/headers' &&
        grep -qi '^x-frame-options: DENY' '$tmp/headers'"
check "  nothing inline for the policy to refuse" sh -c "! grep -Eq '<script>|<style|[[:space:]](style|on[a-z]+)=' '$tmp/body'"
check "the script, served by itself" answers 200 'EventSource' GET "$here/app.js"
check "  as JavaScript" grep -qi '^content-type: text/javascript' "$tmp/headers"
check "the styles and the icon" sh -c "curl -sf '$here/app.css' | grep -q prefers-color-scheme &&
        curl -sf '$here/icon.svg' | grep -q '<svg'"
state_has() { http GET "$here/api/state" | grep -q "$1"; }
check "the state from this box: no token asked" eventually 10 state_has '"Daemon":true,.*"State":"idle"'
check "  not to be kept by a cache" grep -qi '^cache-control: no-store' "$tmp/headers"

# The events, as a page gets them: a stream open from here to the end of the test.
curl -sN "$here/events" >"$tmp/events" &
events=$!
check "the events: the state first" eventually 10 grep -q '^event: state' "$tmp/events"
check "start from HTTP, as the page's button does" answers 200 '{}' POST "$here/api/start" \
        -H "Origin: $here" -H 'Sec-Fetch-Site: same-origin'
check "  State on D-Bus: running" eventually 10 prop_is State 's "running"'
check "  the cues come as events" eventually 10 grep -q '^event: cue' "$tmp/events"
"$ctl" pause
check "paused with tiptoectl: the event says so" eventually 10 grep -q '^data: {.*"State":"paused"' "$tmp/events"
check "resume from HTTP" answers 200 '{}' POST "$here/api/resume"
check "  State on D-Bus: running" eventually 10 prop_is State 's "running"'

# Another site's requests, and a name rebound to this box.
check "another site's Origin: 403" answers 403 'another site' POST "$here/api/stop" -H 'Origin: http://evil.example'
check "Sec-Fetch-Site cross-site: 403" answers 403 'cross-site' POST "$here/api/stop" -H 'Sec-Fetch-Site: cross-site'
check "  and the routine plays on" prop_is State 's "running"'
check "a rebound name (Host evil.example on 127.0.0.1): 421" answers 421 'localhost' GET "$here/api/state" \
        -H 'Host: evil.example:80'
check "  also for the page's files" answers 421 'bad-host' GET "$here/" -H 'Host: evil.example'

# The daemon's own errors, with their names and statuses.
check "start while one plays: 409 AlreadyRunning" answers 409 'org.tiptoed.Coach1.Error.AlreadyRunning' \
        POST "$here/api/start"
check "snooze with no minutes: 400, saying what to give" answers 400 'whole number' POST "$here/api/snooze?minutes=ten"
check "a level that is none: 400 InvalidArgs naming it" answers 400 'InvalidArgs.*extreme' \
        POST "$here/api/level?level=extreme"
check "a level: set on the daemon" answers 200 '{}' POST "$here/api/level?level=hard"
check "  Level on D-Bus: hard" eventually 10 prop_is Level 's "hard"'
check "stop from HTTP" answers 200 '{}' POST "$here/api/stop"
check "  State on D-Bus: idle" eventually 10 prop_is State 's "idle"'
check "  Finished comes as an event" eventually 10 grep -q '^event: finished' "$tmp/events"
check "stop when idle: 409 NotRunning" answers 409 'NotRunning' POST "$here/api/stop"
check "the history: the routine stopped" answers 200 '"outcome":"stopped"' GET "$here/api/history"
check "the schedule: none in this file" answers 200 '{"runs":\[\]}' GET "$here/api/schedule"
check "skip with nothing scheduled: 409 NothingScheduled" answers 409 'NothingScheduled' POST "$here/api/skip"
check "the routines" answers 200 '"id":"short"' GET "$here/api/routines"
check "an unknown call: 404" answers 404 'no such call' POST "$here/api/explode"
allowed_post() { answers 405 '' GET "$here/api/stop" && grep -qi '^allow: POST' "$tmp/headers"; }
check "a button by GET: 405, Allow: POST" allowed_post
check "the page by POST: 405" answers 405 '' POST "$here/"
check "a method no one uses: 405" answers 405 '' BREW "$here/api/state"
check "a body larger than any the page sends: 413" answers 413 'too-large' POST "$here/api/stop" \
        --data-binary "@$top_srcdir/src/web/page/app.js"
check "a path not there: 404" answers 404 'Not here' GET "$here/etc/passwd"
check "  nor above it" answers 404 'Not here' GET "$here/../../etc/passwd" --path-as-is
# raw_says WHAT PATTERN: the first line of the answer to raw WHAT matches PATTERN.
raw_says() {
        got=$(raw "$1")
        printf '%s\n' "$got" | grep -q "$2" && return
        echo "to ${1%%\\r*}: \"$got\", expected $2"
        return 1
}
# Bytes that are no HTTP at all, a header too long for a connection's memory, one cut off,
# a NUL in the path: an error or a closed connection, never a crash.
garbage() {
        raw 'NONSENSE\r\n\r\n' >/dev/null # closed, as it is no HTTP
        raw_says "GET / HTTP/1.1\r\nHost: localhost\r\nX: $(head -c 70000 /dev/zero | tr '\0' a)\r\n\r\n" \
                '^HTTP/1.1 431' || return 1
        raw 'GET / HTTP/1.1\r\nHo' 1 >/dev/null # waited for, until the connection's timeout
        raw_says 'GET /%00 HTTP/1.1\r\nHost: localhost\r\n\r\n' '^HTTP/1.1 [24]' || return 1
        raw_says 'GET / HTTP/1.1\r\n\r\n' '^HTTP/1.1 400' || return 1 # no Host
        kill -0 "$web_pid" || { echo "tiptoed-web is gone"; return 1; }
}
check "garbage, a huge header, a cut one, a NUL, no Host: errors, the server lives" garbage
check "  and answers after" answers 200 '"Daemon":true' GET "$here/api/state"

# From the LAN: the token.
if [ "$TIPTOED_WEB_NETNS" = 1 ]; then
        token=$("$ctl" web-token)
        check "tiptoectl web-token: 32 hex digits" sh -c "echo '$token' | grep -Eqx '[0-9a-f]{32}'"
        check "  kept in the state directory, for its user alone" sh -c \
                "[ \"\$(stat -c %a '$STATE_DIRECTORY/web-token')\" = 600 ] && grep -qx '$token' '$STATE_DIRECTORY/web-token'"
        check "  the same when asked again" sh -c "[ \"\$('$ctl' web-token)\" = '$token' ]"
        check "from the LAN without the token: 401, saying how to pair" answers 401 'tiptoectl web-token' \
                GET "$lan/api/state"
        check "  no events either" answers 401 'unpaired' GET "$lan/events"
        check "  nor a button" answers 401 'unpaired' POST "$lan/api/start"
        check "  and nothing started" prop_is State 's "idle"'
        check "  the page itself (its pairing form) is served" answers 200 'Pair this phone' GET "$lan/"
        check "a wrong token: 401" answers 401 'unpaired' GET "$lan/api/state" -H 'Authorization: Bearer 0123456789abcdef0123456789abcdef'
        check "the token as Bearer: 200" answers 200 '"Daemon":true' GET "$lan/api/state" -H "Authorization: Bearer $token"
        paired() {
                http POST "$lan/api/pair" -H "Authorization: Bearer $token" >/dev/null &&
                        grep -qi "^set-cookie: tiptoed-token=$token; Path=/; HttpOnly; SameSite=Strict" "$tmp/headers"
        }
        check "pairing sets the cookie: HttpOnly, SameSite=Strict" paired
        check "the cookie alone lets a button through" answers 200 '{}' POST "$lan/api/start" \
                -H "Cookie: tiptoed-token=$token" -H "Origin: $lan"
        check "  State on D-Bus: running" eventually 10 prop_is State 's "running"'
        check "with the cookie, another site's Origin is still refused" answers 403 'cross-site' \
                POST "$lan/api/stop" -H "Cookie: tiptoed-token=$token" -H 'Origin: http://evil.example'
        check "  the routine plays on" prop_is State 's "running"'
        "$ctl" stop
        new=$("$ctl" web-token new)
        check "tiptoectl web-token new: another token" sh -c "[ -n '$new' ] && [ '$new' != '$token' ]"
        old_refused() { answers 401 'unpaired' GET "$lan/api/state" -H "Cookie: tiptoed-token=$token"; }
        check "  the old one is refused at once" eventually 10 old_refused
        check "  the new one taken" answers 200 '"Daemon":true' GET "$lan/api/state" -H "Cookie: tiptoed-token=$new"
        check "this box's own address still needs none" answers 200 '"Daemon":true' GET "$here/api/state"
else
        skip "the LAN checks" "no network namespace here (unshare -n needs root)"
fi

# Snooze, as the page's button does it: the run the schedule has just started, on a
# pretended clock 2 s before its time (and a history of its own: this one's runs are later).
bus_stop
export TZ=UTC STATE_DIRECTORY="$tmp/scheduled-state"
printf 'routine = "short";\nroutine_dir = "%s/routines";\nschedule = ( { time = "07:00"; } );\n' "$tmp" \
        >"$tmp/scheduled.conf"
bus_start -c "$tmp/scheduled.conf" -o null --clock-start "$(date -u -d '2026-03-15 06:59:58' +%s)"
check "the 07:00 run starts" eventually 10 prop_is State 's "running"'
check "Snooze 10 from HTTP" answers 200 '{}' POST "$here/api/snooze?minutes=10"
check "  the routine stops" eventually 5 prop_is State 's "idle"'
snoozed() { # NextRun ten minutes on (07:10 and the seconds the test took), the page's first run
        next=$(prop NextRun | cut -d' ' -f2)
        [ "$next" -ge "$(date -u -d '2026-03-15 07:10' +%s)000000" ] &&
                [ "$next" -le "$(date -u -d '2026-03-15 07:12:00' +%s)000000" ] || { echo "NextRun $next"; return 1; }
        http GET "$here/api/schedule" | grep -q "{\"runs\":\[{\"at\":$next," ||
                { echo "the page's schedule does not begin at $next:"; cat "$tmp/body"; return 1; }
}
check "  and comes again in ten minutes: NextRun, and first in the page's schedule" snoozed

# The daemon gone and back: the page is told, and a button says why it cannot.
bus_stop
check "the daemon gone: the state says so" eventually 10 state_has '"Daemon":false'
check "  the event too" eventually 10 grep -q '^data: {"Daemon":false' "$tmp/events"
check "  a button: 503, no daemon" answers 503 'ServiceUnknown\|NameHasNoOwner' POST "$here/api/start"
bus_start -c "$tmp/settings.conf" -o null
check "the daemon back: the state says so" eventually 10 state_has '"Daemon":true'
kill "$events"
wait "$events" 2>/dev/null
events=
web_stop
check "SIGTERM: tiptoed-web exits 0" test "$rc" -eq 0
finish
