#!/usr/bin/env bats
# The image store verbs that need no registry: tag, rmi / image rm. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

STATE=/var/lib/berth

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
        "$BERTH" rmi -f imgverbs:one imgverbs:two imgverbs:three example.com/team/imgverbs:v1 >/dev/null 2>&1 || true
}

# Sorted lists of the store's blobs and unpacked layers.
store_contents() {
        ls "$STATE/images/blobs/sha256" "$STATE/layers" | sort
}

@test "tag points a new name at the image; inspect and images see it" {
        run "$BERTH" tag busybox:latest imgverbs:one
        assert_status 0
        [[ -z $output ]]
        "$BERTH" tag busybox example.com/team/imgverbs:v1
        id=$("$BERTH" image inspect -f '{{.Id}}' busybox:latest)
        [[ $("$BERTH" image inspect -f '{{.Id}}' imgverbs:one) == "$id" ]]
        [[ $("$BERTH" image inspect -f '{{.Id}}' example.com/team/imgverbs:v1) == "$id" ]]
        run "$BERTH" images
        assert_output_contains "imgverbs"
        assert_output_contains "example.com/team/imgverbs"
}

@test "tag by id prefix, and tag moves from one image to another" {
        hello=$("$BERTH" image inspect -f '{{.Id}}' hello:latest)
        "$BERTH" tag "${hello:7:12}" imgverbs:one
        [[ $("$BERTH" image inspect -f '{{.Id}}' imgverbs:one) == "$hello" ]]
        "$BERTH" tag busybox imgverbs:one
        [[ $("$BERTH" image inspect -f '{{.Id}}' imgverbs:one) != "$hello" ]]
        # hello keeps its own tag
        [[ $("$BERTH" image inspect -f '{{.Id}}' hello:latest) == "$hello" ]]
}

@test "tag: bad input" {
        run "$BERTH" tag busybox 'Invalid:Ref:Here'
        assert_status 1
        assert_output_contains "invalid reference format"
        run "$BERTH" tag busybox 'imgverbs@sha256:0000000000000000000000000000000000000000000000000000000000000000'
        assert_status 1
        assert_output_contains "invalid reference format"
        run "$BERTH" tag no-such-image:latest imgverbs:one
        assert_status 1
        assert_output_contains "No such image: no-such-image:latest"
        run "$BERTH" tag busybox
        assert_status 1
        assert_output_contains "requires exactly 2 arguments"
}

@test "rmi of one tag among several only untags" {
        "$BERTH" tag busybox imgverbs:one
        run "$BERTH" rmi imgverbs:one
        assert_status 0
        [[ $output == "Untagged: imgverbs:one" ]]
        run "$BERTH" image inspect imgverbs:one
        assert_status 1
        "$BERTH" image inspect busybox:latest >/dev/null
}

@test "rmi by id of an image with several tags needs -f" {
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        "$BERTH" tag imgverbs:one imgverbs:two
        id=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        run "$BERTH" rmi "${id:7:12}"
        assert_status 1
        assert_output_contains "conflict: unable to delete ${id:7:12} (must be forced) - image is referenced in multiple repositories"
        run "$BERTH" image rm -f "${id:7:12}"
        assert_status 0
        assert_output_contains "Untagged: imgverbs:one"
        assert_output_contains "Untagged: imgverbs:two"
        assert_output_contains "Deleted: $id"
        run "$BERTH" image inspect "$id"
        assert_status 1
}

@test "rmi of the last tag deletes the image and frees what only it used" {
        before=$(store_contents)
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        id=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        [[ $(store_contents) != "$before" ]]
        run "$BERTH" rmi imgverbs:one
        assert_status 0
        [[ ${lines[0]} == "Untagged: imgverbs:one" ]]
        [[ ${lines[1]} == "Deleted: $id" ]]
        [[ $(store_contents) == "$before" ]]
        # busybox and hello are untouched
        "$BERTH" image inspect busybox:latest hello:latest >/dev/null
        run "$BERTH" run --rm busybox:latest echo still-here
        assert_status 0
        assert_output_contains "still-here"
}

@test "layers shared by two images stay until the last one goes" {
        before=$(store_contents)
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        layers_with_one=$(ls "$STATE/layers" | sort)
        # Same rootfs, different image (a different created time makes a different config)
        sleep 1.1
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:two >/dev/null
        [[ $("$BERTH" image inspect -f '{{.Id}}' imgverbs:one) != $("$BERTH" image inspect -f '{{.Id}}' imgverbs:two) ]]
        "$BERTH" rmi imgverbs:one
        # Both images share the one unpacked layer: stored once, and it stays for imgverbs:two
        [[ $(ls "$STATE/layers" | sort) == "$layers_with_one" ]]
        "$BERTH" run --rm imgverbs:two echo ok | grep -qx ok
        "$BERTH" rmi imgverbs:two
        [[ $(store_contents) == "$before" ]]
}

