#!/usr/bin/env bats
# Confinement (issue 5): Docker's default capabilities, seccomp profile, masked and read-only paths,
# checked with an escape-probe suite (tests/probes/escape-probe.c) run inside default containers, where
# every probe must be denied; the same probes go through where --privileged or --cap-add grants them.
# Also --security-opt (no-new-privileges, seccomp=unconfined, seccomp=PROFILE.json), --read-only and
# --tmpfs, and exec'd processes confined as the init is.
#
# The probe image is built from the escape-probe of the build under test: BERTH_TEST_BUILD (default: the
# directory that holds BERTH_TEST_IMAGES).

load helpers
bats_require_minimum_version 1.5.0

DEFAULT_CAPS=00000000a80425fb # Docker's 14 capabilities

setup_file() {
        local build=${BERTH_TEST_BUILD:-$(dirname "$BERTH_TEST_IMAGES")} images=$BERTH_TEST_IMAGES
        berth_load_test_images
        if [[ ! -f $images/probe-docker.tar ]]; then
                images=$BATS_FILE_TMPDIR/images
                "$BERTH_REPO/tests/sandbox/make-test-images" --probe "$build/tests/probes/escape-probe" "$images" >/dev/null
        fi
        "$BERTH" load -i "$images/probe-docker.tar" >/dev/null
}

teardown() {
        berth_teardown
}

teardown_file() {
        berth_remove_images_matching '^probe:'
}

# probe [RUN FLAGS...] -- SUBCOMMAND [ARGS...]: escape-probe in a fresh probe container, through bats' run.
probe() {
        local flags=()
        while [[ $1 != -- ]]; do
                flags+=("$1")
                shift
        done
        shift
        run "$BERTH" run --rm "${flags[@]}" probe escape-probe "$@"
}

# denied ERRNO [RUN FLAGS...] -- SUBCOMMAND [ARGS...]
denied() {
        local want=$1
        shift
        probe "$@"
        assert_status 1
        [[ $output == "$want" ]] || {
                echo "expected $want, got: $output" >&2
                return 1
        }
}

# granted [RUN FLAGS...] -- SUBCOMMAND [ARGS...]
granted() {
        probe "$@"
        assert_status 0
}

# past_permission_checks [RUN FLAGS...] -- SUBCOMMAND: reboot, swapon, init_module and kexec_load are given
# arguments the kernel refuses once the caller may make the call at all; anything but EPERM says it may.
past_permission_checks() {
        probe "$@"
        assert_status 1
        [[ $output != EPERM && $output == E* ]] || {
                echo "expected an errno other than EPERM, got: $output" >&2
                return 1
        }
}

status_field() {
        sed -n "s/^$1:[[:space:]]*//p" <<<"$output"
}

@test "a default container has Docker's capabilities, a seccomp filter and no no_new_privs" {
        run "$BERTH" run --rm busybox cat /proc/self/status
        assert_status 0
        [[ $(status_field CapBnd) == "$DEFAULT_CAPS" ]]
        [[ $(status_field CapEff) == "$DEFAULT_CAPS" ]]
        [[ $(status_field CapPrm) == "$DEFAULT_CAPS" ]]
        [[ $(status_field CapInh) == "$DEFAULT_CAPS" ]]
        [[ $(status_field CapAmb) == 0000000000000000 ]]
        [[ $(status_field Seccomp) == 2 ]]
        [[ $(status_field NoNewPrivs) == 0 ]]
}

@test "a non-root user keeps only the bounding set: no effective, inheritable or ambient capabilities" {
        run "$BERTH" run --rm -u 1000 busybox cat /proc/self/status
        assert_status 0
        [[ $(status_field CapBnd) == "$DEFAULT_CAPS" ]]
        for field in CapEff CapPrm CapInh CapAmb; do
                [[ $(status_field $field) == 0000000000000000 ]] || {
                        echo "$field: $(status_field $field)" >&2
                        return 1
                }
        done
}

