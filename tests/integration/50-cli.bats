#!/usr/bin/env bats
# The berth CLI against a real berthd and systemd: Docker's verbs, flags,
# output and exit codes. Runs inside a berth-sandbox (see helpers.bash).

# shellcheck disable=SC2154 # $output, $lines, $status and $stderr come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
}

# --- run: output and exit codes ---------------------------------------------

@test "run --rm busybox echo hello prints hello" {
        run "$BERTH" run --rm busybox echo hello
        assert_status 0
        [[ $output == hello ]]
}

@test "run exits with the container's exit code" {
        run "$BERTH" run --rm busybox true
        assert_status 0
        run "$BERTH" run --rm busybox sh -c 'exit 3'
        assert_status 3
        run "$BERTH" run busybox sh -c 'exit 5'
        assert_status 5
}

@test "run: command not found exits 127, said once" {
        run -127 "$BERTH" run --rm busybox nosuchcommand
        assert_status 127
        # shellcheck disable=SC2016 # Docker's words, with a literal $PATH
        assert_output_contains 'exec: "nosuchcommand": executable file not found in $PATH'
        [[ $(grep -c 'executable file not found' <<<"$output") -eq 1 ]]
}

@test "run: a file that is not executable exits 126" {
        run "$BERTH" run --rm busybox /etc/passwd
        assert_status 126
        assert_output_contains 'permission denied'
}

