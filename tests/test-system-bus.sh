#!/bin/sh
# The shipped system bus policy (dbus/org.tiptoed.Coach1.conf) on a private system bus:
# a dbus-daemon with the system bus's default policy and ours, tiptoed --system on it.
# Root may control it; a user outside group tiptoed may read State but not Start.
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
chmod 755 "$tmp"
BUSCTL="busctl --system"
. "$top_srcdir/tests/bus.sh"
bus_pid=
trap 'bus_stop; [ -n "$bus_pid" ] && kill "$bus_pid"; rm -rf "$tmp"' EXIT

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
        skip "the system bus policy" "needs root and setpriv to act as another user"
        finish
        exit 0
fi

# What Debian's /usr/share/dbus-1/system.conf says by default, on a socket of our own.
cat >"$tmp/system.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$tmp/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Properties"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus" send_member="UpdateActivationEnvironment"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Debug.Stats"/>
    <deny send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.systemd1.Activator"/>
  </policy>
  <include>$top_srcdir/dbus/org.tiptoed.Coach1.conf</include>
</busconfig>
CONF
dbus-daemon --config-file="$tmp/system.conf" --nofork --nopidfile 2>"$tmp/dbus.log" &
bus_pid=$!
export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/system_bus_socket"
for _ in $(seq 50); do [ -S "$tmp/system_bus_socket" ] && break; sleep 0.1; done

cat >"$tmp/settings.conf" <<CONF
routine = "short";
routine_dir = "$top_srcdir/tests/data";
CONF
bus_start --system -c "$tmp/settings.conf" -o null

# as_nobody COMMAND...: as user nobody, in no group at all, with a state directory of its own.
mkdir -m 1777 "$tmp/nobody"
as_nobody() {
        setpriv --reuid=nobody --regid=nogroup --clear-groups -- env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" \
                STATE_DIRECTORY="$tmp/nobody/state" HOME="$tmp/nobody" "$@"
}

check "root may start it" "$ctl" --system start
check "it plays" eventually 2 prop_is State 's "running"'
nobody_reads_state() {
        got=$(as_nobody busctl --system get-property org.tiptoed.Coach1 /org/tiptoed/Coach1 org.tiptoed.Coach1 State) &&
                [ "$got" = 's "running"' ] || { echo "State: $got"; return 1; }
}
check "someone outside group tiptoed may read State" nobody_reads_state
check "and tiptoectl status" expect_exit 0 "^State: running" as_nobody "$ctl" --system status
check "but is refused Pause: AccessDenied, exit 1" \
        expect_exit 1 "org.freedesktop.DBus.Error.AccessDenied" as_nobody "$ctl" --system pause
check "and Stop" expect_exit 1 "AccessDenied" as_nobody "$ctl" --system stop
check "and setting Volume" expect_exit 1 "AccessDenied" as_nobody "$ctl" --system volume 0.1
check "and the media keys" expect_exit 1 "Access denied" as_nobody \
        busctl --system call org.mpris.MediaPlayer2.tiptoed /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Player PlayPause
check "the routine played on regardless" prop_is State 's "running"'
check "root stops it" "$ctl" --system stop
check "now idle" eventually 2 prop_is State 's "idle"'
check "someone outside group tiptoed is refused Start" \
        expect_exit 1 "org.freedesktop.DBus.Error.AccessDenied" as_nobody "$ctl" --system start
check "and nothing started" prop_is State 's "idle"'
check "nobody else may take the daemon's name" \
        expect_exit 69 "Failed to take the name org.tiptoed.Coach1\|Another tiptoed" as_nobody "$tiptoed" --system -c "$tmp/settings.conf" -o null
bus_stop
check "SIGTERM: exit 0" test "$rc" -eq 0
finish
