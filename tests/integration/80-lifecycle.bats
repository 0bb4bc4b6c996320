#!/usr/bin/env bats
# Restart policies owned by systemd, the lifecycle verbs (restart, pause, unpause, rename, top, stats,
# container prune, wait --condition) and Docker's ps STATUS strings. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

state_of() {
        "$BERTH" inspect -f '{{.State.Status}}' "$1"
}

status_is() {
        [[ $(state_of "$1") == "$2" ]]
}

pid_changed() {
        local pid
        pid=$("$BERTH" inspect -f '{{.State.Pid}}' "$1")
        [[ $(state_of "$1") == running && $pid != 0 && $pid != "$2" ]]
}

# --- restart policies ---------------------------------------------------------

@test "restart on-failure:2: started 3 times in all, then stays exited; RestartCount == NRestarts" {
        run "$BERTH" run -d --name onfail --restart on-failure:2 busybox sh -c 'echo started; exit 1'
        assert_status 0
        [[ $(systemctl show -P Restart berth-onfail.service) == on-failure ]]
        wait_for 20 status_is onfail exited
        sleep 1 # would a 4th start come?
        run "$BERTH" logs onfail
        [[ $(grep -c started <<<"$output") -eq 3 ]]
        run "$BERTH" inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}' onfail
        [[ $output == "exited 1 3 on-failure 2" ]]
        # systemd's own count, from the journal of the (collected) unit
        run journalctl -q -o cat -u berth-onfail.service --grep 'restart counter is at'
        [[ $(tail -n1 <<<"$output") == *"restart counter is at 3"* ]]
        run "$BERTH" ps -a --format '{{.Names}} {{.Status}}'
        [[ $output == "onfail Exited (1) "* ]]
}

@test "restart on-failure: a clean exit is not restarted" {
        "$BERTH" run -d --name onfail0 --restart on-failure busybox sh -c 'echo once'
        wait_for 10 status_is onfail0 exited
        sleep 0.5
        [[ $("$BERTH" logs onfail0 | grep -c once) -eq 1 ]]
        [[ $("$BERTH" inspect -f '{{.RestartCount}}' onfail0) == 0 ]]
}

@test "restart always: comes back after its process is killed; berth stop stops it for good" {
        local pid
        "$BERTH" run -d --name alw --restart always busybox sleep 1000
        [[ $(systemctl show -P Restart berth-alw.service) == always ]]
        pid=$("$BERTH" inspect -f '{{.State.Pid}}' alw)
        kill -9 "$pid"
        wait_for 10 pid_changed alw "$pid"
        [[ $("$BERTH" inspect -f '{{.RestartCount}}' alw) == 1 ]]
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' alw) == 137 ]]
        run "$BERTH" stop -t 1 alw
        assert_status 0
        sleep 1
        [[ $(state_of alw) == exited ]]
        run systemctl is-active berth-alw.service
        [[ $output != active && $output != activating ]]
}

@test "restart always: a process that kills itself from inside comes back, ps says Restarting in between" {
        "$BERTH" run -d --name selfkill --restart always busybox sh -c 'echo up; sleep 0.5; kill -9 $$'
        wait_for 10 bash -c "[[ \$($BERTH logs selfkill | grep -c up) -ge 3 ]]"
        [[ $("$BERTH" inspect -f '{{.RestartCount}}' selfkill) -ge 2 ]]
        "$BERTH" stop -t 1 selfkill
}