@test "run: a missing image exits 125 with Docker's words and creates nothing" {
        run "$BERTH" run --rm nosuchimage true
        assert_status 125
        assert_output_contains "Unable to find image 'nosuchimage:latest' locally"
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

@test "run: a bad flag exits 125, flags after the image belong to the command" {
        run "$BERTH" run --no-such-flag busybox true
        assert_status 125
        run "$BERTH" run --rm busybox echo -e --rm
        assert_status 0
        [[ $output == "--rm" ]]
}

# --- run: flags that shape the container ------------------------------------

@test "run -e and --env-file: file first, -e wins, KEY alone comes from the client" {
        printf '# a comment\n\nFROM_FILE=file\nOVERRIDDEN=file\nBERTH_CLIENT_VAR\nBERTH_UNSET_VAR\n' >"$BATS_TEST_TMPDIR/env"
        export BERTH_CLIENT_VAR=from-client
        unset BERTH_UNSET_VAR
        run "$BERTH" run --rm --env-file "$BATS_TEST_TMPDIR/env" -e OVERRIDDEN=flag -e FLAG=1 busybox env
        assert_status 0
        assert_output_contains "FROM_FILE=file"
        assert_output_contains "OVERRIDDEN=flag"
        assert_output_contains "FLAG=1"
        assert_output_contains "BERTH_CLIENT_VAR=from-client"
        [[ $output != *BERTH_UNSET_VAR* ]]
        [[ $output != *OVERRIDDEN=file* ]]
}

@test "run --env-file with a bad line fails before creating anything" {
        printf 'GOOD=1\nBAD NAME=2\n' >"$BATS_TEST_TMPDIR/env"
        run "$BERTH" run --rm --env-file "$BATS_TEST_TMPDIR/env" busybox true
        assert_status 125
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

@test "run -w, --entrypoint, -h, -u" {
        run "$BERTH" run --rm -w /tmp busybox pwd
        assert_status 0
        [[ $output == /tmp ]]

        run "$BERTH" run --rm --entrypoint echo busybox from entrypoint
        assert_status 0
        [[ $output == "from entrypoint" ]]

        run "$BERTH" run --rm -h myhost busybox hostname
        assert_status 0
        [[ $output == myhost ]]

        run "$BERTH" run --rm -u 1000:100 busybox id
        assert_status 0
        assert_output_contains "uid=1000"
        assert_output_contains "gid=100"

        run "$BERTH" run --rm --user nobody busybox id -u
        assert_status 0
        [[ $output == 65534 ]]
}

@test "run -i passes stdin, without -i the container reads /dev/null" {
        run bash -c "echo piped | '$BERTH' run --rm -i busybox cat"
        assert_status 0
        [[ $output == piped ]]
        run bash -c "echo piped | '$BERTH' run --rm busybox cat"
        assert_status 0
        [[ -z $output ]]
}

@test "run proxies SIGTERM to the container" {
        "$BERTH" run --name cli-sigproxy busybox sh -c 'trap "exit 9" TERM; echo ready; while :; do sleep 0.1; done' \
                >"$BATS_TEST_TMPDIR/out" 2>&1 &
        local pid=$!
        wait_for 20 grep -q ready "$BATS_TEST_TMPDIR/out"
        kill -TERM "$pid"
        local rc=0
        wait "$pid" || rc=$?
        [[ $rc -eq 9 ]]
}

# --- detached containers: ps, logs, stop, kill, wait ------------------------

@test "run -d prints the id; ps, logs, stop -t 1 and ps -a show it" {
        run "$BERTH" run -d --name cli-detached busybox sh -c 'echo to-stdout; echo to-stderr >&2; sleep 1000'
        assert_status 0
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        local id=$output

        run "$BERTH" ps
        assert_status 0
        [[ ${lines[0]} == "CONTAINER ID   IMAGE     COMMAND"* ]]
        assert_output_contains "${id:0:12}"
        assert_output_contains "cli-detached"
        assert_output_contains "Up "

        wait_for 10 bash -c "'$BERTH' logs cli-detached 2>&1 | grep -q to-stderr"
        run --separate-stderr "$BERTH" logs cli-detached
        assert_status 0
        [[ $output == to-stdout ]]
        [[ $stderr == to-stderr ]]

        run "$BERTH" stop -t 1 cli-detached
        assert_status 0
        [[ $output == cli-detached ]]

        run "$BERTH" ps
        [[ $output != *cli-detached* ]]
        run "$BERTH" ps -a
        assert_output_contains "Exited (137)"
        assert_output_contains "cli-detached"
}

@test "kill -s sends the signal, wait prints the exit code" {
        "$BERTH" run -d --name cli-kill busybox sh -c 'trap "exit 7" USR1; while :; do sleep 0.1; done' >/dev/null
        run "$BERTH" kill -s BOGUS cli-kill
        assert_status 1
        assert_output_contains "invalid signal: BOGUS"
        sleep 0.5
        run "$BERTH" kill -s SIGUSR1 cli-kill
        assert_status 0
        [[ $output == cli-kill ]]
        run "$BERTH" wait cli-kill
        assert_status 0
        [[ $output == 7 ]]
        run "$BERTH" inspect -f '{{.State.ExitCode}}' cli-kill
        [[ $output == 7 ]]
}

@test "create, then start -a attaches" {
        run "$BERTH" create --name cli-created busybox echo created-then-started
        assert_status 0
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        run "$BERTH" ps -a
        assert_output_contains "Created"
        run "$BERTH" start -a cli-created
        assert_status 0
        [[ $output == created-then-started ]]
}

# --- rm ---------------------------------------------------------------------

@test "rm of a running container fails without -f and succeeds with it" {
        "$BERTH" run -d --name cli-running busybox sleep 1000 >/dev/null
        run "$BERTH" rm cli-running
        assert_status 1
        run "$BERTH" ps
        assert_output_contains cli-running
        run "$BERTH" rm -f cli-running
        assert_status 0
        [[ $output == cli-running ]]
        run "$BERTH" ps -a
        [[ $output != *cli-running* ]]
}

@test "container rm \$(container ps -aq) removes everything" {
        "$BERTH" create --name cli-a busybox true >/dev/null
        "$BERTH" create --name cli-b busybox true >/dev/null
        run "$BERTH" container ps -aq
        [[ ${#lines[@]} -eq 2 ]]
        [[ ${lines[0]} =~ ^[0-9a-f]{12}$ ]]
        # shellcheck disable=SC2046 # one id per word, as users write it
        run "$BERTH" container rm $("$BERTH" container ps -aq)
        assert_status 0
        [[ ${#lines[@]} -eq 2 ]]
        run "$BERTH" container ls -aq
        [[ -z $output ]]
}

@test "rm goes on past a missing container and exits 1" {
        "$BERTH" create --name cli-x busybox true >/dev/null
        "$BERTH" create --name cli-y busybox true >/dev/null
        run "$BERTH" rm cli-x cli-nosuch cli-y
        assert_status 1
        assert_output_contains "cli-x"
        assert_output_contains "cli-y"
        assert_output_contains "cli-nosuch"
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

# --- names ------------------------------------------------------------------

@test "a name in use is refused and the error names the holder" {
        local id
        id=$("$BERTH" create --name cli-dup busybox true)
        run "$BERTH" create --name cli-dup busybox true
        assert_status 125
        assert_output_contains "${id:0:12}"
        run "$BERTH" ps -aq
        [[ ${#lines[@]} -eq 1 ]]
}

@test "invalid names are refused and nothing is created" {
        local name
        for name in 'bad name' '-leading' 'a/b' 'é'; do
                run "$BERTH" create --name "$name" busybox true
                assert_status 125
        done
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

# --- ps / inspect output ----------------------------------------------------

@test "ps --format, --no-trunc and json" {
        local id
        id=$("$BERTH" create --name cli-fmt busybox echo x)
        run "$BERTH" ps -a --format '{{.ID}} {{.Names}}'
        [[ $output == "${id:0:12} cli-fmt" ]]
        run "$BERTH" ps -a --no-trunc --format '{{.ID}}'
        [[ $output == "$id" ]]
        run "$BERTH" ps -a --format 'table {{.Names}}\t{{.Status}}'
        [[ ${lines[0]} == "NAMES"*"STATUS" ]]
        [[ ${lines[1]} == "cli-fmt"*"Created" ]]
        run "$BERTH" ps -a --format json
        jq -e '.Names == "cli-fmt" and .State == "created" and .Command == "\"echo x\""' <<<"$output"
}

@test "inspect prints a Docker-shaped JSON array and -f templates" {
        "$BERTH" run --name cli-inspect -e A=1 busybox sh -c 'exit 3' || true
        run "$BERTH" inspect cli-inspect
        assert_status 0
        jq -e '.[0].Name == "/cli-inspect" and .[0].State.ExitCode == 3 and .[0].State.Status == "exited"
               and (.[0].Id | test("^[0-9a-f]{64}$")) and (.[0].Image | startswith("sha256:"))
               and (.[0].Config.Env | index("A=1")) != null and .[0].HostConfig.AutoRemove == false
               and .[0].Path == "sh" and .[0].Args == ["-c", "exit 3"]' <<<"$output"
        run "$BERTH" inspect -f '{{.State.ExitCode}}' cli-inspect
        [[ $output == 3 ]]
        run "$BERTH" inspect -f '{{json .Config.Cmd}}' cli-inspect
        [[ $output == '["sh","-c","exit 3"]' ]]
        run "$BERTH" inspect cli-nosuch
        assert_status 1
        assert_output_contains "No such object: cli-nosuch"
}

@test "inspect falls back to images" {
        run "$BERTH" inspect busybox
        assert_status 0
        jq -e '.[0].Id | startswith("sha256:")' <<<"$output"
        run "$BERTH" image inspect -f '{{.RootFS.Type}}' busybox
        [[ $output == layers ]]
}

# --- images, load, import ---------------------------------------------------

@test "images lists busybox; -q and json" {
        run "$BERTH" images
        assert_status 0
        grep -Eq '^REPOSITORY {3,}TAG {3,}IMAGE ID {3,}CREATED {3,}SIZE$' <<<"${lines[0]}"
        grep -Eq '^busybox {3,}latest {3,}[0-9a-f]{12} {3,}' <<<"$output"
        run "$BERTH" images -q
        [[ ${lines[0]} =~ ^[0-9a-f]{12}$ ]]
        run "$BERTH" image ls --format json
        jq -se 'map(select(.Repository == "busybox" and .Tag == "latest")) | length == 1' <<<"$output"
}

@test "load of a truncated or garbage archive fails and changes nothing" {
        local before
        before=$("$BERTH" images -q | sort)
        head -c 20000 "$(berth_test_image busybox-docker.tar)" >"$BATS_TEST_TMPDIR/truncated.tar"
        run "$BERTH" load -i "$BATS_TEST_TMPDIR/truncated.tar"
        [[ $status -ne 0 ]]
        [[ $output == *"Truncated tar archive"* ]]
        run bash -c "echo garbage | '$BERTH' load"
        [[ $status -ne 0 ]]
        [[ $output == *"Unrecognized archive format"* ]]
        [[ $("$BERTH" images -q | sort) == "$before" ]]
}

@test "load prints the loaded names" {
        run "$BERTH" load -i "$(berth_test_image hello-oci.tar)"
        assert_status 0
        assert_output_contains "Loaded image: hello:latest"
        run "$BERTH" run --rm hello
        assert_status 0
        [[ $output == "hello from hello" ]]
}

@test "import of a rootfs tarball makes an image that runs" {
        run "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" cli-imported:v1
        assert_status 0
        [[ $output =~ ^sha256:[0-9a-f]{64}$ ]]
        run "$BERTH" run --rm cli-imported:v1 /bin/echo from-import
        assert_status 0
        [[ $output == from-import ]]
}

# --- system -----------------------------------------------------------------

@test "version and info" {
        run "$BERTH" version
        assert_status 0
        assert_output_contains "Client:"
        assert_output_contains "Server:"
        run "$BERTH" --version
        assert_output_contains "berth version"
        run "$BERTH" info
        assert_status 0
        assert_output_contains "Cgroup Driver: systemd"
        assert_output_contains "Berth Root Dir: /var/lib/berth"
        assert_output_contains "Images: "
}

@test "the container is a systemd unit with its output in the journal" {
        "$BERTH" run -d --name cli-unit busybox sh -c 'echo journal-line; sleep 1000' >/dev/null
        run systemctl status berth-cli-unit.service
        assert_status 0
        assert_output_contains "berth-cli-unit.service"
        wait_for 10 bash -c "journalctl -u berth-cli-unit.service | grep -q journal-line"
}

@test "restarting berthd keeps a running container running and listed" {
        "$BERTH" run -d --name cli-survivor busybox sleep 1000 >/dev/null
        systemctl restart berthd
        run "$BERTH" ps
        assert_status 0
        assert_output_contains cli-survivor
        assert_output_contains "Up "
        systemctl is-active berth-cli-survivor.service
}
