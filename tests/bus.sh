# Helpers for the tests that run the daemon on a private bus: source after tap.sh, with
# $tmp set.
# bus_start ARGS... starts tiptoed (on the bus $BUSCTL talks to) and waits for its name.

tiptoed="$top_builddir/src/tiptoed"
ctl="$top_builddir/src/tiptoectl"
: "${BUSCTL:=busctl --user}"
daemon_pid=

# The history goes to $tmp/state/history.jsonl, never into the home or /var/lib of whoever
# runs the tests ($STATE_DIRECTORY is what systemd's StateDirectory= sets); the routine's place goes to
# $tmp/runtime (RuntimeDirectory=).
export STATE_DIRECTORY="$tmp/state" XDG_STATE_HOME="$tmp/xdg-state" RUNTIME_DIRECTORY="$tmp/runtime"

bus_start() {
        "$tiptoed" "$@" 2>>"$tmp/daemon.log" &
        daemon_pid=$!
        for _ in $(seq 100); do
                $BUSCTL status org.tiptoed.Coach1 >/dev/null 2>&1 && return 0
                kill -0 "$daemon_pid" 2>/dev/null || break
                sleep 0.1
        done
        echo "Bail out! the daemon did not take its name; its log:"
        sed 's/^/# /' "$tmp/daemon.log"
        exit 1
}

# bus_stop: SIGTERM; the daemon's exit status.
bus_stop() {
        [ -n "$daemon_pid" ] || return 0
        kill -TERM "$daemon_pid" 2>/dev/null
        rc=0
        wait "$daemon_pid" || rc=$?
        daemon_pid=
        return "$rc"
}

# prop NAME: the property's value as busctl prints it ('s "idle"', 'u 3').
prop() {
        $BUSCTL get-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 "$1"
}

# prop_is NAME VALUE
prop_is() {
        got=$(prop "$1") || return 1
        [ "$got" = "$2" ] || { echo "$1 is $got, expected $2"; return 1; }
}

# eventually SECONDS COMMAND...: the command succeeds within that many seconds.
eventually() {
        limit=$(($1 * 10))
        shift
        i=0
        while ! out=$("$@" 2>&1); do
                i=$((i + 1))
                [ "$i" -lt "$limit" ] || { printf '%s\n' "$out"; return 1; }
                sleep 0.1
        done
}

call() {
        method=$1
        shift
        $BUSCTL call org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 "$method" "$@"
}
