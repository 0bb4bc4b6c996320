#!/usr/bin/env bats
# Health checks: --health-* flags and the image's HEALTHCHECK, probes through the exec path on berthd's
# own timers, State.Health, ps STATUS, events and PropertiesChanged, --health-on-failure, berthd
# restarts, no leaks after rm. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
        if ! "$BERTH" image inspect healthy:latest >/dev/null 2>&1; then
                "$BERTH" load -i "$(berth_test_image healthy-docker.tar)" >/dev/null
        fi
}

teardown() {
        berth_teardown
}

health_of() {
        "$BERTH" inspect -f '{{.State.Health.Status}}' "$1"
}

health_is() {
        [[ $(health_of "$1") == "$2" ]]
}

log_length() {
        "$BERTH" inspect -f '{{json .State.Health.Log}}' "$1" | jq length
}

log_longer_than() {
        (($(log_length "$1") > $2))
}

state_is() {
        [[ $("$BERTH" inspect -f '{{.State.Status}}' "$1") == "$2" ]]
}

started_since() {
        [[ $("$BERTH" inspect -f '{{.State.StartedAt}}' "$1") != "$2" ]]
}

container_property() {
        busctl get-property org.berth.berth1 "$("$BERTH" inspect -f '{{.Id}}' "$1" | sed 's|^|/org/berth/berth1/container/|')" \
                org.berth.berth1.Container "$2"
}

# --- the check and its status -------------------------------------------------

@test "--health-cmd: the first probe runs at once, not after the 30s interval (moby#33410)" {
        run "$BERTH" run -d --name hc --health-cmd 'echo probe-out; exit 0' busybox sleep 1000
        assert_status 0
        # Default interval 30 s: healthy within seconds means the first probe did not wait for it.
        wait_for 5 health_is hc healthy
        run "$BERTH" ps --format '{{.Names}} {{.Status}}'
        assert_output_contains "hc Up"
        assert_output_contains "(healthy)"
        run "$BERTH" inspect -f '{{json .State.Health}}' hc
        assert_status 0
        [[ $(jq -r .Status <<<"$output") == healthy ]]
        [[ $(jq -r .FailingStreak <<<"$output") == 0 ]]
        [[ $(jq -r '.Log[0].ExitCode' <<<"$output") == 0 ]]
        [[ $(jq -r '.Log[0].Output' <<<"$output") == "probe-out"* ]]
        [[ $(jq -r '.Log[0].Start' <<<"$output") == 20*Z ]]
        [[ $(jq -r '.Log[0].End' <<<"$output") == 20*Z ]]
        run "$BERTH" inspect -f '{{json .Config.Healthcheck}}' hc
        [[ $(jq -c .Test <<<"$output") == '["CMD-SHELL","echo probe-out; exit 0"]' ]]
        [[ $(jq -r .Interval <<<"$output") == 30000000000 ]]
        [[ $(jq -r .Timeout <<<"$output") == 30000000000 ]]
        [[ $(jq -r .Retries <<<"$output") == 3 ]]
        # One probe only so far: the next one waits for the interval.
        sleep 1
        [[ $(log_length hc) == 1 ]]
}

@test "ps shows (health: starting) until the first result, with a start period" {
        run "$BERTH" run -d --name sp --health-cmd true --health-interval 1s --health-start-period 3s \
                busybox sleep 1000
        assert_status 0
        run "$BERTH" ps --format '{{.Names}} {{.Status}}'
        assert_output_contains "(health: starting)"
        sleep 2
        health_is sp starting
        [[ $(log_length sp) == 0 ]]
        wait_for 5 health_is sp healthy
}

