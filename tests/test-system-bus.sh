#!/bin/sh
# The shipped system bus policy (dbus/org.tiptoed.Coach1.conf) on a private system bus:
# a dbus-daemon with the system bus's default policy and ours, tiptoed --system on it.
# Root may control it, and so may a member of the group the policy names; a user outside it
# may read State but not Start. The policy's group is tiptoed; this machine may have no such
# group, so the test reads it as "audio", which Debian always has.
. "$top_srcdir/tests/tap.sh"
tmp=$(mktemp -d)
chmod 755 "$tmp"
BUSCTL="busctl --system"
. "$top_srcdir/tests/bus.sh"
bus_pid=
trap 'web_stop 2>/dev/null; bus_stop; [ -n "$bus_pid" ] && kill "$bus_pid"; rm -rf "$tmp"' EXIT

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
  <include>$tmp/org.tiptoed.Coach1.conf</include>
</busconfig>
CONF
member_group=audio
sed "s/group=\"tiptoed\"/group=\"$member_group\"/" "$top_srcdir/dbus/org.tiptoed.Coach1.conf" >"$tmp/org.tiptoed.Coach1.conf"
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

# as_member COMMAND...: as user nobody, but in the policy's group: someone the box's owner let in.
as_member() {
        setpriv --reuid=nobody --regid=nogroup --groups="$member_group" -- \
                env DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SYSTEM_BUS_ADDRESS" HOME="$tmp/nobody" "$@"
}
check "a member of the group may pause it (sd-bus lets more than root through)" \
        expect_exit 0 "" as_member "$ctl" --system pause
check "it is paused" eventually 5 prop_is State 's "paused"'
check "and resume it" expect_exit 0 "" as_member "$ctl" --system resume
check "it plays again" eventually 5 prop_is State 's "running"'
check "and set Volume" expect_exit 0 "" as_member "$ctl" --system volume 0.5
check "Volume is 0.5" prop_is Volume 'd 0.5'
check "and use the media keys" expect_exit 0 "" as_member \
        busctl --system call org.mpris.MediaPlayer2.tiptoed /org/mpris/MediaPlayer2 org.mpris.MediaPlayer2.Player Pause
check "paused by the media key" eventually 5 prop_is State 's "paused"'
check "and stop it" expect_exit 0 "" as_member "$ctl" --system stop
check "stopped" eventually 2 prop_is State 's "idle"'
check "a member may start it" expect_exit 0 "" as_member "$ctl" --system start
check "it plays for the member" eventually 5 prop_is State 's "running"'
check "root stops it" "$ctl" --system stop
check "now idle" eventually 2 prop_is State 's "idle"'
check "someone outside group tiptoed is refused Start" \
        expect_exit 1 "org.freedesktop.DBus.Error.AccessDenied" as_nobody "$ctl" --system start
check "and nothing started" prop_is State 's "idle"'
check "nobody else may take the daemon's name" \
        expect_exit 69 "Failed to take the name org.tiptoed.Coach1\|Another tiptoed" as_nobody "$tiptoed" --system -c "$tmp/settings.conf" -o null

# tiptoed-web can do what its user may, and no more: as nobody in no group it shows the
# state but its buttons are refused, and it is not given the pairing token; as a member
# of the group its buttons work.
. "$top_srcdir/tests/web.sh"
# Run in the background as web_start does: exec, so that the pid it keeps is tiptoed-web's.
exec_as_nobody() { exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }
exec_as_member() { exec setpriv --reuid=nobody --regid=nogroup --groups="$member_group" -- "$@"; }
web_as=exec_as_nobody
web_start --system --listen 127.0.0.1:0
here="http://127.0.0.1:$port"
check "tiptoed-web as nobody: the state" eventually 10 answers 200 '"State":"idle"' GET "$here/api/state"
check "  but Start: 403 AccessDenied" answers 403 'org.freedesktop.DBus.Error.AccessDenied' POST "$here/api/start"
check "  and nothing started" prop_is State 's "idle"'
check "  nor given the pairing token" eventually 10 grep -q 'did not give the web token' "$tmp/web.log"
check "  as tiptoectl web-token as nobody is refused" expect_exit 1 "AccessDenied" as_nobody "$ctl" --system web-token
web_stop
web_as=exec_as_member
web_start --system --listen 127.0.0.1:0
here="http://127.0.0.1:$port"
check "tiptoed-web as a member of the group: Start" eventually 10 answers 200 '{}' POST "$here/api/start"
check "  it plays" eventually 5 prop_is State 's "running"'
check "  and Stop" answers 200 '{}' POST "$here/api/stop"
check "  stopped" eventually 5 prop_is State 's "idle"'
web_stop

bus_stop
check "SIGTERM: exit 0" test "$rc" -eq 0
finish
