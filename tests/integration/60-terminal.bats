#!/usr/bin/env bats
# Terminals, attach and exec, driven for real: the interactive paths run in
# tmux (send-keys / capture-pane), not only through pipes. Runs inside a
# berth-sandbox (see helpers.bash).

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

TMUX_SOCKET=berth-term-tests

setup_file() {
        berth_load_test_images
}

teardown() {
        tmux -L "$TMUX_SOCKET" kill-server >/dev/null 2>&1 || true
        berth_teardown
}

tm() {
        tmux -L "$TMUX_SOCKET" "$@"
}

# tm_start SESSION COMMAND: runs COMMAND in a 100x30 terminal; "EXIT=<status>" follows its end.
tm_start() {
        tm new-session -d -s "$1" -x 100 -y 30 "$2; echo EXIT=\$?; sleep 600"
}

tm_has() {
        tm capture-pane -p -t "$1" | grep -qF -- "$2"
}

# tm_wait SESSION TEXT: waits until TEXT is on the screen of SESSION.
tm_wait() {
        if ! wait_for 15 tm_has "$1" "$2"; then
                echo "--- screen of $1:" >&2
                tm capture-pane -p -t "$1" >&2
                return 1
        fi
}

# tm_type SESSION TEXT: types TEXT and Enter.
tm_type() {
        tm send-keys -t "$1" "$2" Enter
}

container_state() {
        "$BERTH" inspect -f '{{.State.Status}}' "$1"
}

state_is() {
        [[ $(container_state "$1") == "$2" ]]
}

# --- run -it ------------------------------------------------------------------

@test "run -it: the prompt appears, commands run, exit 3 ends the container with 3" {
        tm_start t "$BERTH run -it --name term1 busybox sh"
        tm_wait t '/ #'
        tm_type t 'echo hello-$((40+2))'
        tm_wait t 'hello-42'
        # Its terminal is also its /dev/console.
        tm_type t 'tty; [ /dev/console -ef /dev/pts/0 ] && echo console-is-tty'
        tm_wait t '/dev/pts/0'
        tm_wait t 'console-is-tty'
        tm_type t 'exit 3'
        tm_wait t 'EXIT=3'
        wait_for 10 state_is term1 exited
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' term1) == 3 ]]
        [[ $("$BERTH" inspect -f '{{.Config.Tty}} {{.Config.OpenStdin}}' term1) == "true true" ]]
        # The terminal's output also went to the journal.
        run journalctl -u berth-term1 -o cat --no-pager
        assert_output_contains 'hello-42'
}

@test "run -it: the window size follows the client's terminal" {
        tm_start t "$BERTH run -it --rm --name term2 busybox sh"
        tm_wait t '/ #'
        tm_type t 'stty size'
        tm_wait t '30 100'
        tm resize-window -t t -x 80 -y 20
        sleep 0.3
        tm_type t 'stty size'
        tm_wait t '20 80'
        tm_type t 'exit'
        tm_wait t 'EXIT=0'
}

@test "run -it: Ctrl-P Ctrl-Q detaches, the container keeps running, attach re-attaches" {
        tm_start t "$BERTH run -it --name term3 busybox sh"
        tm_wait t '/ #'
        tm send-keys -t t C-p C-q
        tm_wait t 'EXIT=0'
        state_is term3 running
        tm_start a "$BERTH attach term3"
        sleep 0.5
        tm_type a 'echo back-$((1+1))'
        tm_wait a 'back-2'
        tm_type a 'exit 6'
        tm_wait a 'EXIT=6'
        wait_for 10 state_is term3 exited
}

@test "run -it --detach-keys: a custom sequence detaches, Ctrl-P Ctrl-Q does not" {
        tm_start t "$BERTH run -it --detach-keys ctrl-a,x --name term4 busybox sh"
        tm_wait t '/ #'
        tm send-keys -t t C-p C-q
        tm_type t 'echo still-here'
        tm_wait t 'still-here'
        ! tm_has t 'EXIT='
        tm send-keys -t t C-a x
        tm_wait t 'EXIT=0'
        state_is term4 running
}

@test "run -it --detach-keys '': detaching is disabled" {
        tm_start t "$BERTH run -it --detach-keys '' --name term5 busybox sh"
        tm_wait t '/ #'
        tm send-keys -t t C-p C-q
        tm_type t 'echo no-detach'
        tm_wait t 'no-detach'
        ! tm_has t 'EXIT='
        tm_type t 'exit 2'
        tm_wait t 'EXIT=2'
}

@test "bad detach keys are refused with Docker's words" {
        run "$BERTH" run -it --detach-keys ctrl-xx busybox true
        assert_status 125
        assert_output_contains 'Invalid detach keys (ctrl-xx) provided'
        "$BERTH" run -d -t --name term6 busybox sleep 100
        run "$BERTH" attach --detach-keys nope term6
        assert_status 1
        assert_output_contains 'Invalid detach keys (nope) provided'
}

@test "start -ai re-attaches a stopped interactive container" {
        tm_start t "$BERTH run -it --name term7 busybox sh"
        tm_wait t '/ #'
        tm_type t 'echo first > /tmp/mark; exit 3'
        tm_wait t 'EXIT=3'
        wait_for 10 state_is term7 exited
        tm_start s "$BERTH start -ai term7"
        tm_wait s '/ #'
        tm_type s 'cat /tmp/mark'
        tm_wait s 'first'
        tm_type s 'exit 4'
        tm_wait s 'EXIT=4'
}

