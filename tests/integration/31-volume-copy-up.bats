#!/usr/bin/env bats
# Docker's copy-up off berthd's loop (issue 6): the image's content goes into an empty volume in a worker
# process, and CreateContainer answers when it is done. Meanwhile berthd answers other calls, the
# container is not visible but its name is taken, the volume is marked (volumes/NAME/copy-up), and it can
# be neither removed nor used by another create (which waits). berthd killed or stopped mid-copy leaves
# no container and no half-filled volume. The image bigvolume has 20000 files at its VOLUME /srv/big.
#
# To look at a copy that is still running, the tests stop the worker (SIGSTOP) once the marker is
# there: without the worker (a copy on berthd's loop) there is no marker and no worker, and they fail.

load helpers
bats_require_minimum_version 1.5.0

readonly VOLUMES=/var/lib/berth/volumes
readonly FILES=20000

setup_file() {
        berth_load_test_images
        "$BERTH" load -i "$(berth_test_image bigvolume-docker.tar)" >/dev/null
}

teardown() {
        local pid
        # A failed test may leave a worker stopped.
        for pid in $(workers); do kill -CONT "$pid" 2>/dev/null || true; done
        berth_teardown
        "$BERTH" volume rm -f bigvol shared crashvol stopvol keptvol newvol >/dev/null 2>&1 || true
        "$BERTH" volume prune -f >/dev/null 2>&1 || true
        "$BERTH" network rm copyupnet >/dev/null 2>&1 || true
}

teardown_file() {
        berth_remove_images_matching '^bigvolume:'
        # berthd was killed by a test: the next file finds it as after a clean start.
        systemctl reset-failed berthd.service 2>/dev/null || true
}

marked() {
        [[ -e $VOLUMES/$1/copy-up ]]
}

unmarked() {
        [[ ! -e $VOLUMES/$1/copy-up ]]
}

# No volume marked (an anonymous one has a random name).
none_marked() {
        ! compgen -G "$VOLUMES/*/copy-up" >/dev/null
}

# Waits for the background job $1 and fails unless it failed.
wait_fails() {
        local status=0
        wait "$1" || status=$?
        ((status != 0))
}

# berthd's children: the copy-up workers.
workers() {
        local main
        main=$(systemctl show -P MainPID berthd.service)
        [[ $main != 0 ]] || return 0
        pgrep -P "$main" || true
}

workers_running() {
        (($(workers | wc -l) >= $1))
}

# No berthd and no worker (a fork of it) left.
berthd_gone() {
        ! pgrep -f '^/usr/sbin/berthd' >/dev/null
}

# Waits until n workers run, then stops them: their copies cannot finish.
stop_workers() {
        local n=$1
        wait_for 60 workers_running "$n"
        # shellcheck disable=SC2046 # one pid per word
        kill -STOP $(workers)
}

continue_workers() {
        # shellcheck disable=SC2046 # one pid per word
        kill -CONT $(workers)
}

container_names() {
        "$BERTH" ps -a --format '{{.Names}}'
}

container_dirs() {
        find /var/lib/berth/containers -mindepth 1 -maxdepth 1 | wc -l
}

@test "copy-up in a worker: berthd answers meanwhile, the name is taken, the volume cannot be removed" {
        "$BERTH" network create copyupnet >/dev/null
        "$BERTH" create --name big --network copyupnet -v bigvol:/srv/big bigvolume true \
                >"$BATS_TEST_TMPDIR/create.out" 2>&1 &
        create_pid=$!
        wait_for 60 marked bigvol
        stop_workers 1

        # The create is still running, and berthd answers: ps, a bus call, another create.
        run -0 busctl call org.berth.berth1 /org/berth/berth1 org.berth.berth1.Manager ListContainers b true
        [[ $output != *'"big"'* ]]
        run -0 container_names
        [[ $output != *big* ]]
        run -0 "$BERTH" create --name unrelated busybox true
        kill -0 "$create_pid"
        marked bigvol

        # The name is taken, the volume in use.
        run "$BERTH" create --name big busybox true
        [[ $status -ne 0 ]]
        assert_output_contains 'Conflict. The container name "/big" is already in use'
        run "$BERTH" volume rm bigvol
        [[ $status -ne 0 ]]
        assert_output_contains "remove bigvol: volume is in use"
        run "$BERTH" volume rm -f bigvol
        [[ $status -ne 0 ]]
        run -0 "$BERTH" volume prune -af
        [[ -d $VOLUMES/bigvol/_data ]]
        run "$BERTH" rename unrelated big
        [[ $status -ne 0 ]]
        # Its image and its network are in use.
        run "$BERTH" rmi bigvolume
        [[ $status -ne 0 ]]
        assert_output_contains "(must force) - container"
        run "$BERTH" network rm copyupnet
        [[ $status -ne 0 ]]
        assert_output_contains "has active endpoints"
        run -0 "$BERTH" network prune -f
        run -0 "$BERTH" network inspect copyupnet
        kill -0 "$create_pid"

        continue_workers
        wait "$create_pid"
        run -0 container_names
        assert_output_contains big
        unmarked bigvol
        [[ $(find "$VOLUMES/bigvol/_data" -type f | wc -l) == "$FILES" ]]
        run -0 "$BERTH" run --rm -v bigvol:/srv/big busybox sh -c 'cat /srv/big/d42/f123; find /srv/big -type f | wc -l'
        [[ $output == $'file 42/123\n'"$FILES" ]]
        # The volume is in use now as any other.
        run "$BERTH" volume rm bigvol
        assert_output_contains "volume is in use - ["
}

