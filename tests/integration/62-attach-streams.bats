#!/usr/bin/env bats
# run -a STREAM without a terminal: only the streams asked for reach the client, as Docker; the journal
# (berth logs) keeps both; start -a attaches stdout and stderr. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $stderr, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

OUT_ERR='echo out; echo err >&2'

@test "run -a stderr: only stderr reaches the client, logs keep both" {
        run --separate-stderr "$BERTH" run --name ae -a stderr busybox sh -c "$OUT_ERR"
        assert_status 0
        [[ -z $output ]]
        [[ $stderr == err ]]
        run --separate-stderr "$BERTH" logs ae
        [[ $output == out ]]
        [[ $stderr == err ]]
}

@test "run -a stdout: only stdout reaches the client, logs keep both" {
        run --separate-stderr "$BERTH" run --name ao -a stdout busybox sh -c "$OUT_ERR"
        assert_status 0
        [[ $output == out ]]
        [[ -z $stderr ]]
        run --separate-stderr "$BERTH" logs ao
        [[ $output == out ]]
        [[ $stderr == err ]]
}

@test "run -a stdout -a STDERR attaches both; no -a attaches both; exit code kept" {
        run --separate-stderr "$BERTH" run --rm -a stdout -a STDERR busybox sh -c "$OUT_ERR; exit 3"
        assert_status 3
        [[ $output == out ]]
        [[ $stderr == err ]]
        run --separate-stderr "$BERTH" run --rm busybox sh -c "$OUT_ERR"
        assert_status 0
        [[ $output == out ]]
        [[ $stderr == err ]]
        # -a stdin alone attaches no output (Docker's AttachStdout/AttachStderr false).
        run --separate-stderr "$BERTH" run --rm -a stdin busybox sh -c "$OUT_ERR" </dev/null
        assert_status 0
        [[ -z $output && -z $stderr ]]
}

@test "run -a stdout with a missing command: the error still reaches the client, 127" {
        run -127 --separate-stderr "$BERTH" run --rm -a stdout busybox nosuchbinary
        assert_status 127
        [[ -z $output ]]
        # shellcheck disable=SC2016 # Docker's words, with a literal $PATH
        [[ $stderr == *'exec: "nosuchbinary": executable file not found in $PATH'* ]]
        # With stderr attached the runtime says it, and berth does not say it again.
        run -127 --separate-stderr "$BERTH" run --rm -a stderr busybox nosuchbinary
        assert_status 127
        [[ $(grep -c 'executable file not found' <<<"$stderr") == 1 ]]
}

@test "start -a of a container created with -a stderr attaches stdout and stderr, as Docker" {
        "$BERTH" create --name sa -a stderr busybox sh -c "$OUT_ERR"
        run --separate-stderr "$BERTH" start -a sa
        assert_status 0
        [[ $output == out ]]
        [[ $stderr == err ]]
}

@test "run -a with a bad stream name: Docker's error, 125" {
        run "$BERTH" run -a stdfoo busybox true
        assert_status 125
        assert_output_contains 'invalid argument "stdfoo" for "-a, --attach" flag'
        run "$BERTH" run -d -a stdout busybox true
        assert_status 125
        assert_output_contains 'Conflicting options: -a and -d'
}
