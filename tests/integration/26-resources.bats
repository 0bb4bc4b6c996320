#!/usr/bin/env bats
# Resource limits (issue 5): --memory, --memory-swap, --memory-reservation, --cpus, --cpu-shares,
# --cpu-quota/--cpu-period, --cpuset-cpus, --pids-limit and --blkio-weight become properties of the
# container's unit, which systemd writes into the cgroup files (here the v1 controllers of a hybrid
# layout); `berth update` changes them on a running unit; an OOM kill shows as State.OOMKilled and 137.
# The limits are checked where they take effect (the unit's cgroup, seen from the sandbox's side), from
# inside (the container's own cgroups, read-only at its /sys/fs/cgroup) and by what they do to processes in
# the container.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

# cgroup_file NAME CONTROLLER FILE: the contents of FILE in the unit's cgroup of CONTROLLER.
cgroup_file() {
        local cg
        cg=$(systemctl show "berth-$1.service" -p ControlGroup --value)
        [[ -n $cg ]] || return 1
        cat "/sys/fs/cgroup/$2$cg/$3"
}

# unit_property NAME PROPERTY
unit_property() {
        systemctl show "berth-$1.service" -p "$2" --value
}

# Pure cgroup v2, where systemd applies MemorySwapMax=, MemoryLow= and AllowedCPUs= too; elsewhere
# berth-runtime writes memory.memsw.limit_in_bytes, memory.soft_limit_in_bytes and a v1 cpuset.
cgroup_v2() {
        [[ $(stat -fc %T /sys/fs/cgroup) == cgroup2fs ]]
}

# run_limited NAME FLAGS... : a detached busybox sleeping, with the flags.
run_limited() {
        local name=$1
        shift
        "$BERTH" run -d --network none --name "$name" "$@" busybox sleep 1000 >/dev/null
}

@test "the limits become unit properties and v1 cgroup files" {
        run "$BERTH" run -d --network none --name lim -m 64m --memory-reservation 32m --cpus 0.5 -c 512 \
                --pids-limit 20 --blkio-weight 300 --cpuset-cpus 0 busybox sleep 1000
        assert_status 0

        [[ $(unit_property lim MemoryMax) == 67108864 ]]
        [[ $(unit_property lim CPUQuotaPerSecUSec) == 500ms ]]
        [[ $(unit_property lim TasksMax) == 21 ]] # the container's 20 and the monitor
        if cgroup_v2; then
                [[ $(unit_property lim MemorySwapMax) == 67108864 ]] # Docker's MemorySwap is memory + swap
                [[ $(unit_property lim MemoryLow) == 33554432 ]]
                [[ $(unit_property lim AllowedCPUs) == 0 ]]
                [[ $(unit_property lim CPUWeight) == 20 ]]
                [[ $(unit_property lim IOWeight) == 2929 ]]
                return
        fi
        [[ $(unit_property lim CPUShares) == 512 ]]
        [[ $(unit_property lim BlockIOWeight) == 300 ]]
        # Nothing was dropped: what systemd does not apply here, berth-runtime does.
        [[ $output != *WARNING* ]]

        [[ $(cgroup_file lim memory memory.limit_in_bytes) == 67108864 ]]
        [[ $(cgroup_file lim cpu cpu.cfs_quota_us) == 50000 ]]
        [[ $(cgroup_file lim cpu cpu.cfs_period_us) == 100000 ]]
        [[ $(cgroup_file lim cpu cpu.shares) == 512 ]]
        [[ $(cgroup_file lim pids pids.max) == 21 ]]
}

@test "the container reads its own limits at /sys/fs/cgroup" {
        run --separate-stderr "$BERTH" run --rm --network none -m 64m --pids-limit 20 --cpus 0.5 busybox sh -c \
                'cd /sys/fs/cgroup; if [ -e memory.max ]; then cat memory.max pids.max cpu.max
                else cat memory/memory.limit_in_bytes pids/pids.max cpu/cpu.cfs_quota_us; fi'
        assert_status 0
        # pids.max is TasksMax=, one above --pids-limit (the monitor, see README "Resource limits").
        if cgroup_v2; then
                [[ $output == $'67108864\n21\n50000 100000' ]]
        else
                [[ $output == $'67108864\n21\n50000' ]]
        fi
}

