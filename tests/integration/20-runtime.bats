#!/usr/bin/env bats
# berth-runtime driven by the real systemd of the sandbox, with bundles built by
# hand: an overlay over a busybox rootfs, the mounts berthd writes, and the
# unit properties berthd sets (Type=notify, Delegate=yes, KillMode=mixed).

load helpers
bats_require_minimum_version 1.5.0

RT=/usr/libexec/berth/berth-runtime
# overlayfs refuses an upper dir on overlayfs: /var/lib/berth is a tmpfs here.
RTDIR=/var/lib/berth/runtime-test

setup_file() {
        local lower=$RTDIR/lower
        mkdir -p "$lower"
        if [[ -f $BERTH_TEST_IMAGES/busybox-rootfs.tar ]]; then
                tar -xf "$BERTH_TEST_IMAGES/busybox-rootfs.tar" -C "$lower"
        else
                mkdir -p "$lower/bin" "$lower/etc"
                cp /bin/busybox "$lower/bin/busybox"
                "$lower/bin/busybox" --install -s "$lower/bin"
                printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$lower/etc/passwd"
                printf 'root:x:0:\nnogroup:x:65534:\n' >"$lower/etc/group"
        fi
        chmod 0644 "$lower/etc/passwd"
}

teardown_file() {
        rm -rf "$RTDIR"
}

teardown() {
        systemctl stop 'rt-*.service' >/dev/null 2>&1 || true
        systemctl reset-failed 'rt-*.service' >/dev/null 2>&1 || true
}

