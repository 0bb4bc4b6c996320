#!/usr/bin/env bats
# User namespaces (issue 5): --userns=auto gives a container a private range of host ids from the "berth"
# lines of /etc/subuid and /etc/subgid; its root is an unprivileged uid of the host, the image's layers are
# mounted idmapped (not chowned), what the container writes belongs to its mapped ids, ranges never
# overlap, exec joins the same namespace, and without --userns nothing changes.

load helpers
bats_require_minimum_version 1.5.0

RANGE_START=1000000
RANGE_COUNT=100000000

setup_file() {
        berth_load_test_images
        cp /etc/subuid "$BATS_FILE_TMPDIR/subuid" 2>/dev/null || : >"$BATS_FILE_TMPDIR/subuid"
        cp /etc/subgid "$BATS_FILE_TMPDIR/subgid" 2>/dev/null || : >"$BATS_FILE_TMPDIR/subgid"
        { grep -v '^berth:' "$BATS_FILE_TMPDIR/subuid" || true; echo "berth:$RANGE_START:$RANGE_COUNT"; } >/etc/subuid
        { grep -v '^berth:' "$BATS_FILE_TMPDIR/subgid" || true; echo "berth:$RANGE_START:$RANGE_COUNT"; } >/etc/subgid
}

teardown() {
        berth_teardown
}

teardown_file() {
        cp "$BATS_FILE_TMPDIR/subuid" /etc/subuid
        cp "$BATS_FILE_TMPDIR/subgid" /etc/subgid
}

# The host PID of a running container's process 1.
container_pid() {
        "$BERTH" inspect -f '{{.State.Pid}}' "$1"
}

container_upper() {
        echo "/var/lib/berth/containers/$("$BERTH" inspect -f '{{.Id}}' "$1")/upper"
}

# "START SIZE" of the uid_map line for container id 0 of host process $1.
host_uid_range() {
        awk '$1 == 0 { print $2, $3 }' "/proc/$1/uid_map"
}

@test "userns: root in the container is uid 0 there and an unprivileged uid from the range on the host" {
        run "$BERTH" run --rm --network none --userns=auto busybox sh -c 'id; cat /proc/self/uid_map /proc/self/gid_map'
        assert_status 0
        assert_output_contains "uid=0(root) gid=0(root)"
        [[ $(sed -n 2p <<<"$output" | awk '{print $1, $3}') == "0 65536" ]]
        (($(sed -n 2p <<<"$output" | awk '{print $2}') >= RANGE_START))
        (($(sed -n 3p <<<"$output" | awk '{print $2}') >= RANGE_START))

        "$BERTH" run -d --name us1 --network none --userns=auto busybox sleep 1000
        pid=$(container_pid us1)
        uid=$(ps -o uid= -p "$pid" | tr -d ' ')
        gid=$(ps -o gid= -p "$pid" | tr -d ' ')
        ((uid >= RANGE_START && uid < RANGE_START + RANGE_COUNT))
        ((gid >= RANGE_START && gid < RANGE_START + RANGE_COUNT))
        [[ $(host_uid_range "$pid") == "$uid 65536" ]]
        [[ $("$BERTH" inspect -f '{{.HostConfig.UsernsMode}}' us1) == auto ]]
        run "$BERTH" top us1
        assert_status 0
        assert_output_contains "sleep 1000"
        # A root of the host would be 0 here.
        [[ $(awk '/^Uid:/ {print $3}' "/proc/$pid/status") == "$uid" ]]
}

