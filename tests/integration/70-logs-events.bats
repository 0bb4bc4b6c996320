#!/usr/bin/env bats
# Logs through journald (berth logs, journalctl's fields) and Docker's events
# (berth events, the Manager's Event signal, busctl monitor). Runs inside a
# berth-sandbox (see helpers.bash).

# shellcheck disable=SC2154 # $output, $lines, $status and $stderr come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        local p
        for p in "${BG_PIDS[@]}"; do
                kill "$p" 2>/dev/null || true
        done
        berth_teardown
}

BG_PIDS=()

# The journal entries of container $1 as JSON lines.
container_journal() {
        journalctl -q --no-pager CONTAINER_NAME="$1" -o json
}

# Waits until the container $1 has exited.
wait_exited() {
        wait_for 30 bash -c "[[ \$('$BERTH' inspect -f '{{.State.Status}}' '$1') == exited ]]"
}

# berth events ARGS as "action signal-or-exit-code" lines.
events_actions() {
        "$BERTH" events --format json "$@" |
                jq -r '"\(.Action) \(.Actor.Attributes.signal // "")\(.Actor.Attributes.exitCode // "")"'
}

# Asserts that $output (from bats' `run`) is exactly $1.
assert_output_is() {
        if [[ $output != "$1" ]]; then
                printf 'expected output: %q\nactual output:   %q\n' "$1" "$output" >&2
                return 1
        fi
}

# Docker's time format of logs -t and events: RFC 3339 with 9 digits, UTC.
RFC3339_NANO_FIXED='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z'

# --- the journal -----------------------------------------------------------

@test "journal: container lines carry CONTAINER_ID, CONTAINER_ID_FULL, CONTAINER_NAME, IMAGE_NAME, SYSLOG_IDENTIFIER, priorities 6/3" {
        local id
        id=$("$BERTH" run -d --name lg-fields busybox sh -c 'echo to-out; echo to-err >&2')
        wait_exited lg-fields
        wait_for 10 bash -c "journalctl -q CONTAINER_NAME=lg-fields -o cat | grep -q to-err"

        run container_journal lg-fields
        assert_status 0
        local out err
        out=$(jq -c 'select(.MESSAGE == "to-out")' <<<"$output")
        err=$(jq -c 'select(.MESSAGE == "to-err")' <<<"$output")
        [[ -n $out && -n $err ]]
        [[ $(jq -r .CONTAINER_ID <<<"$out") == "${id:0:12}" ]]
        [[ $(jq -r .CONTAINER_ID_FULL <<<"$out") == "$id" ]]
        [[ $(jq -r .CONTAINER_NAME <<<"$out") == lg-fields ]]
        [[ $(jq -r .IMAGE_NAME <<<"$out") == busybox ]]
        [[ $(jq -r .SYSLOG_IDENTIFIER <<<"$out") == lg-fields ]]
        [[ $(jq -r .PRIORITY <<<"$out") == 6 ]]
        [[ $(jq -r .PRIORITY <<<"$err") == 3 ]]
        [[ $(jq -r ._SYSTEMD_UNIT <<<"$out") == berth-lg-fields.service ]]

        # journalctl -u shows them too.
        run journalctl -q --no-pager -u berth-lg-fields.service -o cat
        assert_output_contains to-out
        assert_output_contains to-err
}

@test "journal: the container unit has no rate limit (a 1 µs window)" {
        "$BERTH" run -d --name lg-rate busybox sleep 1000 >/dev/null
        run systemctl show berth-lg-rate.service -p LogRateLimitIntervalUSec
        # Not 0: systemd takes 0 as "journald's default" and journald then cuts a burst at ~10000 lines
        # times a factor of the free space (35000 here). The 100000-line tests below count every line.
        [[ $output == LogRateLimitIntervalUSec=1us ]]
}

# --- berth logs ---------------------------------------------------------------