@test "/sys/fs/cgroup shows the container's own cgroups, read-only, also --privileged" {
        local flags
        for flags in "" --privileged; do
                # shellcheck disable=SC2086 # no flag at all for the default container
                run --separate-stderr "$BERTH" run --rm --network none $flags busybox sh -c \
                        'cd /sys/fs/cgroup; ls; for f in */cgroup.procs cgroup.procs; do [ -e "$f" ] && cat "$f"; done
                        echo 1 >pids/pids.max || echo 1 >cgroup.max.depth || echo refused; mkdir x || echo refused'
                assert_status 0
                if ! cgroup_v2; then
                        for dir in cpu cpuacct cpuset freezer memory pids systemd unified; do
                                grep -qx "$dir" <<<"$output"
                        done
                fi
                # The container's init is process 1 of the root of each hierarchy: the cgroup namespace's root.
                [[ $(grep -cx 1 <<<"$output") -ge 2 ]]
                [[ $(grep -cx refused <<<"$output") == 2 ]]
                [[ $stderr == *"Read-only file system"* ]]
        done
}

@test "--cpu-quota and --cpu-period set the CFS quota" {
        run_limited quota --cpu-quota 25000 --cpu-period 50000

        [[ $(cgroup_file quota cpu cpu.cfs_period_us) == 50000 ]]
        [[ $(cgroup_file quota cpu cpu.cfs_quota_us) == 25000 ]]
}

@test "without limits the unit has none of them" {
        run_limited free

        [[ $(unit_property free MemoryMax) == infinity ]]
        [[ $(unit_property free CPUQuotaPerSecUSec) == infinity ]]
        [[ $(cgroup_file free memory memory.limit_in_bytes) == 9223372036854771712 ]]
        run "$BERTH" inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{json .HostConfig.PidsLimit}} {{.State.OOMKilled}}' free
        assert_status 0
        [[ $output == "0 0 0 null false" ]]
}

@test "inspect shows the limits as Docker's HostConfig" {
        local reservation=536870912 cpuset=0 swap=209715200
        "$BERTH" create --name shown -m 1g --memory-swap -1 --memory-reservation 512m --cpus 1.5 --cpu-shares 256 \
                --cpuset-cpus 0 --pids-limit 100 --blkio-weight 700 busybox true >/dev/null 2>&1

        run "$BERTH" inspect -f '{{json .HostConfig}}' shown
        assert_status 0
        python3 - "$output" "$reservation" "$cpuset" <<'EOF'
import json, sys
h = json.loads(sys.argv[1])
want = {"Memory": 1073741824, "MemorySwap": -1, "MemoryReservation": int(sys.argv[2]), "NanoCpus": 1500000000,
        "CpuShares": 256, "CpuQuota": 0, "CpuPeriod": 0, "CpusetCpus": sys.argv[3], "PidsLimit": 100,
        "BlkioWeight": 700}
bad = {k: (h.get(k), v) for k, v in want.items() if h.get(k) != v}
sys.exit(f"HostConfig differs (got, want): {bad}" if bad else 0)
EOF
        # Docker's default: a memory limit gets as much swap again, where swap can be limited.
        "$BERTH" create --name swap2 -m 100m busybox true >/dev/null 2>&1
        run "$BERTH" inspect -f '{{.HostConfig.MemorySwap}}' swap2
        [[ $output == "$swap" ]]
}

# cpus_allowed NAME PATH: the CPUs the process of /proc/PATH/status in the container may run on.
cpus_allowed() {
        "$BERTH" exec "$1" sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$2/status"
}