@test "mount and umount are denied, and allowed with --cap-add SYS_ADMIN" {
        denied EPERM -- mount
        denied EPERM -- umount /etc/hostname
        granted --cap-add SYS_ADMIN -- mount
        granted --cap-add sys_admin -- umount /etc/hostname
}

@test "new user and mount namespaces (unshare -U, -m, clone with CLONE_NEWUSER) are denied, allowed with SYS_ADMIN" {
        denied EPERM -- unshare-user
        denied EPERM -- unshare-mount
        denied EPERM -- clone-newuser
        # busybox's own unshare meets the same filter.
        run "$BERTH" run --rm busybox unshare -U true
        assert_status 1
        granted --cap-add CAP_SYS_ADMIN -- unshare-user
        granted --cap-add CAP_SYS_ADMIN -- unshare-mount
        granted --cap-add CAP_SYS_ADMIN -- clone-newuser
}

@test "keyctl and add_key are denied by the seccomp filter alone" {
        denied EPERM -- keyctl
        denied EPERM -- add-key
        granted --security-opt seccomp=unconfined -- keyctl
        granted --privileged -- add-key
}

@test "reboot, swapon, init_module, kexec_load and bpf are denied, and reach the kernel where granted" {
        denied EPERM -- reboot
        denied EPERM -- swapon
        denied EPERM -- init-module
        denied EPERM -- kexec-load
        denied EPERM -- bpf
        past_permission_checks --cap-add SYS_BOOT -- reboot
        past_permission_checks --cap-add SYS_MODULE -- init-module
        past_permission_checks --privileged -- swapon
        past_permission_checks --privileged -- kexec-load
        granted --cap-add BPF -- bpf
}

@test "/proc/sys and /proc/sysrq-trigger are read-only, writable with --privileged" {
        denied EROFS -- rewrite /proc/sys/kernel/domainname
        granted --privileged -- rewrite /proc/sys/kernel/domainname
        # Only opened for writing: a write would act on the host. Kernels without SysRq have no file.
        probe -- open-write /proc/sysrq-trigger
        assert_status 1
        [[ $output == EROFS || ($output == ENOENT && ! -e /proc/sysrq-trigger) ]]
        if [[ -e /proc/sysrq-trigger ]]; then
                granted --privileged -- open-write /proc/sysrq-trigger
        fi
}

@test "Docker's masked paths are hidden, and visible with --privileged" {
        probe -- read /proc/kcore
        assert_status 1
        [[ $output == EMPTY || $output == ENOENT ]]
        denied EMPTY -- read /proc/timer_list
        denied EMPTY -- read /proc/keys
        denied EMPTY -- list /sys/firmware
        granted --privileged -- read /proc/timer_list
        granted --privileged -- list /sys/firmware

        # Every one of Docker's paths that this kernel has is covered by a mount of its own.
        # shellcheck disable=SC2016 # expanded by the container's shell
        run "$BERTH" run --rm busybox sh -c '
                for p in /proc/asound /proc/acpi /proc/kcore /proc/keys /proc/latency_stats /proc/timer_list \
                        /proc/timer_stats /proc/sched_debug /proc/scsi /sys/firmware /sys/devices/virtual/powercap \
                        /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger; do
                        [ -e "$p" ] || continue
                        grep -q " $p " /proc/self/mountinfo || echo "not covered: $p"
                done'
        assert_status 0
        [[ -z $output ]]
}

@test "mknod of a host block device is denied" {
        local dev
        dev=$(awk 'NR > 2 && $4 !~ /^(loop|ram|zram)/ { print $1, $2; exit }' /proc/partitions)
        [[ -n $dev ]] || skip "no block device on this host"
        # shellcheck disable=SC2086 # major and minor
        denied EPERM -- mknod-block $dev
}

