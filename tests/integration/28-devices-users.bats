#!/usr/bin/env bats
# Devices, users and groups, ulimits, sysctls, /dev/shm and --init (issue 5): the standard device nodes
# and the unit's device policy, --device (a host node with its numbers and permissions), --privileged
# (every host device), --user with the image's passwd and group files, --group-add, --ulimit (set by the
# runtime; raising a hard limit past the runtime's own fails clearly), --sysctl (namespaced ones only),
# --shm-size and --init (a reaper as PID 1 that forwards signals and reaps orphans). Also inspect's
# HostConfig for all of them.
#
# /dev/loop-control (char 10:237) is the host device used: it exists on these machines and in the sandbox.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

@test "a default container has the standard nodes; a block device it makes cannot be read" {
        run "$BERTH" run --rm busybox sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done; echo x >/dev/null && echo written'
        assert_status 0
        [[ ${lines[0]} == "/dev/null character special file 1:3" ]]
        [[ ${lines[4]} == "/dev/urandom character special file 1:9" ]]
        [[ ${lines[5]} == "/dev/tty character special file 5:0" ]]
        [[ ${lines[6]} == written ]]
        # CAP_MKNOD is Docker's default, but the unit's device policy refuses the node (or reading it).
        run "$BERTH" run --rm busybox sh -c 'mknod /tmp/sda b 8 0 && head -c1 /tmp/sda'
        [[ $status -ne 0 ]]
        assert_output_contains "Operation not permitted"
        # A made node of the host device used below cannot be opened either: --device is what allows it.
        run "$BERTH" run --rm busybox sh -c 'mknod /tmp/lc c 10 237; exec 3</tmp/lc'
        [[ $status -ne 0 ]]
}

@test "--device gives the host node with its numbers, at its own or another path" {
        [[ -c /dev/loop-control ]]
        run "$BERTH" run --rm --device /dev/loop-control busybox sh -c 'stat -c "%F %t:%T" /dev/loop-control; exec 3<>/dev/loop-control && echo opened'
        assert_status 0
        [[ ${lines[0]} == "character special file a:ed" ]]
        [[ ${lines[1]} == opened ]]
        run "$BERTH" run --rm --device /dev/loop-control:/dev/lc busybox sh -c 'stat -c "%t:%T" /dev/lc; [ ! -e /dev/loop-control ] && exec 3<>/dev/lc && echo opened'
        assert_status 0
        [[ ${lines[0]} == a:ed && ${lines[1]} == opened ]]
        run "$BERTH" run --rm busybox test -e /dev/loop-control
        assert_status 1
}

@test "--device with :r allows reading, not writing" {
        run "$BERTH" run --rm --device /dev/loop-control:r busybox sh -c 'exec 3</dev/loop-control && echo read-ok; exec 4>/dev/loop-control && echo write-ok'
        [[ $status -ne 0 ]]
        [[ ${lines[0]} == read-ok ]]
        [[ $output != *write-ok* ]]
        assert_output_contains "Operation not permitted"
        # The unit's policy: the node's permissions, and m for the runtime that makes it.
        "$BERTH" run -d --name devr --device /dev/loop-control:r busybox sleep 30 >/dev/null
        run systemctl show berth-devr.service -p DevicePolicy -p DeviceAllow
        assert_output_contains "DevicePolicy=closed"
        assert_output_contains "DeviceAllow=/dev/loop-control rm"
}

@test "--device of a missing host node: Docker's error" {
        run "$BERTH" run --rm --device /dev/no-such-device busybox true
        assert_status 125
        assert_output_contains 'error gathering device information while adding custom device "/dev/no-such-device": no such file or directory'
        run "$BERTH" run --rm --device /dev/loop-control:/dev/x:rwx busybox true
        assert_status 125
        assert_output_contains "bad mode specified: rwx"
}

