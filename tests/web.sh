# Helpers for the tests of tiptoed-web: source after bus.sh. web_start ARGS... starts it
# listening on a free port ($port), and waits until it has read the daemon's state.

web="$top_builddir/src/tiptoed-web"
web_pid= port=
web_as= # a command to run it through, such as a function that runs it as another user

web_start() {
        : >"$tmp/web.log"
        $web_as "$web" -v "$@" 2>>"$tmp/web.log" &
        web_pid=$!
        for _ in $(seq 100); do
                port=$(sed -n 's|.*Listening on http://.*:\([0-9]*\)/$|\1|p' "$tmp/web.log" | head -n 1)
                [ -n "$port" ] && return 0
                kill -0 "$web_pid" 2>/dev/null || break
                sleep 0.1
        done
        echo "Bail out! tiptoed-web did not listen; its log:"
        sed 's/^/# /' "$tmp/web.log"
        exit 1
}

web_stop() {
        [ -n "$web_pid" ] || return 0
        kill -TERM "$web_pid" 2>/dev/null
        rc=0
        wait "$web_pid" || rc=$?
        web_pid=
        return "$rc"
}

# http METHOD URL [CURL-ARGS...]: prints the status, then the body; never fails itself.
http() {
        method=$1 url=$2
        shift 2
        curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}\n' -X "$method" "$@" "$url"
        cat "$tmp/body"
}

# answers STATUS PATTERN METHOD URL [CURL-ARGS...]: the status is STATUS and the body matches.
answers() {
        want=$1 pattern=$2
        shift 2
        out=$(http "$@")
        got=$(printf '%s\n' "$out" | head -n 1)
        [ "$got" = "$want" ] || { echo "status $got, expected $want:"; printf '%s\n' "$out"; return 1; }
        [ -z "$pattern" ] || printf '%s\n' "$out" | tail -n +2 | grep -q -- "$pattern" ||
                { echo "body does not match '$pattern':"; printf '%s\n' "$out"; return 1; }
}

# raw BYTES [SECONDS]: sends them (Python's escapes) to the server as they are and prints
# the status line of what comes back within SECONDS (10), if anything does.
raw() {
        python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=float(sys.argv[3]))
# A server that answers before it has read it all (431) and closes may reset the
# connection while this still sends: what it answered is read all the same.
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
except OSError:
    pass
try:
    s.shutdown(socket.SHUT_WR)
except OSError:
    pass
try:
    print(s.makefile("rb").readline().decode("latin-1").strip())
except OSError as e:
    print("closed:", e)
' "$port" "$1" "${2:-10}"
}