@test "ptrace of a process of another user is denied without CAP_SYS_PTRACE" {
        # From inside a pid namespace nothing outside can be named: the target is the container's init,
        # running as another user.
        "$BERTH" run -d --name ptrace-target -u 1000 probe sleep 1000 >/dev/null
        run "$BERTH" exec -u 0 ptrace-target escape-probe ptrace 1
        assert_status 1
        [[ $output == EPERM ]]
        "$BERTH" rm -f ptrace-target >/dev/null

        "$BERTH" run -d --name ptrace-target --cap-add SYS_PTRACE -u 1000 probe sleep 1000 >/dev/null
        run "$BERTH" exec -u 0 ptrace-target escape-probe ptrace 1
        assert_status 0
}

@test "no chroot escape through .. or /proc/PID/root, not even with --privileged" {
        denied CONTAINED -- chroot-escape
        denied CONTAINED --privileged -- chroot-escape
        denied EPERM --cap-drop SYS_CHROOT -- chroot-escape
}

@test "a set-uid binary gains root, but not under --security-opt no-new-privileges" {
        run "$BERTH" run --rm -u 1000 probe escape-probe-suid privileges
        assert_status 0
        [[ $output == "euid=0 cap_eff=$DEFAULT_CAPS" ]]

        for opt in no-new-privileges no-new-privileges=true no-new-privileges:true; do
                run "$BERTH" run --rm -u 1000 --security-opt "$opt" probe escape-probe-suid privileges
                assert_status 1
                [[ $output == "euid=1000 cap_eff=0000000000000000" ]]
        done
        run "$BERTH" run --rm --security-opt no-new-privileges busybox grep NoNewPrivs /proc/self/status
        assert_output_contains 1
}

@test "exec'd processes are confined as the init is" {
        "$BERTH" run -d --name confined --security-opt no-new-privileges probe sleep 1000 >/dev/null
        run "$BERTH" exec confined escape-probe mount
        assert_status 1
        [[ $output == EPERM ]]
        run "$BERTH" exec confined cat /proc/self/status
        [[ $(status_field CapBnd) == "$DEFAULT_CAPS" ]]
        [[ $(status_field Seccomp) == 2 ]]
        [[ $(status_field NoNewPrivs) == 1 ]]
        run "$BERTH" exec -u 1000 confined cat /proc/self/status
        [[ $(status_field CapEff) == 0000000000000000 ]]
        [[ $(status_field Seccomp) == 2 ]]
        run "$BERTH" exec -t confined escape-probe keyctl
        assert_output_contains EPERM
}

@test "--privileged: every capability there is, no seccomp filter, nothing masked, /sys writable" {
        local bounding
        bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
        run "$BERTH" run --rm --privileged busybox cat /proc/self/status
        [[ $(status_field CapBnd) == "$bounding" ]]
        [[ $(status_field CapEff) == "$bounding" ]]
        [[ $(status_field Seccomp) == 0 ]]
        run "$BERTH" run --rm --privileged busybox sh -c 'grep " /sys " /proc/self/mountinfo'
        [[ $output == *" rw,"* ]]
}

@test "--cap-add and --cap-drop take names in any case, with or without CAP_, and ALL" {
        run "$BERTH" run --rm --cap-drop ALL --cap-add chown busybox grep CapBnd /proc/self/status
        [[ $output == *0000000000000001 ]]
        run "$BERTH" run --rm --cap-drop net_raw --cap-drop CAP_MKNOD --cap-drop Kill busybox grep CapEff /proc/self/status
        [[ $output == *00000000a00405db ]]
        run "$BERTH" run --rm --cap-add ALL --cap-drop SETPCAP busybox grep CapBnd /proc/self/status
        local bounding want
        bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
        printf -v want '%016x' $((0x$bounding & ~0x100))
        [[ $output == *"$want" ]]
        run "$BERTH" run --rm --cap-add NET_ADMIN busybox ip link set lo mtu 1280
        assert_status 0
        run "$BERTH" run --rm busybox ip link set lo mtu 1280
        assert_output_contains "Operation not permitted"

        run "$BERTH" run --rm --cap-add NOT_A_CAP busybox true
        assert_status 125
        assert_output_contains 'unknown capability: "NOT_A_CAP"'
        run "$BERTH" run --rm --cap-add 12 busybox true
        assert_status 125
}