@test "userns: what root creates belongs to the mapped uid on the host, the image stays root's and unchanged" {
        layer=$("$BERTH" image inspect -f '{{.GraphDriver.Data.UpperDir}}' busybox)
        [[ $(stat -c %u:%g "$layer/bin/busybox") == 0:0 ]]

        "$BERTH" run -d --name us1 --network none --userns=auto busybox sleep 1000
        uid=$(ps -o uid= -p "$(container_pid us1)" | tr -d ' ')
        gid=$(ps -o gid= -p "$(container_pid us1)" | tr -d ' ')
        run "$BERTH" exec us1 sh -c 'echo hi >/made-by-root && ls -ln /made-by-root /bin/busybox && ls -lnd /'
        assert_status 0
        [[ $(grep made-by-root <<<"$output" | awk '{print $3, $4}') == "0 0" ]]
        [[ $(grep /bin/busybox <<<"$output" | awk '{print $3, $4}') == "0 0" ]]
        [[ $(tail -1 <<<"$output" | awk '{print $3, $4}') == "0 0" ]]
        # The container's own files from its bundle are its root's, as in Docker; the host's copy keeps its owner.
        run "$BERTH" exec us1 sh -c 'ls -ln /etc/hosts /etc/hostname /etc/resolv.conf && echo "10.9.9.9 extra" >>/etc/hosts'
        assert_status 0
        [[ $(awk '{print $3, $4}' <<<"$output" | sort -u) == "0 0" ]]
        [[ $(stat -c %u "$(dirname "$(container_upper us1)")/hosts") == 0 ]]
        grep -q "10.9.9.9 extra" "$(dirname "$(container_upper us1)")/hosts"

        upper=$(container_upper us1)
        [[ $(stat -c %u:%g "$upper/made-by-root") == "$uid:$gid" ]]
        # Idmapped, not chowned: the layer's files on the host still belong to 0.
        [[ $(stat -c %u:%g "$layer/bin/busybox") == 0:0 ]]
        [[ -z $(find "$layer" -uid "$uid" -print -quit) ]]
}

@test "userns: two containers at once get disjoint ranges, sized by auto:size=N" {
        "$BERTH" run -d --name usa --network none --userns=auto busybox sleep 1000
        "$BERTH" run -d --name usb --network none --userns=auto busybox sleep 1000
        "$BERTH" run -d --name usc --network none --userns=auto:size=1000 busybox sleep 1000
        read -r a_start a_size < <(host_uid_range "$(container_pid usa)")
        read -r b_start b_size < <(host_uid_range "$(container_pid usb)")
        read -r c_start c_size < <(host_uid_range "$(container_pid usc)")
        [[ $a_size == 65536 && $b_size == 65536 && $c_size == 1000 ]]
        ((a_start + a_size <= b_start || b_start + b_size <= a_start))
        ((a_start + a_size <= c_start || c_start + c_size <= a_start))
        ((b_start + b_size <= c_start || c_start + c_size <= b_start))
        for s in "$a_start" "$b_start" "$c_start"; do
                ((s >= RANGE_START))
        done
}

@test "userns: a container keeps its range across its restarts and berthd's" {
        "$BERTH" run -d --name us1 --network none --userns=auto busybox sleep 1000
        before=$(host_uid_range "$(container_pid us1)")
        "$BERTH" exec us1 touch /mine
        "$BERTH" stop -t 1 us1
        # Another container started meanwhile must not take the stopped one's range.
        "$BERTH" run -d --name usother --network none --userns=auto busybox sleep 1000
        [[ $(host_uid_range "$(container_pid usother)") != "$before" ]]
        "$BERTH" start us1
        [[ $(host_uid_range "$(container_pid us1)") == "$before" ]]
        run "$BERTH" exec us1 ls -ln /mine
        assert_status 0
        [[ $(awk '{print $3, $4}' <<<"$output") == "0 0" ]]

        # berthd reads the ranges back from the state files: a restart of it hands none out twice.
        systemctl restart berthd
        "$BERTH" run -d --name usafter --network none --userns=auto busybox sleep 1000
        for c in us1 usother; do
                read -r start size < <(host_uid_range "$(container_pid "$c")")
                read -r new_start new_size < <(host_uid_range "$(container_pid usafter)")
                ((new_start + new_size <= start || start + size <= new_start))
        done
}

@test "userns: exec and its processes run in the container's user namespace" {
        "$BERTH" run -d --name us1 --network none --userns=auto busybox sleep 1000
        pid=$(container_pid us1)
        run "$BERTH" exec us1 sh -c 'id -u; cat /proc/self/uid_map'
        assert_status 0
        [[ $(sed -n 1p <<<"$output") == 0 ]]
        [[ $(sed -n 2p <<<"$output" | awk '{print $1, $2, $3}') == "0 $(host_uid_range "$pid")" ]]

        "$BERTH" exec -d us1 sleep 777
        wait_for 5 pgrep -f '^sleep 777$'
        exec_pid=$(pgrep -f '^sleep 777$')
        [[ $(readlink "/proc/$exec_pid/ns/user") == "$(readlink "/proc/$pid/ns/user")" ]]
        [[ $(readlink "/proc/$exec_pid/ns/user") != "$(readlink /proc/self/ns/user)" ]]
        [[ $(ps -o uid= -p "$exec_pid" | tr -d ' ') == "$(ps -o uid= -p "$pid" | tr -d ' ')" ]]

        run "$BERTH" exec -u 1000 us1 id -u
        assert_status 0
        [[ $output == 1000 ]]

        # A terminal the runtime opens for the exec is handed to the namespace's root first.
        run script -qec "$BERTH exec -t -u 1000 us1 sh -c 'tty; stat -c %u \$(tty)'" /dev/null </dev/null
        assert_status 0
        assert_output_contains "/dev/pts/"
        [[ $(tail -1 <<<"$output" | tr -d '\r') == 1000 ]]
}

