#!/usr/bin/env bats
# berthd as a user meets it: over the system bus with busctl, its containers as
# systemd units (systemctl, journalctl). Runs inside a berth-sandbox.
# shellcheck disable=SC2154 # $output and $status are set by bats' `run`

load helpers

DEST=org.berth.berth1
MANAGER=(org.berth.berth1 /org/berth/berth1 org.berth.berth1.Manager)
CIFACE=org.berth.berth1.Container

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

# create NAME CMD... : CreateContainer busybox with Name=NAME; prints the object path.
create() {
        local name=$1
        shift
        busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox $# "$@" 1 Name s "$name" |
                sed -e 's/^o "//' -e 's/"$//'
}

# ccall PATH METHOD [SIGNATURE ARGS...] : a Container method.
ccall() {
        local path=$1
        shift
        busctl call -- "$DEST" "$path" "$CIFACE" "$@"
}

# prop PATH NAME : one property's value, without its type.
prop() {
        busctl get-property "$DEST" "$1" "$CIFACE" "$2" | cut -d' ' -f2- | tr -d '"'
}

container_dirs() {
        find /var/lib/berth/containers -mindepth 1 -maxdepth 1 | wc -l
}

@test "bus activation: a call starts berthd" {
        systemctl stop berthd.service
        run systemctl is-active berthd.service
        [[ $output == inactive ]]
        run busctl call "${MANAGER[@]}" ListContainers b true
        assert_status 0
        [[ $output == "a(sssssstttiuos) "* ]]
        run systemctl is-active berthd.service
        [[ $output == active ]]
}

@test "introspection shows the interfaces and properties" {
        run busctl introspect "$DEST" /org/berth/berth1
        assert_status 0
        assert_output_contains org.berth.berth1.Manager
        assert_output_contains CreateContainer
        run busctl get-property "${MANAGER[@]}" Version
        [[ $output == 's "'*'"' ]]

        path=$(create intro true)
        run busctl introspect "$DEST" "$path" "$CIFACE"
        assert_status 0
        assert_output_contains StartWithStreams
        assert_output_contains .State
        run busctl tree "$DEST"
        assert_output_contains "$path"
}

@test "the container unit has the properties of the contract" {
        path=$(create props sleep 60)
        ccall "$path" Start
        run systemctl show berth-props.service -p Type,NotifyAccess,Delegate,KillMode,Slice,CollectMode,LogRateLimitIntervalUSec,DevicePolicy,ActiveState,SyslogIdentifier
        assert_status 0
        assert_output_contains "Type=notify"
        assert_output_contains "NotifyAccess=all"
        assert_output_contains "Delegate=yes"
        assert_output_contains "KillMode=mixed"
        assert_output_contains "Slice=berth.slice"
        assert_output_contains "CollectMode=inactive-or-failed"
        # 0 would be journald's default limit: 1 µs is no limit (70-logs-events.bats counts the lines).
        assert_output_contains "LogRateLimitIntervalUSec=1us"
        assert_output_contains "DevicePolicy=closed"
        assert_output_contains "ActiveState=active"
        assert_output_contains "SyslogIdentifier=props"
        [[ $(prop "$path" State) == running ]]
        pid=$(prop "$path" Pid)
        [[ $pid -gt 1 ]]
        # The Pid is the container's init: a sleep, in the unit's cgroup.
        [[ $(cat /proc/"$pid"/comm) == sleep ]]
        grep -q berth-props.service /proc/"$pid"/cgroup
        # Not bound to berthd.
        run systemctl show berth-props.service -p BindsTo,PartOf,Requires
        [[ $output != *berthd* ]]
}

@test "output reaches the journal; the exit code is the container's" {
        path=$(create out sh -c 'echo to-stdout; echo to-stderr >&2; exit 3')
        ccall "$path" Start
        run ccall "$path" Wait
        [[ $output == "i 3" ]]
        [[ $(prop "$path" State) == exited ]]
        [[ $(prop "$path" ExitCode) == 3 ]]
        [[ $(prop "$path" FinishedAt) -ge $(prop "$path" StartedAt) ]]
        journalctl --sync
        run journalctl -u berth-out.service -o cat --no-pager
        assert_output_contains to-stdout
        assert_output_contains to-stderr
        run journalctl CONTAINER_NAME=out -o cat --no-pager
        assert_output_contains to-stdout
        id=$(prop "$path" Id)
        run journalctl CONTAINER_ID_FULL="$id" -o cat --no-pager
        assert_output_contains to-stderr
}

@test "Stop kills after the given timeout: 137" {
        path=$(create stopper sleep 1000)
        ccall "$path" Start
        start=$SECONDS
        ccall "$path" Stop t 1000000
        # sleep as PID 1 of its namespace ignores SIGTERM: SIGKILL after 1 s, not systemd's 10 s.
        ((SECONDS - start < 8))
        [[ $(prop "$path" State) == exited ]]
        [[ $(prop "$path" ExitCode) == 137 ]]
}

@test "Stop with a timeout longer than the unit's 10 s waits that long" {
        path=$(create patient sh -c 'trap "sleep 11; exit 0" TERM; while :; do sleep 0.1; done')
        ccall "$path" Start
        start=$SECONDS
        ccall "$path" Stop t 20000000
        ((SECONDS - start >= 10))
        # systemd's own timeout would have killed it: 137.
        [[ $(prop "$path" ExitCode) == 0 ]]
}

@test "Stop of a container that traps TERM: its own exit code" {
        path=$(create trapper sh -c 'trap "exit 143" TERM; while :; do sleep 0.1; done')
        ccall "$path" Start
        ccall "$path" Stop t 18446744073709551615
        [[ $(prop "$path" ExitCode) == 143 ]]
}