@test "rmi refuses an image a container uses, without -f" {
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        id=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        cid=$("$BERTH" create imgverbs:one true)
        run "$BERTH" rmi imgverbs:one
        assert_status 1
        assert_output_contains "conflict: unable to remove repository reference \"imgverbs:one\" (must force) - container ${cid:0:12} is using its referenced image ${id:7:12}"
        "$BERTH" image inspect imgverbs:one >/dev/null
        # With -f the tag goes; the image stays (untagged) for the container
        run "$BERTH" rmi -f imgverbs:one
        assert_status 0
        [[ $output == "Untagged: imgverbs:one" ]]
        "$BERTH" image inspect "$id" >/dev/null
        run "$BERTH" start -a "$cid"
        assert_status 0
        "$BERTH" rm "$cid"
        run "$BERTH" rmi "$id"
        assert_status 0
        [[ $output == "Deleted: $id" ]]
}

@test "rmi: bad input" {
        run "$BERTH" rmi no-such-image:latest
        assert_status 1
        assert_output_contains "No such image: no-such-image:latest"
        run "$BERTH" rmi 'Bad:Ref:Format'
        assert_status 1
        run "$BERTH" rmi
        assert_status 1
        assert_output_contains "requires at least 1 argument"
        # one bad name does not stop the others
        "$BERTH" tag busybox imgverbs:one
        run "$BERTH" rmi no-such-image imgverbs:one
        assert_status 1
        assert_output_contains "Untagged: imgverbs:one"
        assert_output_contains "No such image: no-such-image"
}

@test "tag and rmi are image events" {
        since=$(date +%s)
        "$BERTH" tag busybox imgverbs:one
        "$BERTH" rmi imgverbs:one >/dev/null
        run "$BERTH" events --since "$since" --until "$(($(date +%s) + 1))" --filter type=image
        assert_status 0
        assert_output_contains "image tag"
        assert_output_contains "image untag"
}

@test "image prune removes dangling images only; -a every image no container uses" {
        before=$(store_contents)
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        dangling=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        sleep 1.1
        # The tag moves to a new image: the first one dangles
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        tagged=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        [[ $dangling != "$tagged" ]]
        run "$BERTH" image prune -f
        assert_status 0
        [[ ${lines[0]} == "Deleted Images:" ]]
        [[ ${lines[1]} == "deleted: $dangling" ]]
        assert_output_contains "Total reclaimed space:"
        run "$BERTH" image inspect "$dangling"
        assert_status 1
        "$BERTH" image inspect imgverbs:one busybox hello >/dev/null

        # Nothing dangling now
        run "$BERTH" image prune -f
        assert_status 0
        [[ $output == "Total reclaimed space: 0B" ]]

        # -a spares images containers use (busybox and imgverbs:one here), takes hello
        cid=$("$BERTH" create imgverbs:one true)
        bid=$("$BERTH" create busybox true)
        run "$BERTH" image prune -a -f
        assert_status 0
        assert_output_contains "untagged: hello:latest"
        "$BERTH" image inspect imgverbs:one busybox >/dev/null
        run "$BERTH" image inspect hello
        assert_status 1
        "$BERTH" rm "$cid" "$bid" >/dev/null
        "$BERTH" rmi imgverbs:one >/dev/null
        [[ $(ls "$STATE/layers" | wc -l) -ge 1 ]]
        # put hello back for the files that follow
        "$BERTH" load -i "$(berth_test_image hello-docker.tar)" >/dev/null
        [[ $(store_contents) == "$before" ]]
}

@test "image prune asks first; no answer changes nothing" {
        run "$BERTH" image prune </dev/null
        assert_status 0
        assert_output_contains "WARNING! This will remove all dangling images."
        run "$BERTH" image prune -a </dev/null
        assert_output_contains "images without at least one container associated to them"
        "$BERTH" image inspect busybox hello >/dev/null
        run "$BERTH" image prune extra
        assert_status 1
}

@test "history shows Docker's columns from the config's history" {
        id=$("$BERTH" image inspect -f '{{.Id}}' busybox)
        run "$BERTH" history busybox
        assert_status 0
        [[ ${lines[0]} =~ ^IMAGE\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
        [[ ${lines[1]} == "${id:7:12}"* ]]
        run "$BERTH" history --no-trunc busybox
        assert_status 0
        [[ ${lines[1]} == "$id"* ]]
        run "$BERTH" history -q busybox
        assert_status 0
        [[ ${lines[0]} == "${id:7:12}" ]]
        # an imported image: one step, one layer
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        run "$BERTH" history -q imgverbs:one
        [[ ${#lines[@]} -ge 1 ]]
        run "$BERTH" image history no-such-image
        assert_status 1
        assert_output_contains "No such image: no-such-image"
        run "$BERTH" history
        assert_status 1
        assert_output_contains "requires exactly 1 argument"
}

@test "images --filter dangling=true|false" {
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        dangling=$("$BERTH" image inspect -f '{{.Id}}' imgverbs:one)
        sleep 1.1
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        run "$BERTH" images -q --filter dangling=true
        assert_status 0
        [[ $output == "${dangling:7:12}" ]]
        run "$BERTH" images --filter dangling=false
        assert_status 0
        assert_output_contains "imgverbs"
        [[ $output != *"<none>"* ]]
        run "$BERTH" images --filter dangling=maybe
        assert_status 1
        assert_output_contains "invalid filter 'dangling=maybe'"
        run "$BERTH" images --filter bogus=1
        assert_status 1
        assert_output_contains "invalid filter 'bogus'"
        "$BERTH" rmi "$dangling" >/dev/null
}