@test "--privileged sees the host's devices and may open them" {
        run "$BERTH" run --rm --privileged busybox sh -c 'stat -c "%t:%T" /dev/loop0 && exec 3<>/dev/loop-control && echo opened'
        assert_status 0
        [[ ${lines[0]} == 7:0 && ${lines[1]} == opened ]]
        run "$BERTH" run --rm busybox test -e /dev/loop0
        assert_status 1
        "$BERTH" run -d --name priv --privileged busybox sleep 30 >/dev/null
        run systemctl show berth-priv.service -p DevicePolicy -p DeviceAllow
        [[ $output == DevicePolicy=auto ]]
}

@test "--user by name gets the image's uid, gid and supplementary groups" {
        run "$BERTH" run --rm --user berthuser busybox sh -c 'id -u; id -g; id -G'
        assert_status 0
        [[ ${lines[0]} == 1000 && ${lines[1]} == 1000 ]]
        [[ " ${lines[2]} " == *" 100 "* ]]
        run "$BERTH" run --rm --user berthuser:users busybox sh -c 'id -u; id -g'
        assert_status 0
        [[ ${lines[0]} == 1000 && ${lines[1]} == 100 ]]
}

@test "--group-add adds groups by name from the image and by id" {
        run "$BERTH" run --rm --group-add users --group-add 4321 busybox id -G
        assert_status 0
        [[ " $output " == *" 100 "* && " $output " == *" 4321 "* ]]
        run "$BERTH" run --rm --user nobody --group-add daemon busybox id -G
        assert_status 0
        [[ " $output " == *" 1 "* ]]
        run "$BERTH" run --rm --group-add nosuchgroup busybox true
        assert_status 125
        assert_output_contains "Unable to find group nosuchgroup: no matching entries in group file"
}

@test "--group-add applies to exec'd processes too" {
        "$BERTH" run -d --name ga --group-add users busybox sleep 30 >/dev/null
        run "$BERTH" exec ga id -G
        assert_status 0
        [[ " $output " == *" 100 "* ]]
}

@test "--ulimit sets soft and hard limits, also for exec" {
        run "$BERTH" run --rm --ulimit nofile=1024:2048 --ulimit core=0 busybox sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
        assert_status 0
        [[ ${lines[0]} == 1024 && ${lines[1]} == 2048 && ${lines[2]} == 0 ]]
        "$BERTH" run -d --name ul --ulimit nofile=512:1024 busybox sleep 30 >/dev/null
        run "$BERTH" exec ul sh -c 'ulimit -n'
        assert_status 0
        [[ $output == 512 ]]
}

@test "--ulimit above the runtime's hard limit fails clearly, and bad values are refused" {
        local hard
        hard=$(ulimit -Hn)
        run "$BERTH" run --rm --ulimit "nofile=$((hard + 10000)):$((hard + 10000))" busybox true
        assert_status 125
        assert_output_contains "--ulimit nofile=$((hard + 10000)):$((hard + 10000)): cannot raise the hard limit above"
        assert_output_contains "(missing CAP_SYS_RESOURCE)"
        run "$BERTH" run --rm --ulimit nofiles=1 busybox true
        assert_status 125
        assert_output_contains "invalid ulimit type: nofiles"
        run "$BERTH" run --rm --ulimit nofile=3:2 busybox true
        assert_status 125
        assert_output_contains "ulimit soft limit must be less than or equal to hard limit"
}

@test "--sysctl sets namespaced sysctls and refuses the others" {
        run "$BERTH" run --rm --sysctl net.core.somaxconn=1234 --sysctl kernel.shmmni=1000 busybox sh -c 'cat /proc/sys/net/core/somaxconn /proc/sys/kernel/shmmni'
        assert_status 0
        [[ ${lines[0]} == 1234 && ${lines[1]} == 1000 ]]
        # /proc/sys is still read-only afterwards.
        run "$BERTH" run --rm --sysctl net.ipv4.ip_forward=1 busybox sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
        [[ $status -ne 0 ]]
        run "$BERTH" run --rm --sysctl kernel.panic=1 busybox true
        assert_status 125
        assert_output_contains "sysctl 'kernel.panic=1' is not whitelisted"
        # The host's network namespace is not the container's to change.
        local before
        before=$(cat /proc/sys/net/core/somaxconn)
        run "$BERTH" run --rm --network host --sysctl "net.core.somaxconn=$((before + 1))" busybox true
        assert_status 125
        assert_output_contains 'sysctl "net.core.somaxconn" is not allowed in the host network namespace'
        [[ $(cat /proc/sys/net/core/somaxconn) == "$before" ]]
}