# make_bundle NAME ARGS_JSON [JQ_FILTER]: $RTDIR/NAME with config.json like berthd's.
make_bundle() {
        local b=$RTDIR/$1 args=$2 filter=${3:-.}
        rm -rf "$b"
        mkdir -p "$b/upper" "$b/work" "$b/rootfs"
        echo "$1" >"$b/hostname"
        printf '127.0.0.1\tlocalhost\n' >"$b/hosts"
        echo 'nameserver 192.0.2.53' >"$b/resolv.conf"
        jq -n --argjson args "$args" --arg b "$b" --arg lower "$RTDIR/lower" --arg name "$1" '{
          ociVersion: "1.0.2",
          process: {args: $args, env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "FOO=bar"],
                    cwd: "/", terminal: false, user: {uid: 0, gid: 0}},
          root: {path: "rootfs", readonly: false},
          hostname: $name,
          mounts: [
            {destination: "/", type: "overlay", source: "overlay",
             options: ["lowerdir=\($lower)", "upperdir=\($b)/upper", "workdir=\($b)/work"]},
            {destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]},
            {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
            {destination: "/dev/pts", type: "devpts", source: "devpts",
             options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
            {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
            {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
            {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
            {destination: "/etc/hostname", type: "bind", source: "\($b)/hostname", options: ["rbind", "rprivate"]},
            {destination: "/etc/hosts", type: "bind", source: "\($b)/hosts", options: ["rbind", "rprivate"]},
            {destination: "/etc/resolv.conf", type: "bind", source: "\($b)/resolv.conf", options: ["rbind", "rprivate"]}
          ],
          linux: {
            namespaces: [{type: "pid"}, {type: "mount"}, {type: "uts"}, {type: "ipc"}, {type: "network"}, {type: "cgroup"}],
            maskedPaths: ["/proc/kcore", "/proc/keys", "/sys/firmware"],
            readonlyPaths: ["/proc/sys", "/proc/bus"]
          },
          annotations: {"org.berth.name": $name}
        } | '"$filter" >"$b/config.json"
}

unit_props=(-p Type=notify -p NotifyAccess=all -p Delegate=yes -p KillMode=mixed -p TimeoutStopSec=3)

# run_bundle NAME: runs it in the foreground through systemd, like `berth run` without -d.
run_bundle() {
        systemd-run --wait --pipe -q --collect --unit="rt-$1" "${unit_props[@]}" \
                -p ExecStopPost="$RT stop-post $RTDIR/$1" "$RT" run "$RTDIR/$1"
}

# start_bundle NAME: a detached unit, like `berth run -d`; returns once READY=1 arrived.
start_bundle() {
        systemd-run -q --unit="rt-$1" "${unit_props[@]}" \
                -p ExecStopPost="$RT stop-post $RTDIR/$1" "$RT" run "$RTDIR/$1"
}

unit_gone() {
        ! systemctl is-active -q "rt-$1.service"
}

@test "echo output reaches the caller" {
        make_bundle echo '["echo", "hello"]'
        run run_bundle echo
        assert_status 0
        [[ $output == hello ]]
}

@test "exit code passes through, exit.json and pid are written" {
        make_bundle exit3 '["sh", "-c", "exit 3"]'
        run run_bundle exit3
        assert_status 3
        [[ $(jq .ExitCode "$RTDIR/exit3/exit.json") == 3 ]]
        [[ $(jq -r .Result "$RTDIR/exit3/exit.json") == exit-code ]]
        [[ $(jq '.FinishedAt > 1700000000000000' "$RTDIR/exit3/exit.json") == true ]]
        [[ $(cat "$RTDIR/exit3/pid") -gt 1 ]]
}

@test "missing command: 127 with Docker's message" {
        make_bundle missing '["nosuchcommand"]'
        run -127 run_bundle missing
        assert_status 127
        assert_output_contains 'exec: "nosuchcommand": executable file not found in $PATH'
}

@test "non-executable file: 126 with Docker's message" {
        make_bundle noexec '["/etc/passwd"]'
        run -126 run_bundle noexec
        assert_status 126
        assert_output_contains 'exec: "/etc/passwd": permission denied'
}

@test "hostname, PID 1, /proc" {
        make_bundle basics '["sh", "-c", "hostname; echo pid=$$; cat /etc/hostname; test -r /proc/self/status && echo proc-ok"]'
        run run_bundle basics
        assert_status 0
        [[ ${lines[0]} == basics ]]
        [[ ${lines[1]} == pid=1 ]]
        [[ ${lines[2]} == basics ]]
        [[ ${lines[3]} == proc-ok ]]
}

@test "/dev nodes exist, /dev/console is /dev/null, /sys is read-only, masked paths" {
        make_bundle devs '["sh", "-c", "for d in null zero full random urandom tty; do test -c /dev/$d || echo missing-$d; done; readlink /dev/fd; readlink /dev/ptmx; stat -c %t:%T /dev/console; touch /sys/x 2>/dev/null && echo sys-writable; grep \" /sys \" /proc/mounts | cut -d\" \" -f4 | cut -d, -f1; stat -c %F /proc/keys; echo x 2>/dev/null >/proc/sys/kernel/hostname && echo procsys-writable; head -c 4 /dev/zero | wc -c"]'
        run run_bundle devs
        assert_status 0
        [[ $output != *missing-* ]]
        [[ ${lines[0]} == /proc/self/fd ]]
        [[ ${lines[1]} == pts/ptmx ]]
        [[ ${lines[2]} == 1:3 ]]
        [[ ${lines[3]} == ro ]]
        [[ ${lines[4]} == "character special file" ]] # masked with /dev/null
        [[ ${lines[5]} == 4 ]]
        [[ $output != *writable* ]]
}

@test "env and cwd (created when missing)" {
        make_bundle envcwd '["sh", "-c", "pwd; echo $FOO; echo $HOME"]' '.process.cwd = "/does/not/exist"'
        run run_bundle envcwd
        assert_status 0
        [[ ${lines[0]} == /does/not/exist ]]
        [[ ${lines[1]} == bar ]]
        [[ ${lines[2]} == /root ]]
        [[ -d $RTDIR/envcwd/upper/does/not/exist ]]
}

@test "user by name from the image's /etc/passwd" {
        make_bundle username '["id"]' '.annotations["org.berth.user"] = "nobody"'
        run run_bundle username
        assert_status 0
        [[ $output == "uid=65534(nobody) gid=65534(nogroup)"* ]]
}

@test "user as uid:gid" {
        make_bundle uidgid '["sh", "-c", "id -u; id -g; echo $HOME"]' '.annotations["org.berth.user"] = "1234:4321"'
        run run_bundle uidgid
        assert_status 0
        [[ ${lines[0]} == 1234 && ${lines[1]} == 4321 && ${lines[2]} == / ]]
}

@test "unknown user: 125 with Docker's message" {
        make_bundle nouser '["id"]' '.annotations["org.berth.user"] = "bob"'
        run run_bundle nouser
        assert_status 125
        assert_output_contains "unable to find user bob: no matching entries in passwd file"
}

@test "lo is up, no other interface" {
        make_bundle net '["sh", "-c", "ls /sys/class/net; cat /sys/class/net/lo/flags"]'
        run run_bundle net
        assert_status 0
        [[ ${lines[0]} == lo ]]
        [[ ${#lines[@]} -eq 2 ]]
        (( ${lines[1]} & 1 )) # IFF_UP
}

@test "writes land in upper/, the lower rootfs stays clean, no mounts are left behind" {
        make_bundle writes '["sh", "-c", "echo data > /newfile; echo more >> /etc/passwd"]'
        run run_bundle writes
        assert_status 0
        [[ $(cat "$RTDIR/writes/upper/newfile") == data ]]
        [[ ! -e $RTDIR/lower/newfile ]]
        [[ $(tail -n 1 "$RTDIR/writes/upper/etc/passwd") == more ]]
        ! grep -q more "$RTDIR/lower/etc/passwd"
        ! grep -q "$RTDIR/writes" /proc/self/mountinfo
}

@test "bad config.json: 125 with the field named" {
        make_bundle badcfg '["true"]' '.process.cwd = "relative"'
        run run_bundle badcfg
        assert_status 125
        assert_output_contains "process.cwd"
}

@test "stop: PID 1 ignoring SIGTERM is killed after the stop timeout → 137" {
        make_bundle stopkill '["sleep", "1000"]'
        start_bundle stopkill
        [[ $(cat "$RTDIR/stopkill/pid") -gt 1 ]]
        SECONDS=0
        systemctl stop rt-stopkill.service
        ((SECONDS >= 2))
        [[ $(jq .ExitCode "$RTDIR/stopkill/exit.json") == 137 ]]
        ! grep -q "$RTDIR/stopkill" /proc/self/mountinfo
}

@test "stop: a shell that traps TERM exits 143 quickly" {
        make_bundle stoptrap '["sh", "-c", "trap \"exit 143\" TERM; while :; do sleep 0.1; done"]'
        start_bundle stoptrap
        SECONDS=0
        systemctl stop rt-stoptrap.service
        ((SECONDS < 2))
        [[ $(jq .ExitCode "$RTDIR/stoptrap/exit.json") == 143 ]]
        [[ $(jq -r .Result "$RTDIR/stoptrap/exit.json") == exit-code ]]
}

@test "SIGUSR1 sent to the runtime reaches the container" {
        make_bundle usr1 '["sh", "-c", "trap \"echo got-usr1; exit 7\" USR1; while :; do sleep 0.1; done"]'
        start_bundle usr1
        systemctl kill -s USR1 --kill-who=main rt-usr1.service
        wait_for 5 unit_gone usr1
        wait_for 5 test -f "$RTDIR/usr1/exit.json"
        [[ $(jq .ExitCode "$RTDIR/usr1/exit.json") == 7 ]]
}

journal_has() { # UNIT PRIORITY TEXT
        journalctl -q -u "$1" -p "$2" -o cat | grep -qx "$3"
}

@test "detached: stdout lines go to the journal at priority 6, stderr at 3" {
        make_bundle logs '["sh", "-c", "echo out-line; echo err-line >&2; printf partial"]'
        start_bundle logs
        wait_for 5 unit_gone logs
        wait_for 5 journal_has rt-logs.service 3 err-line
        wait_for 5 journal_has rt-logs.service 6 out-line
        journal_has rt-logs.service 6 partial
        # priority 3 only: the stdout line is not among them
        ! journal_has rt-logs.service 3 out-line
        [[ $(journalctl -q -u rt-logs.service -o json | jq -r 'select(.MESSAGE == "out-line") | .PRIORITY' | sort -u) == 6 ]]
}

@test "--pipe: the caller gets the raw bytes and the journal gets the lines" {
        make_bundle tee '["sh", "-c", "echo tee-out; echo tee-err >&2; printf no-newline"]'
        run_bundle tee >"$RTDIR/tee.out" 2>"$RTDIR/tee.err"
        [[ $(cat "$RTDIR/tee.out") == $'tee-out\nno-newline' ]]
        [[ $(cat "$RTDIR/tee.err") == tee-err ]]
        wait_for 5 journal_has rt-tee.service 3 tee-err
        wait_for 5 journal_has rt-tee.service 6 tee-out
        journal_has rt-tee.service 6 no-newline
        ! journal_has rt-tee.service 3 tee-out
}