@test "run -t: output and exit code without a tty of our own" {
        run "$BERTH" run -t --rm busybox sh -c 'echo hi-tty; exit 7'
        assert_status 7
        assert_output_contains 'hi-tty'
        run "$BERTH" run -t --rm busybox true
        assert_status 0
}

@test "run -it with stdin not a terminal: the input device is not a TTY" {
        run "$BERTH" run -it --rm busybox true </dev/null
        assert_status 1
        assert_output_contains 'the input device is not a TTY'
}

@test "attach to a stopped container: start it first, exit 1" {
        "$BERTH" run --name stopped1 busybox true
        run "$BERTH" attach stopped1
        assert_status 1
        assert_output_contains 'You cannot attach to a stopped container, start it first'
        run "$BERTH" attach nosuchcontainer
        assert_status 1
        assert_output_contains 'No such container'
}

@test "run -di and attach: stdin through a pipe, the exit code at the end" {
        "$BERTH" run -di --name piped busybox sh -c 'read x; echo got-$x; exit 9'
        run "$BERTH" attach piped <<<"hello"
        assert_status 9
        assert_output_contains 'got-hello'
}

# --- exec ---------------------------------------------------------------------

start_exec_target() {
        "$BERTH" run -d --name ex busybox sleep 1000 >/dev/null
}

@test "exec: runs in the container, exit codes pass through" {
        start_exec_target
        id=$("$BERTH" inspect -f '{{.Id}}' ex)
        run "$BERTH" exec ex cat /etc/hostname
        assert_status 0
        [[ $output == "${id:0:12}" ]]
        run "$BERTH" exec ex sh -c 'echo out; echo err >&2; exit 3'
        assert_status 3
        assert_output_contains out
        assert_output_contains err
}

@test "exec -e, --env-file, -w, -u" {
        start_exec_target
        echo 'FROMFILE=yes' >"$BATS_TEST_TMPDIR/env"
        # shellcheck disable=SC2016 # expanded in the container
        run "$BERTH" exec -e A=1 --env-file "$BATS_TEST_TMPDIR/env" -w /tmp -u nobody ex \
                sh -c 'echo "$A $FROMFILE $(pwd) $(id -un) $HOME"'
        assert_status 0
        [[ $output == "1 yes /tmp nobody /home" || $output == "1 yes /tmp nobody /nonexistent" ]] ||
                assert_output_contains '1 yes /tmp nobody'
        run "$BERTH" exec -u nosuchuser ex true
        assert_status 126
        assert_output_contains 'nosuchuser'
        run "$BERTH" exec -w /nonexistent ex true
        assert_status 126
        assert_output_contains 'chdir to cwd'
}

@test "exec -i: stdin through a pipe" {
        start_exec_target
        run "$BERTH" exec -i ex sh -c 'cat; echo done'  <<<"piped-input"
        assert_status 0
        assert_output_contains 'piped-input'
        assert_output_contains 'done'
}

@test "exec -it: a terminal of its own, its size, its exit code" {
        start_exec_target
        tm_start x "$BERTH exec -it ex sh"
        tm_wait x '/ #'
        tm_type x 'stty size; tty'
        tm_wait x '30 100'
        tm_wait x '/dev/pts/'
        tm_type x 'exit 5'
        tm_wait x 'EXIT=5'
        state_is ex running
}

@test "exec -d keeps running, in the unit's cgroup and the container's pid namespace" {
        start_exec_target
        run "$BERTH" exec -d ex sleep 777
        assert_status 0
        [[ -z $output ]]
        run systemctl status berth-ex --no-pager
        assert_output_contains 'sleep 777'
        run "$BERTH" exec ex ps
        assert_output_contains 'sleep 777'
        # The same pid namespace as the container's init, not the host's.
        run "$BERTH" exec ex sh -c 'readlink /proc/1/ns/pid; readlink /proc/self/ns/pid'
        [[ ${lines[0]} == "${lines[1]}" ]]
        [[ ${lines[0]} != "$(readlink /proc/self/ns/pid)" ]]
        run "$BERTH" exec ex sh -c 'echo $$'
        ((output < 100))
}

@test "exec: missing binary 127, not executable 126, stopped container 1" {
        start_exec_target
        run -127 "$BERTH" exec ex nosuchbinary
        assert_status 127
        # shellcheck disable=SC2016 # Docker's words, with a literal $PATH
        assert_output_contains 'exec: "nosuchbinary": executable file not found in $PATH'
        run -127 "$BERTH" exec -d ex nosuchbinary
        assert_status 127
        run "$BERTH" exec ex /etc/passwd
        assert_status 126
        assert_output_contains 'permission denied'
        "$BERTH" run --name exstopped busybox true
        run "$BERTH" exec exstopped true
        assert_status 1
        assert_output_contains 'is not running'
        run "$BERTH" exec nosuchcontainer true
        assert_status 1
        assert_output_contains 'No such container'
        run "$BERTH" exec ex
        assert_status 1
        assert_output_contains 'requires at least 2 arguments'
        # The daemon is unaffected.
        run "$BERTH" exec ex true
        assert_status 0
}

@test "exec -it with stdin not a terminal: the input device is not a TTY" {
        start_exec_target
        run "$BERTH" exec -it ex true </dev/null
        assert_status 1
        assert_output_contains 'the input device is not a TTY'
}