@test "--shm-size sizes /dev/shm (64m by default)" {
        run "$BERTH" run --rm busybox df -k /dev/shm
        assert_status 0
        [[ $(awk 'NR == 2 {print $2}' <<<"$output") == 65536 ]]
        run "$BERTH" run --rm --shm-size 16m busybox df -k /dev/shm
        assert_status 0
        [[ $(awk 'NR == 2 {print $2}' <<<"$output") == 16384 ]]
        run "$BERTH" run --rm --shm-size 16x busybox true
        assert_status 125
        assert_output_contains "invalid size: '16x'"
}

@test "--init: PID 1 is a reaper that passes the exit status through" {
        run "$BERTH" run --rm --init busybox sh -c 'cat /proc/1/comm; tr -d "\0" </proc/1/cmdline; echo; echo $$; exit 3'
        assert_status 3
        [[ ${lines[0]} == berth-init ]]
        # Not the runtime's command line, which names the bundle on the host.
        [[ ${lines[1]} == berth-init ]]
        [[ ${lines[2]} != 1 ]]
        run -127 "$BERTH" run --rm --init busybox nosuchcommand
        assert_status 127
        assert_output_contains 'exec: "nosuchcommand": executable file not found in $PATH'
}

# orphan_zombies NAME: makes an orphan that exits at once, then counts the zombies in the container.
orphan_zombies() {
        "$BERTH" exec "$1" sh -c 'sleep 0.2 & exit 0' >/dev/null
        sleep 1
        "$BERTH" exec "$1" ps -o stat | grep -c '^Z' || true
}

@test "--init reaps orphaned zombies; without it they stay" {
        "$BERTH" run -d --name noinit busybox sleep 60 >/dev/null
        [[ $(orphan_zombies noinit) -ge 1 ]]
        "$BERTH" run -d --name withinit --init busybox sleep 60 >/dev/null
        [[ $(orphan_zombies withinit) -eq 0 ]]
}

@test "--init forwards the stop signal: stop is quick" {
        "$BERTH" run -d --name quick --init busybox sleep 60 >/dev/null
        SECONDS=0
        run "$BERTH" stop -t 8 quick
        assert_status 0
        ((SECONDS < 5))
        run "$BERTH" inspect -f '{{.State.ExitCode}}' quick
        [[ $output == 143 ]]
}

@test "inspect shows Devices, GroupAdd, Ulimits, Sysctls, ShmSize and Init as Docker" {
        "$BERTH" create --name hc --device /dev/loop-control:/dev/lc:rw --group-add users --ulimit nofile=100:200 \
                --sysctl net.core.somaxconn=100 --shm-size 1g --init busybox true >/dev/null
        run "$BERTH" inspect hc
        assert_status 0
        local host
        host=$(jq -c '.[0].HostConfig' <<<"$output")
        [[ $(jq -c .Devices <<<"$host") == '[{"PathOnHost":"/dev/loop-control","PathInContainer":"/dev/lc","CgroupPermissions":"rw"}]' ]]
        [[ $(jq -c .GroupAdd <<<"$host") == '["users"]' ]]
        [[ $(jq -c .Ulimits <<<"$host") == '[{"Name":"nofile","Hard":200,"Soft":100}]' ]]
        [[ $(jq -c .Sysctls <<<"$host") == '{"net.core.somaxconn":"100"}' ]]
        [[ $(jq .ShmSize <<<"$host") == 1073741824 ]]
        [[ $(jq .Init <<<"$host") == true ]]
        "$BERTH" create --name plain busybox true >/dev/null
        run "$BERTH" inspect plain
        host=$(jq -c '.[0].HostConfig' <<<"$output")
        [[ $(jq -c '[.Devices, .GroupAdd, .Ulimits, .ShmSize, has("Init"), has("Sysctls")]' <<<"$host") == '[[],null,null,67108864,false,false]' ]]
}