@test "image HEALTHCHECK: healthy, then unhealthy after Retries failures; the log keeps the last 5" {
        run "$BERTH" run -d --name img healthy
        assert_status 0
        wait_for 5 health_is img healthy
        run "$BERTH" inspect -f '{{json .Config.Healthcheck}}' img
        [[ $(jq -c .Test <<<"$output") == '["CMD","test","!","-e","/tmp/sick"]' ]]
        [[ $(jq -r .Interval <<<"$output") == 1000000000 ]]
        [[ $(jq -r .Retries <<<"$output") == 2 ]]

        "$BERTH" exec img touch /tmp/sick
        wait_for 10 health_is img unhealthy
        run "$BERTH" ps --format '{{.Names}} {{.Status}}'
        assert_output_contains "img Up"
        assert_output_contains "(unhealthy)"
        streak=$("$BERTH" inspect -f '{{.State.Health.FailingStreak}}' img)
        ((streak >= 2))
        wait_for 10 log_longer_than img 4
        sleep 2
        [[ $(log_length img) == 5 ]]
        run "$BERTH" inspect -f '{{json .State.Health.Log}}' img
        [[ $(jq -r '.[-1].ExitCode' <<<"$output") == 1 ]]

        # And back.
        "$BERTH" exec img rm /tmp/sick
        wait_for 5 health_is img healthy
        [[ $("$BERTH" inspect -f '{{.State.Health.FailingStreak}}' img) == 0 ]]
}

