#!/usr/bin/env bats
# The sandbox itself is sane: every other integration test relies on this.

load helpers

@test "systemd is PID 1" {
        [ "$(cat /proc/1/comm)" = systemd ]
        run systemctl is-system-running
        [[ $output == running || $output == degraded ]]
}

@test "the system bus answers" {
        run busctl call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId
        assert_status 0
        run busctl get-property org.freedesktop.systemd1 /org/freedesktop/systemd1 org.freedesktop.systemd1.Manager Version
        assert_status 0
}

@test "journald stores what is logged" {
        local marker="berth-sandbox-marker-$$-$RANDOM"
        logger -t berth-sandbox-test "$marker"
        wait_for 10 sh -c "journalctl -t berth-sandbox-test -q --no-pager | grep -q '$marker'"
}

@test "transient notify units run and report their exit status" {
        run systemd-run --wait --pipe -q -p Type=notify -p NotifyAccess=all -p Delegate=yes \
                -p KillMode=mixed sh -c 'systemd-notify --ready; echo notified'
        assert_status 0
        assert_output_contains notified
        run systemd-run --wait --pipe -q sh -c 'exit 7'
        assert_status 7
}

@test "MemoryMax= is enforced" {
        run systemd-run --wait --pipe -q -p MemoryMax=10M sh -c \
                'cat /sys/fs/cgroup/memory$(sed -n "s/^[0-9]*:memory://p" /proc/self/cgroup)/memory.limit_in_bytes'
        assert_status 0
        [ "$output" = 10485760 ]
}

@test "/var/lib/berth is not overlayfs" {
        [ -d /var/lib/berth ]
        run stat -f -c %T /var/lib/berth
        [ "$output" != overlayfs ]
}

@test "/proc/sys is read-only except the network namespace's own" {
        run sh -c 'echo 1 >/proc/sys/kernel/printk_ratelimit'
        [ "$status" -ne 0 ]
        echo 1 >/proc/sys/net/ipv4/ip_forward
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "berth binaries are installed at their paths" {
        [ -x /usr/bin/berth ]
        [ -x /usr/sbin/berthd ]
        [ -x /usr/libexec/berth/berth-runtime ]
}

@test "systemd knows berthd.service, berth.slice and the bus activation" {
        [ "$(systemctl show -p LoadState --value berthd.service)" = loaded ]
        [ "$(systemctl show -p LoadState --value berth.slice)" = loaded ]
        [ -f /usr/share/dbus-1/system-services/org.berth.berth1.service ]
        [ -f /usr/share/dbus-1/system.d/org.berth.berth1.conf ]
}

@test "the test images are there" {
        berth_require_test_images
}
