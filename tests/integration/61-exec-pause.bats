#!/usr/bin/env bats
# pause/unpause and "berth exec": exec'd processes live in the container's freezer cgroup (v1 on this
# hybrid layout), so pause freezes them with the container; exec into a paused container is refused
# as Docker does. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

init_pid() {
        "$BERTH" inspect -f '{{.State.Pid}}' "$1"
}

# The counter an exec'd loop writes into the container's /tmp/t ($1: the init's host pid).
counter() {
        cat "/proc/$1/root/tmp/t"
}

# host_pid INIT_PID NS_PID: the host pid of the process that is NS_PID in the init's pid namespace.
host_pid() {
        local ns p
        ns=$(readlink "/proc/$1/ns/pid")
        for p in /proc/[0-9]*; do
                [[ $(readlink "$p/ns/pid" 2>/dev/null) == "$ns" ]] || continue
                if [[ $(awk '/^NSpid:/ { print $NF }' "$p/status" 2>/dev/null) == "$2" ]]; then
                        echo "${p#/proc/}"
                        return 0
                fi
        done
        return 1
}

start_exec_loop() {
        "$BERTH" run -d --name "$1" busybox sleep 1000
        # shellcheck disable=SC2016 # expanded by the container's shell
        run "$BERTH" exec -d "$1" sh -c 'echo $$ >/tmp/pid; i=0; while :; do i=$((i+1)); echo $i >/tmp/t; sleep 0.1; done'
        assert_status 0
        wait_for 5 test -s "/proc/$(init_pid "$1")/root/tmp/t"
}

@test "pause freezes a process started by exec -d, unpause thaws it" {
        local init a b
        start_exec_loop xp
        init=$(init_pid xp)
        run "$BERTH" pause xp
        assert_status 0
        a=$(counter "$init")
        sleep 0.6
        b=$(counter "$init")
        [[ $a == "$b" ]]
        run "$BERTH" unpause xp
        assert_status 0
        sleep 0.6
        b=$(counter "$init")
        [[ $a != "$b" ]]
}

@test "an exec'd process stays in the unit's cgroup, the container's freezer cgroup and pid namespace" {
        local init pid main
        start_exec_loop xc
        init=$(init_pid xc)
        wait_for 5 test -s "/proc/$init/root/tmp/pid"
        pid=$(host_pid "$init" "$(cat "/proc/$init/root/tmp/pid")")
        [[ -n $pid && $pid != "$init" ]]
        [[ $(readlink "/proc/$pid/ns/pid") == "$(readlink "/proc/$init/ns/pid")" ]]
        [[ $(readlink "/proc/$pid/ns/pid") != "$(readlink /proc/self/ns/pid)" ]]
        run grep -E '^[0-9]+:name=systemd:' "/proc/$pid/cgroup"
        [[ $output == *":name=systemd:/berth.slice/berth-xc.service" ]]
        run grep -E '^[0-9]+:freezer:' "/proc/$pid/cgroup"
        [[ $output == *":freezer:/berth.slice/berth-xc.service" ]]
        grep -qx "$pid" /sys/fs/cgroup/freezer/berth.slice/berth-xc.service/cgroup.procs
        # The monitor itself stays out, so it keeps relaying while the container is paused.
        main=$(systemctl show -P MainPID berth-xc.service)
        [[ $main != 0 ]]
        run grep -qx "$main" /sys/fs/cgroup/freezer/berth.slice/berth-xc.service/cgroup.procs
        assert_status 1
        # stop-post (in the unit's .control subgroup) removes the container's freezer cgroup.
        "$BERTH" stop -t 1 xc >/dev/null
        [[ ! -d /sys/fs/cgroup/freezer/berth.slice/berth-xc.service ]]
}

@test "exec into a paused container: Docker's error, exit 1; after unpause it works" {
        "$BERTH" run -d --name xpe busybox sleep 1000
        "$BERTH" pause xpe
        run "$BERTH" exec xpe true
        assert_status 1
        assert_output_contains "is paused, unpause the container before exec"
        run "$BERTH" exec -d xpe sleep 5
        assert_status 1
        assert_output_contains "is paused, unpause the container before exec"
        "$BERTH" unpause xpe
        run "$BERTH" exec xpe echo ok
        assert_status 0
        [[ $output == ok ]]
}

@test "a paused container with an exec'd process stops, and the process goes with it" {
        local init pid
        start_exec_loop xs
        init=$(init_pid xs)
        wait_for 5 test -s "/proc/$init/root/tmp/pid"
        pid=$(host_pid "$init" "$(cat "/proc/$init/root/tmp/pid")")
        "$BERTH" pause xs
        run "$BERTH" stop -t 1 xs
        assert_status 0
        [[ $("$BERTH" inspect -f '{{.State.Status}}' xs) == exited ]]
        [[ ! -e /proc/$pid ]]
        [[ ! -d /sys/fs/cgroup/freezer/berth.slice/berth-xs.service ]]
}
