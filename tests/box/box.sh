# The box: a Debian 12 root made with debootstrap, tiptoed's Debian package built from
# this tree, an ext4 image written with mkfs.ext4 -d, booted under qemu with a 9p share.
# Sourced, from the top of the tree, by tests/box/run and bench/box, after tests/tap.sh
# (for bail) or with a bail function of their own.
#
#   box_setup           checks what is needed; $work, a scratch directory removed on exit
#   box_package         builds the package: $deb, $lintian_log
#   box_image GUEST     the cached root, the guest script GUEST as the unit's command: $work/box.img
#   box_boot PHASE      boots it with $share/phase = PHASE; box_wait SECONDS until it powers off
#                       (1 when it is still running then, 0 at once when it writes $share/cut-now)
#   box_cut             kills qemu: the power cut
#
# The box has a USB controller with nothing on it. The guest asks for what a person does with
# a cable by writing a qemu monitor command to $share/ask (device_add usb-audio,id=speaker,
# bus=xhci.0,audiodev=usb1); box_wait types it at the monitor and removes the file. What the
# USB speaker plays lands in $work/usb1.wav, or usb2.wav when it was plugged in with
# audiodev=usb2 (qemu's wav backend starts its file afresh each time it is opened).

box_cache=${TIPTOED_BOX_CACHE:-/var/cache/tiptoed-box}
box_mirror=${TIPTOED_BOX_MIRROR:-http://deb.debian.org/debian}

# What a box has: a kernel, systemd, the system and session buses, ALSA, the libraries the
# package depends on (from Debian, installed as apt would), and what the checks use; and
# PipeWire with WirePlumber and pipewire-alsa, which a desktop user's session runs.
box_packages="systemd-sysv linux-image-amd64 dbus dbus-user-session libpam-systemd udev kmod alsa-utils
              procps jq libportaudio2 libespeak-ng1 espeak-ng-data libconfig9 libasound2 libsoxr0 libjson-c5 libevdev2 libmicrohttpd12 curl iproute2
              pipewire pipewire-bin wireplumber pipewire-alsa"

box_say() { printf '# box: %s\n' "$*"; }

box_setup() {
        [ "$(id -u)" -eq 0 ] || bail "the box needs root (debootstrap, mkfs.ext4 -d of a root-owned tree, qemu)"
        for tool in debootstrap qemu-system-x86_64 mkfs.ext4 dpkg-buildpackage lintian; do
                command -v "$tool" >/dev/null || bail "$tool is missing: ./bootstrap box installs it"
        done
        work=$(mktemp -d /var/tmp/tiptoed-box.XXXXXX)
        share=$work/share
        mkdir "$share"
        qemu_pid= monitor_pid=
        trap box_cleanup EXIT
}

box_cleanup() {
        [ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null
        box_monitor_stop
        [ -n "${TIPTOED_BOX_KEEP:-}" ] && { box_say "kept $work"; return; }
        rm -rf "$work"
}

# The files git knows (and new ones it does not ignore), built as a maintainer would.
box_package() {
        local t0=$SECONDS
        mkdir "$work/src"
        git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
        (cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/dpkg-buildpackage.log" 2>&1) ||
                { tail -n 40 "$work/dpkg-buildpackage.log" | sed 's/^/# /'; bail "dpkg-buildpackage failed"; }
        deb=$(ls "$work"/tiptoed_*.deb)
        box_say "built $(basename "$deb") in $((SECONDS - t0)) s"
        cp "$deb" "$share/tiptoed.deb"
}

box_root() {
        local key t0
        key=$(printf '%s\n' bookworm $box_packages | sha256sum | cut -c1-16)
        root_cache=$box_cache/root-$key
        [ -d "$root_cache" ] && return 0
        box_say "making a Debian 12 root with debootstrap (minutes; cached in $root_cache)"
        mkdir -p "$box_cache"
        rm -rf "$root_cache.new"
        t0=$SECONDS
        # shellcheck disable=SC2086
        debootstrap --variant=minbase --include="$(echo $box_packages | tr ' ' ',')" bookworm \
                "$root_cache.new" "$box_mirror" >"$work/debootstrap.log" 2>&1 ||
                { tail -n 20 "$work/debootstrap.log" | sed 's/^/# /'; bail "debootstrap failed"; }
        mv "$root_cache.new" "$root_cache"
        box_say "debootstrap took $((SECONDS - t0)) s"
}

box_image() {
        local root=$work/root
        box_root
        cp -a "$root_cache" "$root"
        echo box >"$root/etc/hostname"
        # A box with no sound server: ALSA's default is dmix, not pipewire-alsa's, until a
        # check puts pipewire-alsa's back as a desktop has it.
        rm -f "$root/etc/alsa/conf.d/99-pipewire-default.conf"
        printf 'snd-aloop\n9pnet_virtio\n' >"$root/etc/modules-load.d/box.conf"
        cat >"$root/etc/systemd/system/box-test.service" <<'UNIT'
[Unit]
Description=tiptoed's box test (the guest script from the host's share)
After=basic.target dbus.service systemd-logind.service sound.target

[Service]
Type=oneshot
ExecStartPre=/bin/sh -c 'mkdir -p /share && mount -t 9p -o trans=virtio,version=9p2000.L share /share'
ExecStart=/bin/sh /share/guest
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=infinity

[Install]
WantedBy=multi-user.target
UNIT
        ln -s /etc/systemd/system/box-test.service "$root/etc/systemd/system/multi-user.target.wants/box-test.service"
        cp "$(ls "$root"/boot/vmlinuz-* | tail -n 1)" "$work/vmlinuz"
        cp "$(ls "$root"/boot/initrd.img-* | tail -n 1)" "$work/initrd.img"
        mkfs.ext4 -q -L box -d "$root" "$work/box.img" 3G
        rm -rf "$root"
        sync # the image written back now, not while the box plays (a stall the box would hear)
        cp "$1" "$share/guest"
}

# The emulated box is given priority over whatever else this machine runs: a real box has
# its CPU to itself, and an emulated card starved by the host stalls (under stress --cpu 2
# at equal priority, a 60 ms gap the daemon logged cut a word it played).
box_boot() {
        echo "$1" >"$share/phase"
        rm -f "$share/cut-now" "$share/ask"
        rm -f "$work/monitor.in" "$work/monitor.out"
        mkfifo "$work/monitor.in" "$work/monitor.out"
        nice -n -10 qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 1536 -smp 2 \
                -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
                -append "root=/dev/vda rw console=ttyS0 quiet" \
                -drive file="$work/box.img",format=raw,if=virtio \
                -virtfs local,path="$share",mount_tag=share,security_model=passthrough,id=share \
                -nic none -nographic -no-reboot -serial file:"$work/console-$1.log" \
                -chardev pipe,id=monitor,path="$work/monitor" -mon chardev=monitor,mode=readline \
                -device qemu-xhci,id=xhci \
                -audiodev wav,id=usb1,path="$work/usb1.wav",out.channels=1,out.frequency=48000 \
                -audiodev wav,id=usb2,path="$work/usb2.wav",out.channels=1,out.frequency=48000 \
                >/dev/null 2>>"$work/qemu-$1.log" &
        qemu_pid=$!
        # The monitor's answers, kept for whoever looks into a failure (box_cleanup stops it).
        cat "$work/monitor.out" >>"$work/monitor-$1.log" &
        monitor_pid=$!
}

box_ask() {
        [ -e "$share/ask" ] || return 0
        cat "$share/ask" >"$work/monitor.in"
        box_say "the box asked the monitor: $(cat "$share/ask")"
        rm -f "$share/ask"
}

box_wait() {
        local deadline=$((SECONDS + $1))
        while kill -0 "$qemu_pid" 2>/dev/null; do
                [ "$SECONDS" -lt "$deadline" ] || return 1
                [ -e "$share/cut-now" ] && return 0
                box_ask
                sleep 0.2
        done
        wait "$qemu_pid" || true
        qemu_pid=
        box_monitor_stop
}

box_monitor_stop() {
        [ -n "$monitor_pid" ] && kill "$monitor_pid" 2>/dev/null
        monitor_pid=
}

box_cut() {
        kill -KILL "$qemu_pid"
        wait "$qemu_pid" 2>/dev/null || true
        qemu_pid=
        box_monitor_stop
}