@test "Kill: signals, not running, invalid signal" {
        path=$(create killme sh -c 'trap "exit 42" USR1; while :; do sleep 0.1; done')
        ccall "$path" Start
        run ccall "$path" Kill i 0
        assert_status 1
        assert_output_contains "Invalid signal"
        ccall "$path" Kill i 10
        run ccall "$path" Wait
        [[ $output == "i 42" ]]
        run ccall "$path" Kill i 9
        assert_status 1
        assert_output_contains "is not running"

        path=$(create killme9 sleep 1000)
        ccall "$path" Start
        ccall "$path" Kill i 9
        run ccall "$path" Wait
        [[ $output == "i 137" ]]
}

@test "Remove: a running container needs force" {
        path=$(create busy sleep 1000)
        id=$(prop "$path" Id)
        ccall "$path" Start
        run ccall "$path" Remove b false
        assert_status 1
        assert_output_contains "You cannot remove a running container $id"
        [[ $(prop "$path" State) == running ]]
        ccall "$path" Remove b true
        [[ ! -e /var/lib/berth/containers/$id ]]
        run busctl call "${MANAGER[@]}" GetContainer s busy
        assert_status 1
        assert_output_contains "No such container: busy"
        run systemctl is-active berth-busy.service
        [[ $output != active ]]
}

@test "AutoRemove removes the container once it exited" {
        path=$(busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox 1 true 2 Name s gone AutoRemove b true |
                sed -e 's/^o "//' -e 's/"$//')
        id=$(prop "$path" Id)
        ccall "$path" Start
        wait_for 5 test ! -e "/var/lib/berth/containers/$id"
        run busctl call "${MANAGER[@]}" GetContainer s gone
        assert_status 1
}

@test "start failures: exec not found, not executable" {
        path=$(create nocmd /no/such/binary)
        run ccall "$path" Start
        assert_status 1
        assert_output_contains 'executable file not found'
        [[ $(prop "$path" ExitCode) == 127 ]]
        [[ $(prop "$path" State) == exited ]]
        path=$(create noexec /etc/passwd)
        run ccall "$path" Start
        assert_status 1
        assert_output_contains 'permission denied'
        [[ $(prop "$path" ExitCode) == 126 ]]
}

@test "bad input: wrong types, unknown options, names; berthd keeps answering" {
        before=$(container_dirs)
        run busctl call "${MANAGER[@]}" CreateContainer s busybox
        assert_status 1
        run busctl call "${MANAGER[@]}" ListContainers s yes
        assert_status 1
        assert_output_contains "Invalid"
        run busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox 1 true 1 Name i 3
        assert_status 1
        assert_output_contains "Option Name must be of type 's'"
        run busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox 1 true 1 Bogus s x
        assert_status 1
        assert_output_contains "Unknown option: Bogus"
        for name in ../x "has space" "$(printf 'a%.0s' {1..300})" _x; do
                run busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox 1 true 1 Name s "$name"
                assert_status 1
                assert_output_contains "Invalid container name"
        done
        run busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' nosuchimage 1 true 0
        assert_status 1
        assert_output_contains "Unable to find image 'nosuchimage:latest' locally"
        [[ $(container_dirs) == "$before" ]]
        run busctl call "${MANAGER[@]}" ListContainers b true
        assert_status 0
}

@test "a name in use is refused" {
        path=$(create twin true)
        id=$(prop "$path" Id)
        run busctl call -- "${MANAGER[@]}" CreateContainer 'sasa{sv}' busybox 1 true 1 Name s twin
        assert_status 1
        assert_output_contains "Conflict. The container name \"/twin\" is already in use by container \"$id\""
}

@test "GetContainer by name, id and unique prefix" {
        path=$(create findme true)
        id=$(prop "$path" Id)
        for key in findme "$id" "${id:0:12}"; do
                run busctl call "${MANAGER[@]}" GetContainer s "$key"
                [[ $output == "o \"$path\"" ]]
        done
}

@test "PropertiesChanged on start and exit" {
        path=$(create watched sh -c 'sleep 0.5; exit 5')
        busctl monitor --match "type='signal',sender='$DEST',path='$path',member='PropertiesChanged'" \
                >"$BATS_TEST_TMPDIR/monitor" 2>&1 &
        monitor=$!
        sleep 0.5
        ccall "$path" Start
        ccall "$path" Wait
        sleep 0.5
        kill "$monitor"
        wait "$monitor" || true
        run cat "$BATS_TEST_TMPDIR/monitor"
        assert_output_contains '"running"'
        assert_output_contains '"exited"'
        assert_output_contains 'ExitCode'
}

@test "systemctl restart berthd: running containers keep running, exited keep their code" {
        run_path=$(create survivor sleep 1000)
        ccall "$run_path" Start
        done_path=$(create finished sh -c 'exit 7')
        ccall "$done_path" Start
        ccall "$done_path" Wait
        main_pid=$(systemctl show -P MainPID berth-survivor.service)

        systemctl restart berthd.service

        [[ $(systemctl show -P MainPID berth-survivor.service) == "$main_pid" ]]
        run busctl call "${MANAGER[@]}" ListContainers b false
        assert_output_contains '"survivor"'
        assert_output_contains '"running"'
        [[ $(prop "$run_path" State) == running ]]
        [[ $(prop "$done_path" ExitCode) == 7 ]]
        [[ $(prop "$done_path" State) == exited ]]

        # And the re-attached container's exit is still noticed.
        ccall "$run_path" Kill i 9
        run ccall "$run_path" Wait
        [[ $output == "i 137" ]]
}