@test "restart: ps shows Restarting (N) while systemd waits to restart" {
        "$BERTH" run -d --name rs --restart always busybox sh -c 'exit 3'
        wait_for 10 bash -c "$BERTH ps --format '{{.Status}}' | grep -q '^Restarting (3) '"
        run "$BERTH" inspect -f '{{.State.Restarting}} {{.State.Running}}' rs
        "$BERTH" rm -f rs
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

@test "kill of an always container stops it for good (manually stopped)" {
        "$BERTH" run -d --name killed --restart always busybox sleep 1000
        run "$BERTH" kill killed
        assert_status 0
        wait_for 10 status_is killed exited
        sleep 1
        [[ $(state_of killed) == exited ]]
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' killed) == 137 ]]
}

@test "systemctl restart berthd touches no running container" {
        local pid
        "$BERTH" run -d --name survivor --restart always busybox sleep 1000
        pid=$("$BERTH" inspect -f '{{.State.Pid}}' survivor)
        systemctl restart berthd
        [[ $("$BERTH" inspect -f '{{.State.Pid}} {{.State.Status}}' survivor) == "$pid running" ]]
        kill -0 "$pid"
        # not a boot: nothing is started by the restart of berthd
        "$BERTH" run -d --name stopped-always --restart always busybox sleep 1000
        "$BERTH" stop -t 0 stopped-always
        systemctl restart berthd
        [[ $(state_of stopped-always) == exited ]]
}

@test "a reboot (units gone, /run/berth emptied, berthd started): always and unless-stopped run again, stopped unless-stopped and no stay exited" {
        "$BERTH" run -d --name b-always --restart always busybox sleep 1000
        "$BERTH" run -d --name b-unless --restart unless-stopped busybox sleep 1000
        "$BERTH" run -d --name b-unless-stopped --restart unless-stopped busybox sleep 1000
        "$BERTH" run -d --name b-no busybox sleep 1000
        "$BERTH" stop -t 0 b-unless-stopped
        # What a reboot does to berth: berthd and every transient unit gone, /run/berth a new tmpfs.
        # (tests/host/reboot-test does the real thing: two boots of a sandbox on one state dir.)
        systemctl stop berthd
        systemctl stop 'berth-b-*.service'
        systemctl reset-failed 'berth-b-*.service' 2>/dev/null || true
        [[ -z $(systemctl list-units --no-legend 'berth-b-*.service') ]]
        rm -f /run/berth/booted
        systemctl start berthd
        wait_for 10 status_is b-always running
        wait_for 10 status_is b-unless running
        [[ $(state_of b-unless-stopped) == exited ]]
        [[ $(state_of b-no) == exited ]]
        [[ -e /run/berth/booted ]]
}

@test "berthd starts at boot (enabled through multi-user.target.wants)" {
        [[ -L /usr/lib/systemd/system/multi-user.target.wants/berthd.service ]]
        run systemctl list-dependencies --plain multi-user.target
        assert_output_contains berthd.service
}

@test "--restart typos are refused with Docker's words, exit 125, nothing created" {
        run "$BERTH" run -d --restart alwyas busybox true
        assert_status 125
        assert_output_contains "invalid restart policy: unknown policy 'alwyas'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"
        run "$BERTH" create --restart on-failure:-1 busybox true
        assert_status 125
        assert_output_contains "maximum retry count cannot be negative"
        run "$BERTH" run -d --restart no:3 busybox true
        assert_status 125
        assert_output_contains "maximum retry count can only be used with 'on-failure'"
        run "$BERTH" run -d --restart on-failure:x busybox true
        assert_status 125
        assert_output_contains "maximum retry count must be an integer"
        run "$BERTH" run --rm --restart always busybox true
        assert_status 125
        assert_output_contains "Conflicting options: --restart and --rm"
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

# --- verbs ---------------------------------------------------------------------

@test "restart: a running container gets a new process, a stopped one starts" {
        local pid
        "$BERTH" run -d --name rst busybox sleep 1000
        pid=$("$BERTH" inspect -f '{{.State.Pid}}' rst)
        run "$BERTH" restart -t 1 rst
        assert_status 0
        [[ $output == rst ]]
        [[ $(state_of rst) == running ]]
        [[ $("$BERTH" inspect -f '{{.State.Pid}}' rst) != "$pid" ]]
        "$BERTH" create --name rst-created busybox sleep 1000
        run "$BERTH" container restart rst-created
        assert_status 0
        [[ $(state_of rst-created) == running ]]
        run "$BERTH" restart nosuchcontainer
        assert_status 1
        assert_output_contains "No such container: nosuchcontainer"
}

@test "pause/unpause: frozen processes, (Paused) status, stop/kill/rm -f still work" {
        local a b
        "$BERTH" run -d --name pz busybox sh -c 'i=0; while true; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done'
        sleep 0.3
        run "$BERTH" pause pz
        assert_status 0
        [[ $output == pz ]]
        run "$BERTH" inspect -f '{{.State.Status}} {{.State.Paused}} {{.State.Running}}' pz
        [[ $output == "paused true true" ]]
        run "$BERTH" ps --format '{{.Status}}'
        [[ $output == "Up "*" (Paused)" ]]
        a=$(cat "/proc/$("$BERTH" inspect -f '{{.State.Pid}}' pz)/root/tmp/n")
        sleep 0.5
        b=$(cat "/proc/$("$BERTH" inspect -f '{{.State.Pid}}' pz)/root/tmp/n")
        [[ $a == "$b" ]]
        run "$BERTH" pause pz
        assert_status 1
        assert_output_contains "is already paused"
        run "$BERTH" unpause pz
        assert_status 0
        sleep 0.3
        b=$(cat "/proc/$("$BERTH" inspect -f '{{.State.Pid}}' pz)/root/tmp/n")
        [[ $a != "$b" ]]
        run "$BERTH" unpause pz
        assert_status 1
        assert_output_contains "is not paused"
        # a paused container can be stopped, killed and removed
        "$BERTH" pause pz
        run "$BERTH" stop -t 1 pz
        assert_status 0
        [[ $(state_of pz) == exited ]]
        "$BERTH" start pz
        "$BERTH" pause pz
        run "$BERTH" kill pz
        assert_status 0
        wait_for 10 status_is pz exited
        "$BERTH" start pz
        "$BERTH" pause pz
        run "$BERTH" rm -f pz
        assert_status 0
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

@test "pause of a stopped container is an error" {
        "$BERTH" create --name notrunning busybox true
        run "$BERTH" pause notrunning
        assert_status 1
        assert_output_contains "is not running"
        run "$BERTH" pause
        assert_status 1
        assert_output_contains '"berth pause" requires at least 1 argument'
}

@test "rename: new name everywhere, the running unit keeps its name until the next start" {
        "$BERTH" run -d --name old busybox sleep 1000
        run "$BERTH" rename old new
        assert_status 0
        [[ $("$BERTH" inspect -f '{{.Name}}' new) == /new ]]
        run "$BERTH" inspect old
        assert_status 1
        [[ $(systemctl is-active berth-old.service) == active ]]
        "$BERTH" restart -t 0 new
        [[ $(systemctl is-active berth-new.service) == active ]]
        run systemctl is-active berth-old.service
        [[ $output != active ]]
        "$BERTH" create --name other busybox true
        run "$BERTH" rename new other
        assert_status 1
        assert_output_contains 'The container name "/other" is already in use'
        run "$BERTH" rename new 'bad/name'
        assert_status 1
        assert_output_contains "Invalid container name"
        run "$BERTH" rename new new
        assert_status 1
        run "$BERTH" rename new
        assert_status 1
        assert_output_contains "requires exactly 2 arguments"
}

@test "rename: the Name property emits PropertiesChanged" {
        local path
        "$BERTH" create --name watched busybox true
        path=$(busctl --system call org.berth.berth1 /org/berth/berth1 org.berth.berth1.Manager GetContainer s watched | cut -d'"' -f2)
        timeout 5 busctl --system monitor --match "type='signal',path='$path',member='PropertiesChanged'" >"$BATS_TEST_TMPDIR/mon" 2>&1 &
        sleep 0.5
        "$BERTH" rename watched watched2
        sleep 0.5
        kill %1 2>/dev/null || true
        grep -q '"Name"' "$BATS_TEST_TMPDIR/mon"
        grep -q '"watched2"' "$BATS_TEST_TMPDIR/mon"
}

@test "top: Docker's columns, the container's processes, not berth-runtime" {
        "$BERTH" run -d --name topc busybox sh -c 'sleep 1000 & sleep 1001'
        sleep 0.3
        run "$BERTH" top topc aux
        assert_status 0
        [[ ${lines[0]} =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
        assert_output_contains "sleep 1000"
        assert_output_contains "sleep 1001"
        [[ $output != *berth-runtime* ]]
        [[ ${#lines[@]} -eq 3 ]] # busybox sh execs its last command
        "$BERTH" stop -t 0 topc
        run "$BERTH" top topc
        assert_status 1
        assert_output_contains "is not running"
}

@test "stats --no-stream: Docker's columns from the unit's accounting" {
        "$BERTH" run -d --name statc busybox sh -c 'sleep 1000 & sleep 1001'
        [[ $(systemctl show -P MemoryAccounting berth-statc.service) == yes ]]
        [[ $(systemctl show -P TasksAccounting berth-statc.service) == yes ]]
        run "$BERTH" stats --no-stream
        assert_status 0
        [[ ${lines[0]} =~ ^CONTAINER\ ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ I/O\ +BLOCK\ I/O\ +PIDS$ ]]
        [[ ${lines[1]} =~ ^[0-9a-f]{12}\ +statc\ +[0-9]+\.[0-9]{2}%\ +[0-9.]+[KMG]?i?B\ /\ [0-9.]+[KMG]iB ]]
        run "$BERTH" stats --no-stream --format '{{.Name}} {{.PIDs}}' statc
        [[ $output == "statc 3" ]]
        run "$BERTH" stats --no-stream --no-trunc --format '{{.ID}}' statc
        [[ ${#output} -eq 64 ]]
        run "$BERTH" stats --no-stream --format json statc
        [[ $(jq -r .MemUsage <<<"$output") == *" / "* ]]
        run "$BERTH" stats --no-stream nosuch
        assert_status 1
}

@test "container prune: removes exited and created containers, keeps running ones" {
        local id1 id2
        "$BERTH" run -d --name keep busybox sleep 1000
        id1=$("$BERTH" run -d busybox sh -c 'echo x >/big; true')
        id2=$("$BERTH" create busybox true)
        "$BERTH" wait "$id1"
        run "$BERTH" container prune -f
        assert_status 0
        [[ ${lines[0]} == "Deleted Containers:" ]]
        assert_output_contains "$id1"
        assert_output_contains "$id2"
        [[ ${lines[-1]} == "Total reclaimed space: "* ]]
        run "$BERTH" ps -a --format '{{.Names}}'
        [[ $output == keep ]]
        run "$BERTH" container prune -f
        [[ $output == "Total reclaimed space: 0B" ]]
        # without -f it asks, and "n" keeps everything
        "$BERTH" create --name kept busybox true
        run bash -c "echo n | $BERTH container prune"
        assert_output_contains "Are you sure you want to continue? [y/N]"
        "$BERTH" inspect kept >/dev/null
}

@test "wait --condition: not-running, next-exit and removed" {
        "$BERTH" create --name w1 busybox sh -c 'exit 4'
        "$BERTH" start w1
        run "$BERTH" wait --condition not-running w1
        [[ $output == 4 ]]
        # next-exit waits for the next run even when exited
        "$BERTH" wait --condition next-exit w1 >"$BATS_TEST_TMPDIR/next" &
        sleep 0.5
        [[ ! -s $BATS_TEST_TMPDIR/next ]]
        "$BERTH" start w1
        wait %1
        [[ $(cat "$BATS_TEST_TMPDIR/next") == 4 ]]
        "$BERTH" wait --condition removed w1 >"$BATS_TEST_TMPDIR/removed" &
        sleep 0.5
        [[ ! -s $BATS_TEST_TMPDIR/removed ]]
        "$BERTH" rm w1
        wait %1
        [[ $(cat "$BATS_TEST_TMPDIR/removed") == 4 ]]
        run "$BERTH" wait --condition bogus w1
        assert_status 125
}

@test "stop -t: a negative timeout waits for the container, however long" {
        "$BERTH" run -d --name neg busybox sh -c 'trap "sleep 2; exit 7" TERM; while true; do sleep 0.1; done'
        sleep 0.3
        SECONDS=0
        run "$BERTH" stop -t -5 neg
        assert_status 0
        ((SECONDS >= 2))
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' neg) == 7 ]]
        run "$BERTH" stop -t x neg
        assert_status 125
        assert_output_contains 'invalid argument "x" for "-t, --time" flag'
}

@test "files written in a container survive stop/start and vanish with rm" {
        "$BERTH" run -d --name files busybox sh -c 'echo kept >/data.txt; sleep 1000'
        sleep 0.3
        "$BERTH" stop -t 0 files
        "$BERTH" start files
        [[ $(cat "/proc/$("$BERTH" inspect -f '{{.State.Pid}}' files)/root/data.txt") == kept ]]
        "$BERTH" rm -f files
        "$BERTH" run --name files busybox sh -c 'cat /data.txt' || true
        run "$BERTH" logs files
        [[ $output != *kept* ]]
}

@test "ps STATUS: Created, Up, Exited (N) ... ago" {
        "$BERTH" create --name st-created busybox true
        "$BERTH" run -d --name st-up busybox sleep 1000
        "$BERTH" run --name st-exited busybox sh -c 'exit 2' || true
        run "$BERTH" ps -a --format '{{.Names}}={{.Status}}'
        assert_output_contains "st-created=Created"
        [[ $output =~ st-up=Up\ (Less\ than\ a\ second|[0-9]+\ seconds?) ]]
        [[ $output =~ st-exited=Exited\ \(2\)\ (Less\ than\ a\ second|[0-9]+\ seconds?)\ ago ]]
}

# --- stop signal ----------------------------------------------------------------

@test "stop sends the image's STOPSIGNAL (the unit's KillSignal=), and the container's own exit code counts" {
        "$BERTH" load -i "$(berth_test_image stopsig-docker.tar)" >/dev/null
        "$BERTH" run -d --name stopsig stopsig >/dev/null
        wait_for 5 bash -c "'$BERTH' logs stopsig | grep -q ready"
        run systemctl show berth-stopsig.service -p KillSignal --value
        [[ $output == 2 ]]
        SECONDS=0
        "$BERTH" stop stopsig
        # SIGINT is trapped: the container exits at once with its own code, long before the 10 s timeout.
        ((SECONDS < 5))
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' stopsig) == 42 ]]
        run "$BERTH" logs stopsig
        assert_output_contains "got INT"
}
