#!/usr/bin/env bats
# berth pull from a real registry: Debian's docker-registry on 127.0.0.1:5000 (registry.bash).
# shellcheck disable=SC2154

load helpers
load registry
load pull-helpers

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
        berth_remove_images_matching '^127\.0\.0\.1:'
}

setup() {
        berth_test_image_digests
        "$BERTH" rmi -f "$LOCAL:latest" busybox:latest >/dev/null 2>&1 || true
}

teardown() {
        berth_teardown
        registry_set_mirror
        for port in 5101 5102 5103; do
                proxy_stop "$port"
        done
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
        assert_output_contains "connect: connection refused"
        [[ $(wc -l <<<"$output") -eq 1 ]]
}

@test "a tampered blob fails the pull and adds nothing to the store" {
        local layer before after
        # The hello layer must be downloaded: no image may have it.
        "$BERTH" rmi -f "$HELLO_IMAGE_ID" >/dev/null 2>&1 || true
        layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/tampered:latest" |
                jq -r '.layers[1].digest')
        cp "$(registry_blob_path "$layer")" "$BATS_TEST_TMPDIR/blob"
        printf 'not the layer' >"$(registry_blob_path "$layer")"
        before=$("$BERTH" images -q --no-trunc | sort)
        run "$BERTH" pull "$REGISTRY_ADDR/library/tampered:latest"
        # The blob is shared with the other hello pushes of this file.
        cp "$BATS_TEST_TMPDIR/blob" "$(registry_blob_path "$layer")"
        assert_status 1
        assert_output_contains "Error response from daemon: Blob $layer does not match its digest"
        after=$("$BERTH" images -q --no-trunc | sort)
        [[ $before == "$after" ]]
        run "$BERTH" image inspect "$REGISTRY_ADDR/library/tampered:latest"
        [[ $status -ne 0 ]]
        store_is_clean
        # Not kept for a resume either.
        [[ ! -e $BERTH_STATE/image-downloads/${layer#sha256:} ]]
}

# --- the pull engine: parallel layers, skipping, platforms, compressions, progress, mirrors, cancel -----

# The blob GETs of the three noise layers of layers:latest in the proxy's log, "start end" each.
noise_gets() {
        proxy_blob_gets "$1" | awk '$5 > 3000000 { print $1, $2 }'
}

@test "layers download in parallel and unpack while they download; max-concurrent-downloads is honoured" {
        pull_require_images
        registry_push layers library/layers:latest
        "$BERTH" rmi -f "$LAYERS_IMAGE_ID" >/dev/null 2>&1 || true
        proxy_start 5101 --rate 1000000

        "$BERTH" pull 127.0.0.1:5101/library/layers:latest >"$BATS_TEST_TMPDIR/out" 2>&1 &
        # Unpacked while downloading: a noise file grows in the staged layer before its blob is complete.
        wait_for 30 bash -c "[[ \$(find $BERTH_STATE/image-staging -path '*/diff/noise/*' -size +500k | wc -l) -gt 0 ]]"
        [[ $(awk '$1 == "end" && $4 ~ /blobs/ && $6 > 3000000' "$(proxy_log 5101)" | wc -l) -lt 3 ]]
        wait $!
        run cat "$BATS_TEST_TMPDIR/out"
        assert_output_contains "Status: Downloaded newer image"
        run "$BERTH" image inspect --format '{{.Id}}' 127.0.0.1:5101/library/layers:latest
        [[ $output == "$LAYERS_IMAGE_ID" ]]
        # The three downloads overlapped: each started before any ended.
        run noise_gets 5101
        [[ ${#lines[@]} -eq 3 ]]
        awk 'NR == 1 || $1 > s { s = $1 } NR == 1 || $2 < e { e = $2 } END { exit !(s < e) }' <<<"$output"

        "$BERTH" rmi 127.0.0.1:5101/library/layers:latest >/dev/null
        : >"$(proxy_log 5101)"
        daemon_json '{"max-concurrent-downloads": 1}'
        run "$BERTH" pull 127.0.0.1:5101/library/layers:latest
        assert_status 0
        run noise_gets 5101
        [[ ${#lines[@]} -eq 3 ]]
        # One after the other.
        awk 'NR > 1 && $1 < e { exit 1 } { e = $2 }' <<<"$output"
        proxy_stop 5101
        "$BERTH" rmi 127.0.0.1:5101/library/layers:latest >/dev/null
        [[ -z $(ls -A "$BERTH_STATE/image-downloads") ]]
}

@test "layers the store has are skipped: Already exists, and their blob is never fetched" {
        local busybox_blob
        registry_push hello library/hello2:latest
        busybox_blob=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/hello2:latest" |
                jq -r '.layers[0].digest')
        "$BERTH" load -i "$BERTH_TEST_IMAGES/busybox-docker.tar" >/dev/null
        "$BERTH" rmi -f "$HELLO_IMAGE_ID" >/dev/null 2>&1 || true
        proxy_start 5102
        run "$BERTH" pull 127.0.0.1:5102/library/hello2:latest
        assert_status 0
        assert_output_contains "${busybox_blob:7:12}: Already exists"
        assert_output_contains ": Pull complete"
        ! grep -q "$busybox_blob" "$(proxy_log 5102)"
        proxy_stop 5102
        "$BERTH" rmi 127.0.0.1:5102/library/hello2:latest >/dev/null
}

@test "a second pull of an unchanged image is up to date" {
        run "$BERTH" pull "$LOCAL:latest"
        assert_status 0
        run "$BERTH" pull "$LOCAL:latest"
        assert_status 0
        assert_output_contains "Status: Image is up to date for $LOCAL:latest"
        [[ $output != *"Pull complete"* ]]
}

@test "--platform picks from a manifest list; Digest is the list's" {
        pull_require_images
        skopeo copy --quiet --all --dest-tls-verify=false "oci-archive:$BERTH_TEST_IMAGES/multiarch-oci.tar:latest" \
                "docker://$REGISTRY_ADDR/library/multi:latest"
        run "$BERTH" pull "$REGISTRY_ADDR/library/multi:latest"
        assert_status 0
        assert_output_contains "Digest: $MULTIARCH_INDEX_DIGEST"
        run "$BERTH" image inspect --format '{{.Id}}' "$REGISTRY_ADDR/library/multi:latest"
        [[ $output == "$MULTIARCH_AMD64_ID" ]]

        run "$BERTH" pull --platform linux/arm64 "$REGISTRY_ADDR/library/multi:latest"
        assert_status 0
        run "$BERTH" image inspect --format '{{.Id}}' "$REGISTRY_ADDR/library/multi:latest"
        [[ $output == "$MULTIARCH_ARM64_ID" ]]

        run "$BERTH" pull --platform linux/s390x "$REGISTRY_ADDR/library/multi:latest"
        assert_status 1
        [[ $output == "Error response from daemon: no matching manifest for linux/s390x in the manifest list entries" ]]
        run "$BERTH" pull --platform linux "$REGISTRY_ADDR/library/multi:latest"
        assert_status 1
        assert_output_contains "invalid platform"
        "$BERTH" rmi -f "$MULTIARCH_AMD64_ID" "$MULTIARCH_ARM64_ID" >/dev/null
}

@test "zstd layers are pulled and unpacked" {
        pull_require_images
        skopeo copy --quiet --dest-tls-verify=false "oci-archive:$BERTH_TEST_IMAGES/zstd-oci.tar:latest" \
                "docker://$REGISTRY_ADDR/library/zstd:latest"
        skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/zstd:latest" |
                jq -e '.layers[1].mediaType == "application/vnd.oci.image.layer.v1.tar+zstd"'
        run "$BERTH" pull "$REGISTRY_ADDR/library/zstd:latest"
        assert_status 0
        run "$BERTH" image inspect --format '{{.Id}}' "$REGISTRY_ADDR/library/zstd:latest"
        [[ $output == "$ZSTD_IMAGE_ID" ]]
        run "$BERTH" run --rm --entrypoint cat "$REGISTRY_ADDR/library/zstd:latest" /etc/zstd.txt
        assert_status 0
        [[ $output == "unpacked from zstd" ]]
        "$BERTH" rmi "$REGISTRY_ADDR/library/zstd:latest" >/dev/null
}

@test "progress: a plain line per layer status, or bars redrawn in place on a terminal" {
        local layer
        registry_push hello library/hello3:latest
        layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/hello3:latest" |
                jq -r '.layers[1].digest')
        layer=${layer:7:12}
        "$BERTH" rmi -f "$HELLO_IMAGE_ID" >/dev/null 2>&1 || true
        run "$BERTH" pull "$REGISTRY_ADDR/library/hello3:latest"
        assert_status 0
        [[ ${lines[0]} == "latest: Pulling from library/hello3" ]]
        assert_output_contains "$layer: Waiting"
        assert_output_contains "$layer: Verifying Checksum"
        assert_output_contains "$layer: Download complete"
        assert_output_contains "$layer: Pull complete"
        [[ $output != *"["* ]]

        "$BERTH" rmi "$REGISTRY_ADDR/library/hello3:latest" >/dev/null
        run script -qfec "$BERTH pull $REGISTRY_ADDR/library/hello3:latest" /dev/null
        assert_status 0
        assert_output_contains "$layer: Downloading ["
        assert_output_contains "==>]"
        assert_output_contains $'\e[1A\e[2K'
        assert_output_contains "Status: Downloaded newer image"
        "$BERTH" rmi "$REGISTRY_ADDR/library/hello3:latest" >/dev/null
}

@test "a per-registry mirror (daemon.json registries) serves another registry's images" {
        daemon_json "{\"registries\": {\"quay.io\": {\"mirrors\": [\"http://$REGISTRY_ADDR\"]}}}"
        run "$BERTH" pull quay.io/library/busybox:latest
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for quay.io/library/busybox:latest"
        run "$BERTH" image inspect --format '{{.Id}}' quay.io/library/busybox:latest
        [[ $output == "$BUSYBOX_IMAGE_ID" ]]
        "$BERTH" rmi quay.io/library/busybox:latest >/dev/null
        daemon_json
}

@test "Ctrl-C cancels the pull: nothing committed, nothing staged" {
        local pid before
        pull_require_images
        registry_push layers library/layers:latest
        "$BERTH" rmi -f "$LAYERS_IMAGE_ID" >/dev/null 2>&1 || true
        proxy_start 5103 --rate 300000
        before=$("$BERTH" images -q --no-trunc | sort)
        "$BERTH" pull 127.0.0.1:5103/library/layers:latest >"$BATS_TEST_TMPDIR/out" 2>&1 &
        pid=$!
        wait_for 30 bash -c "source $BERTH_REPO/tests/integration/pull-helpers.bash; [[ \$(partial_bytes) -gt 100000 ]]"
        kill -INT "$pid"
        status=0
        wait "$pid" || status=$?
        [[ $status -eq 130 ]]
        wait_for 10 store_is_clean
        [[ $("$BERTH" images -q --no-trunc | sort) == "$before" ]]
        [[ -z $(busctl tree --list org.berth.berth1 | grep /transfer/) ]]
        proxy_stop 5103
}