@test "logs: stdout lines go to stdout, stderr lines to stderr" {
        "$BERTH" run -d --name lg-streams busybox sh -c 'echo o1; echo e1 >&2; echo o2; echo e2 >&2' >/dev/null
        wait_exited lg-streams
        run --separate-stderr "$BERTH" logs lg-streams
        assert_status 0
        assert_output_is $'o1\no2'
        [[ $stderr == $'e1\ne2' ]]
}

@test "logs: --tail N, --tail all, --tail 0" {
        "$BERTH" run -d --name lg-tail busybox seq 10 >/dev/null
        wait_exited lg-tail
        run "$BERTH" logs --tail 3 lg-tail
        assert_status 0
        assert_output_is $'8\n9\n10'
        run "$BERTH" logs -n 1 lg-tail
        [[ $output == 10 ]]
        run "$BERTH" logs --tail all lg-tail
        [[ $output == "$(seq 10)" ]]
        run "$BERTH" logs --tail 100 lg-tail
        [[ $output == "$(seq 10)" ]]
        run "$BERTH" logs --tail 0 lg-tail
        assert_status 0
        [[ -z $output ]]
}

@test "logs -t: Docker's RFC 3339 nano timestamp before each line, in the line's stream" {
        "$BERTH" run -d --name lg-ts busybox sh -c 'echo a; echo b >&2' >/dev/null
        wait_exited lg-ts
        run --separate-stderr "$BERTH" logs -t lg-ts
        assert_status 0
        [[ $output =~ ^${RFC3339_NANO_FIXED}\ a$ ]]
        [[ $stderr =~ ^${RFC3339_NANO_FIXED}\ b$ ]]
        # The time is the journal's, within a minute of now.
        local t
        t=$(date -u -d "${output%% *}" +%s)
        ((t <= $(date +%s) + 1 && t >= $(date +%s) - 60))
}

@test "logs --since/--until: RFC 3339, Unix timestamps and durations" {
        "$BERTH" run -d --name lg-since busybox sh -c 'echo first; sleep 2; echo second' >/dev/null
        wait_exited lg-since
        local t_second
        t_second=$(journalctl -q CONTAINER_NAME=lg-since MESSAGE=second -o json | jq -r .__REALTIME_TIMESTAMP)
        local mid=$(((t_second / 1000000) - 1))

        run "$BERTH" logs --since "$mid" lg-since
        [[ $output == second ]]
        run "$BERTH" logs --until "$mid" lg-since
        [[ $output == first ]]
        run "$BERTH" logs --since "$(date -u -d "@$mid" +%Y-%m-%dT%H:%M:%SZ)" lg-since
        [[ $output == second ]]
        run "$BERTH" logs --until "$(date -u -d "@$mid" +%Y-%m-%dT%H:%M:%S.000000000Z)" lg-since
        [[ $output == first ]]
        run "$BERTH" logs --since 10m lg-since
        assert_output_is $'first\nsecond'
        run "$BERTH" logs --until 10m lg-since
        assert_status 0
        [[ -z $output ]]
        # With --tail: the last line of those after --since.
        run "$BERTH" logs --since 10m --tail 1 lg-since
        [[ $output == second ]]
}

@test "logs: 100000 numbered lines, none lost or doubled" {
        "$BERTH" run -d --name lg-100k busybox seq 100000 >/dev/null
        wait_exited lg-100k
        "$BERTH" logs lg-100k >"$BATS_TEST_TMPDIR/logs"
        seq 100000 | cmp - "$BATS_TEST_TMPDIR/logs"
        [[ $(journalctl -q CONTAINER_NAME=lg-100k -o cat | wc -l) -eq 100000 ]]
}