@test "a second create of a volume being filled waits for the copy, then uses the full volume" {
        "$BERTH" create --name first -v shared:/srv/big bigvolume true >/dev/null &
        first=$!
        wait_for 60 marked shared
        stop_workers 1
        "$BERTH" create --name second -v shared:/srv/big busybox true >"$BATS_TEST_TMPDIR/second.out" 2>&1 &
        second=$!
        sleep 1
        # Waiting, not refused.
        kill -0 "$second"
        run -0 container_names
        [[ $output != *second* ]]

        continue_workers
        wait "$first"
        wait "$second"
        run -0 container_names
        assert_output_contains first
        assert_output_contains second
        [[ $(find "$VOLUMES/shared/_data" -type f | wc -l) == "$FILES" ]]
}

@test "berthd killed mid-copy: the next start removes what the create made and empties what it filled" {
        dirs=$(container_dirs)
        "$BERTH" volume create crashvol >/dev/null
        "$BERTH" create --name crash-named -v crashvol:/srv/big bigvolume true >/dev/null 2>&1 &
        named=$!
        "$BERTH" create --name crash-anon bigvolume true >/dev/null 2>&1 &
        anon=$!
        stop_workers 2
        marked crashvol
        [[ $(compgen -G "$VOLUMES/*/copy-up" | wc -l) == 2 ]]

        kill -9 "$(systemctl show -P MainPID berthd.service)"
        # The workers die with berthd; the callers get an error from the bus.
        wait_fails "$named"
        wait_fails "$anon"
        wait_for 30 berthd_gone

        # The next call starts berthd again.
        run -0 container_names
        [[ $output != *crash-* ]]
        none_marked
        run -0 "$BERTH" volume ls -q
        [[ $output == crashvol ]]
        [[ -z $(ls -A "$VOLUMES/crashvol/_data") ]]
        [[ $(container_dirs) == "$dirs" ]]

        # So the next create copies again.
        run -0 "$BERTH" run --rm -v crashvol:/srv/big bigvolume sh -c 'find /srv/big -type f | wc -l'
        [[ $output == "$FILES" ]]
}

@test "berthd stopped mid-copy: the worker is killed, the caller gets an error, the create is undone" {
        dirs=$(container_dirs)
        run -0 "$BERTH" volume ls -q
        volumes_before=$output
        "$BERTH" create --name stopped -v stopvol:/srv/big bigvolume true >"$BATS_TEST_TMPDIR/create.out" 2>&1 &
        create_pid=$!
        wait_for 60 marked stopvol
        stop_workers 1

        systemctl stop berthd.service
        wait_fails "$create_pid"
        run cat "$BATS_TEST_TMPDIR/create.out"
        [[ $output == *"berthd stopped before the container was created"* ||
                $output == *"Failed to copy the image's content"* ]]
        [[ -z $(workers) ]]

        run -0 container_names
        [[ $output != *stopped* ]]
        none_marked
        # The create made stopvol: it is gone again.
        run -0 "$BERTH" volume ls -q
        [[ $output == "$volumes_before" ]]
        [[ $(container_dirs) == "$dirs" ]]
}

@test "a copy-up that fails undoes the create: volumes it made removed, the one it filled emptied" {
        dirs=$(container_dirs)
        "$BERTH" volume create keptvol >/dev/null
        "$BERTH" create --name failing-kept -v keptvol:/srv/big bigvolume true >"$BATS_TEST_TMPDIR/kept.out" 2>&1 &
        kept=$!
        "$BERTH" create --name failing-new -v newvol:/srv/big bigvolume true >"$BATS_TEST_TMPDIR/new.out" 2>&1 &
        new=$!
        "$BERTH" create --name failing-anon bigvolume true >"$BATS_TEST_TMPDIR/anon.out" 2>&1 &
        anon=$!
        stop_workers 3
        # shellcheck disable=SC2046 # one pid per word
        kill -9 $(workers)

        wait_fails "$kept"
        wait_fails "$new"
        wait_fails "$anon"
        run cat "$BATS_TEST_TMPDIR/new.out"
        assert_output_contains "Failed to copy the image's content into the volumes of failing-new"
        run -0 container_names
        [[ $output != *failing-* ]]
        none_marked
        run -0 "$BERTH" volume ls -q
        [[ $output == keptvol ]]
        [[ -z $(ls -A "$VOLUMES/keptvol/_data") ]]
        [[ $(container_dirs) == "$dirs" ]]
        # The names are free again.
        run -0 "$BERTH" create --name failing-new busybox true
}