@test "userns: health checks probe inside the user namespace" {
        # shellcheck disable=SC2016 # expanded in the container
        "$BERTH" run -d --name ushc --network none --userns=auto --health-cmd 'test "$(id -u)" = 0 && grep -q "^ *0 *[1-9]" /proc/self/uid_map' \
                --health-interval 1s busybox sleep 1000
        wait_for 20 sh -c "'$BERTH' inspect -f '{{.State.Health.Status}}' ushc | grep -qx healthy"
}

@test "userns: /proc, /sys and the standard devices work, also in network namespaces of the host or berthd" {
        for net in none host bridge; do
                run "$BERTH" run --rm --network "$net" --userns=auto busybox sh -c \
                        'echo x >/dev/null && head -c 4 /dev/zero | wc -c && ls /sys/class/net && cat /proc/1/cmdline | tr "\0" " "'
                assert_status 0
                assert_output_contains "lo"
                assert_output_contains "sh -c"
                [[ $(sed -n 1p <<<"$output") == 4 ]]
        done
}

@test "userns: the container's own cgroups are at /sys/fs/cgroup, read-only, also with the host's network" {
        for net in none host; do
                run --separate-stderr "$BERTH" run --rm --network "$net" --userns=auto -m 64m busybox sh -c \
                        'cd /sys/fs/cgroup; if [ -e memory.max ]; then cat memory.max; else cat memory/memory.limit_in_bytes; fi
                        mkdir x || echo refused'
                assert_status 0
                [[ $output == $'67108864\nrefused' ]]
                [[ $stderr == *"Read-only file system"* ]]
        done
}

@test "userns: --device binds the host's node, which a user namespace cannot make" {
        run "$BERTH" run --rm --network none --userns=auto --device /dev/zero:/dev/myzero busybox sh -c \
                'head -c 3 /dev/myzero | wc -c; ls -ln /dev/myzero'
        assert_status 0
        [[ $(sed -n 1p <<<"$output") == 3 ]]
        [[ $(sed -n 2p <<<"$output" | awk '{print $1, $5, $6}') == "crw-rw-rw- 1, 5" ]]
}

@test "userns: without --userns (or with host) the container runs with the host's ids" {
        for flag in "" --userns=host; do
                "$BERTH" run -d --name hst --network none $flag busybox sleep 1000
                pid=$(container_pid hst)
                [[ $(ps -o uid= -p "$pid" | tr -d ' ') == 0 ]]
                [[ $(readlink "/proc/$pid/ns/user") == "$(readlink /proc/self/ns/user)" ]]
                run "$BERTH" exec hst cat /proc/self/uid_map
                [[ $(awk '{print $1, $2, $3}' <<<"$output") == "0 0 4294967295" ]]
                "$BERTH" exec hst touch /host-root
                [[ $(stat -c %u "$(container_upper hst)/host-root") == 0 ]]
                [[ -z $("$BERTH" inspect -f '{{.HostConfig.UsernsMode}}' hst) ]]
                "$BERTH" rm -f hst
        done
}

@test "userns: a bad mode or missing subordinate ids exit 125 with the reason" {
        run "$BERTH" run --rm --network none --userns=bogus busybox true
        assert_status 125
        assert_output_contains "invalid USER mode bogus"
        run "$BERTH" run --rm --network none --userns=auto:size=0 busybox true
        assert_status 125
        assert_output_contains "size must be"
        run "$BERTH" run --rm --network none --userns=auto --privileged busybox true
        assert_status 125
        assert_output_contains "privileged mode is incompatible with user namespaces"

        grep -v '^berth:' "$BATS_FILE_TMPDIR/subuid" >/etc/subuid || true
        run "$BERTH" run --rm --network none --userns=auto busybox true
        echo "berth:$RANGE_START:$RANGE_COUNT" >>/etc/subuid
        assert_status 125
        assert_output_contains "subordinate ids for \"berth\" in /etc/subuid"
}