@test "flags override the image's values; --no-healthcheck turns the image's check off" {
        run "$BERTH" run -d --name ovr --health-interval 5s --health-retries 7 healthy
        assert_status 0
        run "$BERTH" inspect -f '{{json .Config.Healthcheck}}' ovr
        [[ $(jq -c .Test <<<"$output") == '["CMD","test","!","-e","/tmp/sick"]' ]]
        [[ $(jq -r .Interval <<<"$output") == 5000000000 ]]
        [[ $(jq -r .Timeout <<<"$output") == 5000000000 ]]
        [[ $(jq -r .Retries <<<"$output") == 7 ]]

        run "$BERTH" run -d --name off --no-healthcheck healthy
        assert_status 0
        sleep 1.5
        run "$BERTH" inspect -f '{{json .State}}' off
        [[ $(jq -r 'has("Health")' <<<"$output") == false ]]
        run "$BERTH" ps --format '{{.Names}} {{.Status}}'
        [[ $(grep '^off ' <<<"$output") =~ ^off\ Up\ [^\(]*$ ]]
        run container_property off Health
        [[ $output == 's ""' ]]

        # No check at all: no Health either.
        run "$BERTH" run -d --name plain busybox sleep 1000
        run "$BERTH" inspect -f '{{json .State}}' plain
        [[ $(jq -r 'has("Health")' <<<"$output") == false ]]
}

@test "--health-timeout kills the probe and records Docker's timeout result" {
        run "$BERTH" run -d --name slow --health-cmd 'sleep 30; echo late' --health-timeout 500ms \
                --health-retries 1 --health-interval 1s busybox sleep 1000
        assert_status 0
        wait_for 5 health_is slow unhealthy
        run "$BERTH" inspect -f '{{json .State.Health.Log}}' slow
        [[ $(jq -r '.[0].ExitCode' <<<"$output") == -1 ]]
        [[ $(jq -r '.[0].Output' <<<"$output") == "Health check exceeded timeout (500ms)" ]]
        # The probe and its child are gone, not left behind in the container.
        sleep 0.5
        run "$BERTH" exec slow ps -o pid,args
        [[ $output != *"sleep 30"* ]]
}

@test "a probe that cannot run counts as a failure (127, Docker's words)" {
        run "$BERTH" run -d --name nf --health-cmd '/nonexistent' --health-interval 1s --health-retries 1 \
                busybox sleep 1000
        wait_for 5 health_is nf unhealthy
        run "$BERTH" inspect -f '{{json .State.Health.Log}}' nf
        [[ $(jq -r '.[0].ExitCode' <<<"$output") == 127 ]]
        [[ $(jq -r '.[0].Output' <<<"$output") == *"/nonexistent"* ]]
}

@test "status changes emit health_status events and PropertiesChanged of Health" {
        local since
        since=$(date +%s)
        busctl monitor --match "type='signal',sender='org.berth.berth1',member='PropertiesChanged'" \
                >"$BATS_TEST_TMPDIR/monitor" 2>&1 &
        local monitor=$!
        sleep 0.5
        run "$BERTH" run -d --name ev healthy
        wait_for 5 health_is ev healthy
        "$BERTH" exec ev touch /tmp/sick
        wait_for 10 health_is ev unhealthy
        sleep 0.5
        kill "$monitor"
        wait "$monitor" || true

        run "$BERTH" events --since "$since" --until "$(($(date +%s) + 1))" --filter container=ev
        assert_status 0
        assert_output_contains "container health_status: healthy"
        assert_output_contains "container health_status: unhealthy"
        [[ $(grep -c 'health_status' <<<"$output") == 2 ]]
        grep -q '"Health"' "$BATS_TEST_TMPDIR/monitor"
        grep -A3 '"Health"' "$BATS_TEST_TMPDIR/monitor" | grep -q '"unhealthy"'
}

# --- beyond Docker: --health-on-failure -----------------------------------------

@test "--health-on-failure=kill: an unhealthy container is killed (137)" {
        run "$BERTH" run -d --name hk --health-cmd 'test ! -e /dev/shm/sick' --health-interval 1s \
                --health-retries 1 --health-on-failure kill busybox sleep 1000
        assert_status 0
        wait_for 5 health_is hk healthy
        [[ $("$BERTH" inspect -f '{{.Config.Healthcheck.OnFailure}}' hk) == kill ]]
        "$BERTH" exec hk touch /dev/shm/sick
        wait_for 10 state_is hk exited
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' hk) == 137 ]]
}

@test "--health-on-failure=restart: an unhealthy container is restarted and starts over" {
        run "$BERTH" run -d --name hr --health-cmd 'test ! -e /dev/shm/sick' --health-interval 1s \
                --health-retries 1 --health-on-failure restart busybox sleep 1000
        assert_status 0
        wait_for 5 health_is hr healthy
        local started
        started=$("$BERTH" inspect -f '{{.State.StartedAt}}' hr)
        "$BERTH" exec hr touch /dev/shm/sick
        # /dev/shm is the run's own tmpfs: the new run is healthy again.
        wait_for 20 started_since hr "$started"
        wait_for 10 health_is hr healthy
        state_is hr running
}

# --- lifecycle ------------------------------------------------------------------

@test "no probes while stopped; a new start begins with starting" {
        run "$BERTH" run -d --name st --health-cmd true --health-interval 1s busybox sleep 1000
        wait_for 5 health_is st healthy
        "$BERTH" stop -t 1 st
        n=$(log_length st)
        sleep 2.5
        [[ $(log_length st) == "$n" ]]
        run "$BERTH" ps -a --format '{{.Names}} {{.Status}}'
        [[ $(grep '^st ' <<<"$output") == "st Exited ("* ]]
        [[ $(grep '^st ' <<<"$output") != *health* ]]
        "$BERTH" start st
        run container_property st Health
        [[ $output == 's "starting"' || $output == 's "healthy"' ]]
        wait_for 5 health_is st healthy
}

@test "systemctl restart berthd: the check goes on, its status kept" {
        run "$BERTH" run -d --name rs --health-cmd true --health-interval 1s busybox sleep 1000
        wait_for 5 health_is rs healthy
        systemctl restart berthd
        health_is rs healthy
        n=$(log_length rs)
        wait_for 5 log_longer_than rs "$n"
        health_is rs healthy
}

@test "no leaked units, timers or fds after 20 create/start/rm cycles (podman#22884)" {
        run "$BERTH" run -d --name warm --health-cmd true --health-interval 100ms busybox true
        sleep 1
        "$BERTH" rm -f warm >/dev/null
        local units timers fds pid
        pid=$(systemctl show -P MainPID berthd)
        units=$(systemctl list-units --all --no-legend | wc -l)
        timers=$(systemctl list-timers --all --no-legend | wc -l)
        fds=$(find "/proc/$pid/fd" -mindepth 1 | wc -l)
        for i in $(seq 20); do
                "$BERTH" create --name "leak$i" --health-cmd true --health-interval 100ms busybox sleep 1000 >/dev/null
                "$BERTH" start "leak$i"
                wait_for 5 health_is "leak$i" healthy
                "$BERTH" rm -f "leak$i" >/dev/null
        done
        sleep 1
        [[ $(systemctl show -P MainPID berthd) == "$pid" ]]
        [[ $(systemctl list-units --all --no-legend | wc -l) == "$units" ]]
        [[ $(systemctl list-timers --all --no-legend | wc -l) == "$timers" ]]
        [[ $(find "/proc/$pid/fd" -mindepth 1 | wc -l) == "$fds" ]]
        [[ -z $(systemctl list-units --all --no-legend 'berth-leak*') ]]
}

# --- bad input --------------------------------------------------------------------

no_container_named() {
        ! "$BERTH" inspect "$1" >/dev/null 2>&1
}

@test "--health-interval 0 is refused (125), nothing is created" {
        run "$BERTH" run -d --name bad0 --health-cmd true --health-interval 0 busybox sleep 1000
        assert_status 125
        assert_output_contains "Interval in Healthcheck cannot be less than 1ms"
        no_container_named bad0
        run "$BERTH" create --name bad0 --health-timeout 0.5ms --health-cmd true busybox
        assert_status 125
        assert_output_contains "Timeout in Healthcheck cannot be less than 1ms"
        no_container_named bad0
}

@test "negative retries, unparsable or negative durations, conflicting flags: 125, nothing created" {
        run "$BERTH" run -d --name bad1 --health-cmd true --health-retries -1 busybox sleep 1000
        assert_status 125
        assert_output_contains "--health-retries cannot be negative"
        run "$BERTH" run -d --name bad1 --health-cmd true --health-retries many busybox sleep 1000
        assert_status 125
        assert_output_contains 'invalid argument "many" for "--health-retries" flag'
        run "$BERTH" run -d --name bad1 --health-cmd true --health-interval abc busybox sleep 1000
        assert_status 125
        assert_output_contains 'invalid argument "abc" for "--health-interval" flag'
        run "$BERTH" run -d --name bad1 --health-cmd true --health-start-period -5s busybox sleep 1000
        assert_status 125
        assert_output_contains "--health-start-period cannot be negative"
        run "$BERTH" run -d --name bad1 --no-healthcheck --health-cmd true busybox sleep 1000
        assert_status 125
        assert_output_contains "--no-healthcheck conflicts with --health-* options"
        run "$BERTH" run -d --name bad1 --health-cmd true --health-on-failure explode busybox sleep 1000
        assert_status 125
        assert_output_contains 'invalid argument "explode" for "--health-on-failure" flag'
        no_container_named bad1
}

@test "CreateContainer refuses bad health options over the bus; berthd unaffected" {
        local M=(org.berth.berth1 /org/berth/berth1 org.berth.berth1.Manager)
        run busctl call -- "${M[@]}" CreateContainer "sasa{sv}" busybox 0 1 HealthRetries i -1
        [[ $status -ne 0 ]]
        assert_output_contains "Retries in Healthcheck cannot be negative"
        run busctl call -- "${M[@]}" CreateContainer "sasa{sv}" busybox 0 1 HealthTest as 2 BOGUS x
        [[ $status -ne 0 ]]
        assert_output_contains "Unknown healthcheck type 'BOGUS'"
        run busctl call -- "${M[@]}" CreateContainer "sasa{sv}" busybox 0 1 HealthTest as 1 CMD
        [[ $status -ne 0 ]]
        assert_output_contains "Healthcheck CMD has no command"
        run busctl call -- "${M[@]}" CreateContainer "sasa{sv}" busybox 0 1 HealthInterval t 0
        [[ $status -ne 0 ]]
        assert_output_contains "Interval in Healthcheck cannot be less than 1ms"
        run busctl call -- "${M[@]}" CreateContainer "sasa{sv}" busybox 0 1 HealthInterval s 1s
        [[ $status -ne 0 ]]
        assert_output_contains "Option HealthInterval must be of type 't'"
        run "$BERTH" ps -aq
        [[ -z $output ]]
        systemctl is-active berthd
}