@test "a capability the runtime itself lacks is a clear error" {
        local bounding
        bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
        (((0x$bounding >> 24) & 1)) && skip "this host has CAP_SYS_RESOURCE"
        run "$BERTH" run --rm --cap-add SYS_RESOURCE busybox true
        assert_status 125
        assert_output_contains "the container asks for CAP_SYS_RESOURCE, which berth-runtime does not have itself"
        # ALL means what there is.
        run "$BERTH" run --rm --cap-add ALL busybox true
        assert_status 0
}

@test "--security-opt seccomp=PROFILE.json: Docker's format, read by the CLI" {
        local dir=$BATS_TEST_TMPDIR
        cat >"$dir/deny-mkdir.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "comment": "EACCES"},
    {"names": ["chmod", "fchmodat"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}}
  ]
}
EOF
        run "$BERTH" run --rm --security-opt "seccomp=$dir/deny-mkdir.json" busybox mkdir /tmp/x
        assert_status 1
        assert_output_contains "Permission denied"
        # The chmod rule is for containers with CAP_SYS_ADMIN only.
        run "$BERTH" run --rm --security-opt "seccomp=$dir/deny-mkdir.json" busybox chmod 700 /tmp
        assert_status 0
        run "$BERTH" run --rm --cap-add SYS_ADMIN --security-opt "seccomp=$dir/deny-mkdir.json" busybox chmod 700 /tmp
        assert_status 1
        # keyctl is allowed by this profile: nothing else stood in its way.
        run "$BERTH" run --rm --security-opt "seccomp=$dir/deny-mkdir.json" probe escape-probe keyctl
        assert_status 0

        run "$BERTH" run --rm --security-opt "seccomp=$dir/missing.json" busybox true
        assert_status 125
        assert_output_contains "opening seccomp profile ($dir/missing.json) failed"
        echo '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_DENY"}]}' \
                >"$dir/bad.json"
        run "$BERTH" run --rm --security-opt "seccomp=$dir/bad.json" busybox true
        assert_status 125
        assert_output_contains 'Decoding seccomp profile failed: syscalls[0].action: unknown action "SCMP_ACT_DENY"'
        run "$BERTH" run --rm --security-opt apparmor=docker-default busybox true
        assert_status 125
        run "$BERTH" run --rm --security-opt bogus busybox true
        assert_status 125
        assert_output_contains "Invalid --security-opt"
}

@test "--read-only makes the root read-only; --tmpfs mounts a writable tmpfs with Docker's options" {
        run "$BERTH" run --rm --read-only busybox touch /file
        assert_status 1
        assert_output_contains "Read-only file system"
        run "$BERTH" run --rm --read-only busybox touch /tmp/file
        assert_status 1
        # A missing working directory is still made, before "/" turns read-only.
        run "$BERTH" run --rm --read-only -w /new/dir busybox pwd
        assert_status 0
        [[ $output == /new/dir ]]

        run "$BERTH" run --rm --read-only --tmpfs /tmp --tmpfs /run:size=1m,mode=1770 busybox sh -c \
                'touch /tmp/file /run/file && grep -E " /(tmp|run) " /proc/self/mounts && stat -c %a /run'
        assert_status 0
        assert_output_contains "tmpfs /tmp tmpfs rw,nosuid,nodev,noexec"
        assert_output_contains "size=1024k"
        assert_output_contains 1770
        # "exec" undoes the default noexec.
        run "$BERTH" run --rm --tmpfs /scratch:exec busybox sh -c 'cp /bin/busybox /scratch/ && /scratch/busybox true'
        assert_status 0
        run "$BERTH" run --rm --tmpfs /scratch busybox sh -c 'cp /bin/busybox /scratch/ && /scratch/busybox true'
        assert_status 126

        run "$BERTH" run --rm --tmpfs tmp busybox true
        assert_status 125
        assert_output_contains "mount path must be absolute"
        run "$BERTH" run --rm --tmpfs /tmp:bogus busybox true
        assert_status 125
        assert_output_contains 'invalid tmpfs option "bogus"'
}
