#!/usr/bin/env bats
# berth pull from a real registry: Debian's docker-registry on 127.0.0.1:5000 (registry.bash).
# shellcheck disable=SC2154

load helpers
load registry

LOCAL=127.0.0.1:5000/library/busybox

setup_file() {
        berth_require_test_images
        registry_start
        registry_push busybox library/busybox:latest
        registry_push hello library/tampered:latest
}

teardown_file() {
        registry_set_mirror
        registry_stop
}

setup() {
        berth_test_image_digests
        "$BERTH" rmi -f "$LOCAL:latest" busybox:latest >/dev/null 2>&1 || true
}

teardown() {
        berth_teardown
        registry_set_mirror
        # leave busybox:latest for the other tests
        "$BERTH" image inspect busybox:latest >/dev/null 2>&1 ||
                "$BERTH" load -i "$BERTH_TEST_IMAGES/busybox-docker.tar" >/dev/null
}

@test "pull by tag from a registry; the image id is the config digest" {
        run "$BERTH" pull "$LOCAL:latest"
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for $LOCAL:latest"
        assert_output_contains "Digest: sha256:"
        run "$BERTH" image inspect --format '{{.Id}}' "$LOCAL:latest"
        assert_status 0
        [[ $output == "$BUSYBOX_IMAGE_ID" ]]
}

@test "pull by digest" {
        local digest
        digest=$(registry_manifest_digest library/busybox:latest)
        run "$BERTH" pull "$LOCAL@$digest"
        assert_status 0
        assert_output_contains "Digest: $digest"
        run "$BERTH" image inspect --format '{{.Id}}' "$BUSYBOX_IMAGE_ID"
        assert_status 0
}

@test "pull -q prints the name only" {
        run "$BERTH" pull -q "$LOCAL"
        assert_status 0
        [[ $output == "$LOCAL:latest" ]]
}

@test "pull busybox through registry-mirrors, then run it" {
        registry_set_mirror "http://$REGISTRY_ADDR"
        run "$BERTH" pull busybox
        assert_status 0
        assert_output_contains "Using default tag: latest"
        assert_output_contains "Status: Downloaded newer image for busybox:latest"
        assert_output_contains "docker.io/library/busybox:latest"
        run "$BERTH" image inspect --format '{{.Id}}' busybox:latest
        [[ $output == "$BUSYBOX_IMAGE_ID" ]]
        run "$BERTH" run --rm busybox echo hi
        assert_status 0
        [[ $output == hi ]]
}

@test "pull of a missing tag fails with manifest unknown" {
        run "$BERTH" pull "$LOCAL:nope"
        assert_status 1
        assert_output_contains "manifest unknown"
        [[ $(wc -l <<<"$output") -eq 1 ]]
}

@test "pull from a registry that is down fails with one clear line" {
        run "$BERTH" pull 127.0.0.1:5999/library/busybox:latest
        assert_status 1
        assert_output_contains "Cannot connect to the registry"
        [[ $(wc -l <<<"$output") -eq 1 ]]
}

@test "a tampered blob fails the pull and adds nothing to the store" {
        local layer before after
        layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/tampered:latest" |
                jq -r '.layers[0].digest')
        printf 'not the layer' >"$(registry_blob_path "$layer")"
        before=$("$BERTH" images -q --no-trunc | sort)
        run "$BERTH" pull "$REGISTRY_ADDR/library/tampered:latest"
        assert_status 1
        assert_output_contains "does not match its digest"
        after=$("$BERTH" images -q --no-trunc | sort)
        [[ $before == "$after" ]]
        run "$BERTH" image inspect "$REGISTRY_ADDR/library/tampered:latest"
        [[ $status -ne 0 ]]
}