@test "swap, reservation and cpuset apply on every layout, and update changes them live" {
        run "$BERTH" run -d --network none --name sets -m 64m --memory-swap 128m --memory-reservation 32m \
                --cpuset-cpus 0 busybox sleep 1000
        assert_status 0
        [[ $output != *WARNING* ]]
        local cg
        cg=$(systemctl show berth-sets.service -p ControlGroup --value)

        # The container's init and an exec'd process (itself) run on CPU 0 only.
        [[ $(cpus_allowed sets 1) == 0 ]]
        [[ $(cpus_allowed sets self) == 0 ]]
        if ! cgroup_v2; then
                [[ $(cgroup_file sets memory memory.memsw.limit_in_bytes) == 134217728 ]]
                [[ $(cgroup_file sets memory memory.soft_limit_in_bytes) == 33554432 ]]
                [[ $(cgroup_file sets cpuset cpuset.cpus) == 0 ]]
                grep -qx "$("$BERTH" inspect -f '{{.State.Pid}}' sets)" "/sys/fs/cgroup/cpuset$cg/cgroup.procs"
        fi

        run --separate-stderr "$BERTH" update --cpuset-cpus 1 --memory-swap 256m sets
        assert_status 0
        [[ -z $stderr ]]
        [[ $(cpus_allowed sets 1) == 1 ]]
        [[ $(cpus_allowed sets self) == 1 ]]
        if ! cgroup_v2; then
                [[ $(cgroup_file sets memory memory.memsw.limit_in_bytes) == 268435456 ]]
                [[ $(cgroup_file sets cpuset cpuset.cpus) == 1 ]]
        fi
        run "$BERTH" inspect -f '{{.HostConfig.MemorySwap}} {{.HostConfig.MemoryReservation}} {{.HostConfig.CpusetCpus}}' sets
        [[ $output == "268435456 33554432 1" ]]

        # A cpuset set by update on a container started without one; stop removes the cpuset cgroup.
        run_limited later-set
        "$BERTH" update --cpuset-cpus 1 later-set >/dev/null
        [[ $(cpus_allowed later-set 1) == 1 ]]
        "$BERTH" stop -t 1 sets later-set >/dev/null
        [[ ! -e /sys/fs/cgroup/cpuset$cg ]]
        [[ ! -e /sys/fs/cgroup/cpuset/berth.slice/berth-later-set.service ]]
}

@test "a cpuset the kernel refuses fails the start: 125, a clear message, no cpuset left" {
        "$BERTH" create --network none --name badcpus --cpuset-cpus 0 busybox sleep 1000 >/dev/null
        local bundle
        bundle=/var/lib/berth/containers/$("$BERTH" inspect -f '{{.Id}}' badcpus)
        # Past berthd's check: a CPU this machine does not have.
        jq '.linux.resources.cpu.cpus = "99"' "$bundle/config.json" >"$bundle/config.new"
        mv "$bundle/config.new" "$bundle/config.json"

        run "$BERTH" start badcpus
        [[ $status -ne 0 ]]
        wait_for 10 bash -c "[[ \$('$BERTH' inspect -f '{{.State.ExitCode}}' badcpus) == 125 ]]"
        run "$BERTH" logs badcpus
        assert_output_contains 'Cannot set cpuset cpus "99"'
        [[ ! -e /sys/fs/cgroup/cpuset/berth.slice/berth-badcpus.service ]]
}

@test "a fork bomb stops at --pids-limit" {
        # An inner shell forks sleeps until the kernel refuses (EAGAIN) and gives up; the container's init
        # then becomes a sleep without forking. Bounded, so that it ends without the limit too.
        "$BERTH" run -d --network none --name bomb --pids-limit 8 busybox \
                sh -c 'sh -c "i=0; while [ \$i -lt 40 ]; do sleep 1000 & i=\$((i+1)); done"; exec sleep 1000' >/dev/null

        wait_for 10 bash -c "'$BERTH' logs bomb 2>&1 | grep -q \"can't fork\""
        wait_for 10 bash -c "[[ \$('$BERTH' top bomb | grep -c 'sleep 1000') == 7 ]]"
        # The kernel counted the refused forks.
        [[ $(cgroup_file bomb pids pids.events) =~ ^max\ [1-9] ]]
        [[ $(cgroup_file bomb pids pids.current) -le 9 ]]
}

@test "an allocation past --memory is OOM-killed: OOMKilled, exit 137" {
        # tail keeps the current line, and /dev/zero has no end of line.
        run "$BERTH" run --network none --name oom -m 16m busybox tail /dev/zero
        assert_status 137

        run "$BERTH" inspect -f '{{.State.OOMKilled}} {{.State.ExitCode}}' oom
        [[ $output == "true 137" ]]
        run "$BERTH" wait oom
        [[ $output == 137 ]]
        run "$BERTH" ps -a --format '{{.Names}} {{.Status}}'
        assert_output_contains "oom Exited (137)"

        # The same limit, kept: no OOM kill.
        run "$BERTH" run --network none --name fits -m 16m busybox sh -c 'head -c 4m /dev/zero | tail >/dev/null'
        assert_status 0
        run "$BERTH" inspect -f '{{.State.OOMKilled}}' fits
        [[ $output == false ]]
}