@test "logs -f started before the container finishes: all 100000 lines, then it returns" {
        "$BERTH" run -d --name lg-follow busybox sh -c 'sleep 1; seq 100000' >/dev/null
        run timeout 120 "$BERTH" logs -f lg-follow
        assert_status 0
        [[ ${#lines[@]} -eq 100000 ]]
        cmp <(seq 100000) <(printf '%s\n' "${lines[@]}")
}

@test "logs -f ends when the container is removed" {
        "$BERTH" run -d --name lg-rm busybox sh -c 'echo hello; exec sleep 1000' >/dev/null
        timeout 60 "$BERTH" logs -f lg-rm >"$BATS_TEST_TMPDIR/out" &
        local pid=$!
        BG_PIDS+=("$pid")
        wait_for 10 grep -q hello "$BATS_TEST_TMPDIR/out"
        sleep 0.5
        kill -0 "$pid" # still following
        "$BERTH" rm -f lg-rm
        wait "$pid"
        [[ $(cat "$BATS_TEST_TMPDIR/out") == hello ]]
}

@test "logs -f follows new lines and returns once a non-restarting container exits" {
        "$BERTH" run -d --name lg-live busybox sh -c 'echo one; sleep 2; echo two; sleep 1' >/dev/null
        run timeout 60 "$BERTH" logs -f lg-live
        assert_status 0
        assert_output_is $'one\ntwo'
}

@test "logs -f keeps following across restarts of the container (same id)" {
        "$BERTH" run -d --name lg-restart --restart on-failure:2 busybox sh -c 'echo run; exit 1' >/dev/null
        run timeout 120 "$BERTH" logs -f lg-restart
        assert_status 0
        # Started 3 times in all: 3 lines, then the container stays exited and logs -f returns.
        assert_output_is $'run\nrun\nrun'
}

@test "logs -f --until returns at that time" {
        "$BERTH" run -d --name lg-until busybox sh -c 'echo x; exec sleep 1000' >/dev/null
        run timeout 30 "$BERTH" logs -f --until "$(($(date +%s) + 2))" lg-until
        assert_status 0
        [[ $output == x ]]
}

@test "logs: bad input exits 125 with Docker-like words" {
        "$BERTH" run -d --name lg-bad busybox true >/dev/null
        run -125 "$BERTH" logs --since garbage lg-bad
        assert_output_contains 'failed to parse value as time or duration: "garbage"'
        run -125 "$BERTH" logs --until 2024-13-45 lg-bad
        run -125 "$BERTH" logs --tail -5 lg-bad
        assert_output_contains 'invalid value for "tail"'
        run -125 "$BERTH" logs --tail many lg-bad
        run -125 "$BERTH" logs --no-such-flag lg-bad
        run -1 "$BERTH" logs no-such-container
        assert_output_contains 'No such container: no-such-container'
        run -1 "$BERTH" logs
        assert_output_contains 'requires exactly 1 argument'
}

# --- events -----------------------------------------------------------------

@test "events --since: create, start, die (exitCode), destroy of run --rm, in Docker's line format" {
        local since
        since=$(date +%s.%N)
        "$BERTH" run --rm --name ev-run busybox sh -c 'exit 3' || true
        run "$BERTH" events --since "$since" --until "$(date +%s.%N)" --filter container=ev-run
        assert_status 0
        [[ ${#lines[@]} -eq 4 ]]
        local id
        id=$(awk '{print $4}' <<<"${lines[0]}")
        [[ ${#id} -eq 64 ]]
        [[ ${lines[0]} =~ ^${RFC3339_NANO_FIXED}\ container\ create\ ${id}\ \(image=busybox,\ name=ev-run\)$ ]]
        [[ ${lines[1]} =~ ^${RFC3339_NANO_FIXED}\ container\ start\ ${id}\ \(image=busybox,\ name=ev-run\)$ ]]
        [[ ${lines[2]} =~ ^${RFC3339_NANO_FIXED}\ container\ die\ ${id}\ \(exitCode=3,\ image=busybox,\ name=ev-run\)$ ]]
        [[ ${lines[3]} =~ ^${RFC3339_NANO_FIXED}\ container\ destroy\ ${id}\ \(image=busybox,\ name=ev-run\)$ ]]
}

@test "events: stop gives kill (signal=15), die, stop; kill -s gives its signal" {
        local since
        since=$(date +%s.%N)
        "$BERTH" run -d --name ev-stop busybox sleep 1000 >/dev/null
        "$BERTH" stop -t 1 ev-stop >/dev/null
        run events_actions --since "$since" --until "$(date +%s.%N)" --filter container=ev-stop
        assert_status 0
        # busybox sleep as PID 1 ignores SIGTERM: killed after the timeout, as Docker's kill 15, kill 9.
        assert_output_is $'create \nstart \nkill 15\nkill 9\ndie 137\nstop '

        "$BERTH" start ev-stop >/dev/null
        since=$(date +%s.%N)
        "$BERTH" kill -s USR1 ev-stop >/dev/null
        "$BERTH" kill ev-stop >/dev/null
        wait_exited ev-stop
        run events_actions --since "$since" --until "$(date +%s.%N)" --filter container=ev-stop
        assert_output_is $'kill 10\nkill 9\ndie 137'
}

@test "events --format json: Docker's message, one object a line" {
        local since
        since=$(date +%s.%N)
        "$BERTH" run -d --name ev-json busybox true >/dev/null
        wait_exited ev-json
        run "$BERTH" events --since "$since" --until "$(date +%s.%N)" --filter container=ev-json \
                --filter event=start --format json
        assert_status 0
        [[ ${#lines[@]} -eq 1 ]]
        jq -e '.status == "start" and .Type == "container" and .Action == "start" and .from == "busybox"
                and .Actor.Attributes.name == "ev-json" and .Actor.ID == .id and .scope == "local"
                and (.timeNano / 1000000000 | floor) == .time' <<<"${lines[0]}"
        # timeNano keeps every digit (µs precision as nanoseconds, no float rounding).
        [[ ${lines[0]} =~ \"timeNano\":[0-9]{16}000\} ]]
}

@test "events filters: container by name and id prefix, event, type=image; image load" {
        local since id
        since=$(date +%s.%N)
        "$BERTH" load -i "$(berth_test_image hello-docker.tar)" >/dev/null
        id=$("$BERTH" run -d --name ev-filter busybox true)
        "$BERTH" run -d --name ev-other busybox true >/dev/null
        wait_exited ev-filter
        wait_exited ev-other
        local until
        until=$(date +%s.%N)

        run "$BERTH" events --since "$since" --until "$until" --filter "container=${id:0:12}" --format '{{.Actor.Attributes.name}}'
        [[ $(sort -u <<<"$output") == ev-filter ]]
        run "$BERTH" events --since "$since" --until "$until" --filter container=ev-filter --filter container=ev-other \
                --filter event=create --format '{{.Actor.Attributes.name}}'
        assert_output_is $'ev-filter\nev-other'
        run "$BERTH" events --since "$since" --until "$until" --filter type=image
        assert_status 0
        [[ ${#lines[@]} -ge 1 ]]
        [[ ${lines[0]} =~ ^${RFC3339_NANO_FIXED}\ image\ load\ sha256:[0-9a-f]{64}\ \(name=hello:latest\)$ ]]
        run "$BERTH" events --since "$since" --until "$until" --filter type=image --filter event=start
        [[ -z $output ]]
}

@test "events streams the bus signals as they come, and --until ends it" {
        timeout 60 "$BERTH" events --filter container=ev-live --until "$(($(date +%s) + 4))" \
                --format '{{.Action}}' >"$BATS_TEST_TMPDIR/ev" &
        local pid=$!
        BG_PIDS+=("$pid")
        sleep 1
        "$BERTH" run --rm --name ev-live busybox true
        wait "$pid"
        [[ $(cat "$BATS_TEST_TMPDIR/ev") == $'create\nstart\ndie\ndestroy' ]]
}

@test "events --since then the signals: nothing lost or doubled at the seam" {
        local since
        since=$(date +%s.%N)
        "$BERTH" create --name ev-seam busybox true >/dev/null
        timeout 60 "$BERTH" events --since "$since" --until "$(($(date +%s) + 4))" --filter container=ev-seam \
                --format '{{.Action}}' >"$BATS_TEST_TMPDIR/ev" &
        local pid=$!
        BG_PIDS+=("$pid")
        "$BERTH" start ev-seam >/dev/null
        wait_exited ev-seam
        wait "$pid"
        [[ $(cat "$BATS_TEST_TMPDIR/ev") == $'create\nstart\ndie' ]]
}

@test "busctl monitor org.berth.berth1 shows the same Event signals" {
        timeout 5 busctl monitor --system org.berth.berth1 >"$BATS_TEST_TMPDIR/mon" 2>&1 &
        local pid=$!
        BG_PIDS+=("$pid")
        sleep 1
        "$BERTH" run --rm --name ev-busctl busybox true
        wait "$pid" || true
        grep -q 'Member=Event' "$BATS_TEST_TMPDIR/mon"
        grep -q 'STRING "start"' "$BATS_TEST_TMPDIR/mon"
        grep -q 'STRING "ev-busctl"' "$BATS_TEST_TMPDIR/mon"
}

@test "events: the history is in the journal with BERTH_EVENT_* fields" {
        "$BERTH" run --rm --name ev-journal busybox true
        run journalctl -q --no-pager MESSAGE_ID=b08afd7e3f464187bb2c119fdd937c2e BERTH_EVENT_ACTION=destroy -o json
        assert_status 0
        local e
        e=$(jq -c 'select((.BERTH_EVENT_ATTRIBUTES | fromjson).name == "ev-journal")' <<<"$output")
        [[ -n $e ]]
        [[ $(jq -r .BERTH_EVENT_TYPE <<<"$e") == container ]]
        [[ $(jq -r .MESSAGE <<<"$e") =~ ^container\ destroy\ [0-9a-f]{64}\ \(image=busybox,\ name=ev-journal\)$ ]]
        # A container event is no container output: berth logs does not show it.
        [[ -z $(jq -r '.CONTAINER_ID_FULL // empty' <<<"$e") ]]
}

@test "events --since ignores records that berthd did not write" {
        local now
        now=$(date +%s)
        # An unprivileged user logs a record that looks like berthd's.
        printf '%s\n' MESSAGE_ID=b08afd7e3f464187bb2c119fdd937c2e 'MESSAGE=container start forged' \
                BERTH_EVENT_TYPE=container BERTH_EVENT_ACTION=start BERTH_EVENT_ID=forged \
                'BERTH_EVENT_ATTRIBUTES={"name":"forged"}' |
                setpriv --reuid=65534 --regid=65534 --clear-groups logger --journald
        journalctl --sync
        run journalctl -q --no-pager MESSAGE_ID=b08afd7e3f464187bb2c119fdd937c2e BERTH_EVENT_ID=forged -o cat
        assert_output_contains "forged"
        run "$BERTH" events --since "$((now - 5))" --until "$((now + 5))"
        assert_status 0
        [[ $output != *forged* ]]
}

@test "events: bad input exits 125" {
        run -125 "$BERTH" events --filter foo=bar
        assert_output_contains "invalid filter 'foo'"
        run -125 "$BERTH" events --filter container
        assert_output_contains 'bad format of filter'
        run -125 "$BERTH" events --since garbage
        assert_output_contains 'failed to parse value as time or duration: "garbage"'
        run -125 "$BERTH" events --since 2000 --until 1000
        run -125 "$BERTH" events extra-argument
        run -125 "$BERTH" events --format '{{.Action' --since 1s --until 1s
}