@test "berth update changes a running container's limits" {
        run_limited upd -m 64m --pids-limit 20
        # 80 MB do not fit under 64 MB.
        run "$BERTH" exec upd sh -c 'head -c 80m /dev/zero | tail >/dev/null'
        assert_status 137

        run --separate-stderr "$BERTH" update -m 200m --memory-swap 400m --pids-limit 30 --cpus 1 upd
        assert_status 0
        [[ $output == upd ]]
        local swap=419430400
        [[ -z $stderr ]]
        cgroup_v2 || [[ $(cgroup_file upd memory memory.memsw.limit_in_bytes) == "$swap" ]]

        [[ $(unit_property upd MemoryMax) == 209715200 ]]
        [[ $(cgroup_file upd memory memory.limit_in_bytes) == 209715200 ]]
        [[ $(cgroup_file upd pids pids.max) == 31 ]]
        [[ $(cgroup_file upd cpu cpu.cfs_quota_us) == 100000 ]]
        run "$BERTH" inspect -f '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}' upd
        [[ $output == "209715200 $swap 30 1000000000" ]]

        run "$BERTH" exec upd sh -c 'head -c 80m /dev/zero | tail >/dev/null'
        assert_status 0

        # Lifted again.
        run "$BERTH" update --pids-limit -1 upd
        assert_status 0
        [[ $(cgroup_file upd pids pids.max) == max ]]
}

@test "berth update of a stopped container applies at its next start, --restart too" {
        "$BERTH" create --network none --name later busybox sleep 1000 >/dev/null
        run "$BERTH" update -m 48m --cpuset-cpus 1 --restart always later
        assert_status 0
        "$BERTH" start later >/dev/null
        [[ $(cpus_allowed later 1) == 1 ]]

        [[ $(unit_property later MemoryMax) == 50331648 ]]
        [[ $(unit_property later Restart) == always ]]
        run "$BERTH" inspect -f '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}}' later
        [[ $output == "always 50331648" ]]
}

@test "bad limits are refused with Docker's words" {
        run "$BERTH" run --network none -m 1k busybox true
        assert_status 125
        assert_output_contains "Minimum memory limit allowed is 6MB"
        run "$BERTH" run --network none -m 20m --memory-swap 10m busybox true
        assert_status 125
        assert_output_contains "Minimum memoryswap limit should be larger than memory limit"
        run "$BERTH" run --network none --memory-swap 10m busybox true
        assert_output_contains "You should always set the Memory limit when using Memoryswap limit"
        run "$BERTH" run --network none -m 10m --memory-reservation 20m busybox true
        assert_output_contains "Minimum memory limit can not be less than memory reservation limit"
        run "$BERTH" run --network none --cpus 1000 busybox true
        assert_status 125
        assert_output_contains "Range of CPUs is from 0.01 to"
        run "$BERTH" run --network none --cpus 1 --cpu-quota 5000 busybox true
        assert_output_contains "Conflicting options: Nano CPUs and CPU Quota cannot both be set"
        run "$BERTH" run --network none --cpu-period 10 busybox true
        assert_output_contains "CPU cfs period can not be less than 1ms"
        run "$BERTH" run --network none --blkio-weight 5 busybox true
        assert_output_contains "Range of blkio weight is from 10 to 1000"
        run "$BERTH" run --network none --cpuset-cpus 999 busybox true
        assert_output_contains "Requested CPUs are not available - requested 999"
        run "$BERTH" run --network none --cpuset-cpus 1-0 busybox true
        assert_output_contains "Invalid value 1-0 for cpuset cpus"
        # The CLI's own parsers.
        run "$BERTH" run --network none -m 12x busybox true
        assert_status 125
        assert_output_contains "invalid argument \"12x\" for \"-m, --memory\" flag"
        run "$BERTH" run --network none --cpus abc busybox true
        assert_output_contains "failed to parse abc as a rational number"
        # Nothing was created.
        run "$BERTH" ps -aq
        [[ -z $output ]]

        run_limited keep -m 64m
        run "$BERTH" update -m 1m keep
        assert_status 1
        assert_output_contains "Minimum memory limit allowed is 6MB"
        [[ $(unit_property keep MemoryMax) == 67108864 ]]
        # The swap limit of -m 64m (as much again) is kept.
        run "$BERTH" update -m 1g keep
        assert_output_contains "Memory limit should be smaller than already set memoryswap limit"
        run "$BERTH" update keep
        assert_status 1
        assert_output_contains "You must provide one or more flags"
        run "$BERTH" update --restart always nosuch
        assert_status 1
        assert_output_contains "No such container: nosuch"
}
