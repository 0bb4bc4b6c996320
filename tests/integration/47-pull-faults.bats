#!/usr/bin/env bats
# berth pull when things go wrong: interrupted pulls resume with HTTP Range, decompression bombs, a full
# disk, registry errors and TLS. A real docker-registry (registry.bash), with fault-proxy.py in front
# where a fault has to be injected.
# shellcheck disable=SC2154

load helpers
load registry
load pull-helpers

LAYERS=127.0.0.1:5111/library/layers:latest

setup_file() {
        berth_require_test_images
        pull_require_images
        registry_start
        registry_push layers library/layers:latest
        registry_push busybox library/busybox:latest
}

teardown_file() {
        registry_stop
        berth_remove_images_matching '^127\.0\.0\.1:'
}

setup() {
        pull_require_images
        "$BERTH" rmi -f "$LAYERS_IMAGE_ID" >/dev/null 2>&1 || true
        rm -f "$BERTH_STATE"/image-downloads/*
}

teardown() {
        local port
        for port in 5111 5112 5113 5114; do
                proxy_stop "$port"
        done
        daemon_json
        rm -rf /etc/berth/certs.d/127.0.0.1:5114
        if [[ -e $BATS_TEST_TMPDIR/small-store ]]; then
                systemctl stop berthd
                umount "$BERTH_STATE"
        fi
}

# Waits until the pull has some of its blobs on disk, not all.
wait_for_partial_download() {
        wait_for 30 bash -c "source $BERTH_REPO/tests/integration/pull-helpers.bash; [[ \$(partial_bytes) -gt 500000 ]]"
}

# The pull completed from where it was: a Range request answered 206, and the image is whole.
assert_resumed_and_whole() {
        grep -q '^start .* GET /v2/library/layers/blobs/sha256:.* bytes=[1-9][0-9]*-$' "$(proxy_log 5111)"
        grep -q '^end .* GET /v2/library/layers/blobs/sha256:.* 206 ' "$(proxy_log 5111)"
        run "$BERTH" image inspect --format '{{.Id}}' "$LAYERS"
        [[ $output == "$LAYERS_IMAGE_ID" ]]
        run "$BERTH" run --rm --entrypoint wc "$LAYERS" -c /noise/a /noise/b /noise/c
        assert_status 0
        assert_output_contains "9437184 total"
        store_is_clean
        [[ -z $(ls -A "$BERTH_STATE/image-downloads") ]]
}

@test "kill -9 of the pull worker: the next pull resumes with Range and completes" {
        local pid
        proxy_start 5111 --rate 500000
        "$BERTH" pull "$LAYERS" >"$BATS_TEST_TMPDIR/out" 2>&1 &
        pid=$!
        wait_for_partial_download
        kill -9 "$(pull_worker_pid)"
        status=0
        wait "$pid" || status=$?
        [[ $status -eq 1 ]]
        run "$BERTH" image inspect "$LAYERS"
        [[ $status -ne 0 ]]

        proxy_start 5111
        run "$BERTH" pull "$LAYERS"
        assert_status 0
        assert_resumed_and_whole
}

@test "kill -9 of berthd mid-pull: the store stays consistent and the next pull resumes" {
        local pid main
        proxy_start 5111 --rate 500000
        "$BERTH" pull "$LAYERS" >"$BATS_TEST_TMPDIR/out" 2>&1 &
        pid=$!
        wait_for_partial_download
        main=$(systemctl show -p MainPID --value berthd)
        kill -9 "$main"
        status=0
        wait "$pid" || status=$?
        [[ $status -eq 1 ]]
        run cat "$BATS_TEST_TMPDIR/out"
        assert_output_contains "berthd stopped during the pull"

        proxy_start 5111
        run "$BERTH" images
        assert_status 0
        run "$BERTH" pull "$LAYERS"
        assert_status 0
        assert_resumed_and_whole
}

@test "a registry that answers a Range request with 200 gets the whole blob again" {
        local pid
        proxy_start 5111 --rate 500000
        "$BERTH" pull "$LAYERS" >/dev/null 2>&1 &
        pid=$!
        wait_for_partial_download
        kill -9 "$(pull_worker_pid)"
        wait "$pid" || true

        proxy_start 5111 --no-range
        run "$BERTH" pull "$LAYERS"
        assert_status 0
        # We asked for the rest, got everything, and started over.
        grep -q '^start .* GET /v2/library/layers/blobs/sha256:.* bytes=[1-9][0-9]*-$' "$(proxy_log 5111)"
        ! grep -q '^end .* GET /v2/library/layers/blobs/sha256:.* 206 ' "$(proxy_log 5111)"
        run "$BERTH" image inspect --format '{{.Id}}' "$LAYERS"
        [[ $output == "$LAYERS_IMAGE_ID" ]]
        run "$BERTH" run --rm --entrypoint wc "$LAYERS" -c /noise/a /noise/b /noise/c
        assert_output_contains "9437184 total"
}

@test "a decompression bomb is refused; nothing is committed" {
        local before
        skopeo copy --quiet --dest-tls-verify=false "oci-archive:$BERTH_TEST_IMAGES/bomb-oci.tar:latest" \
                "docker://$REGISTRY_ADDR/library/bomb:latest"
        daemon_json '{"max-layer-size": 8388608}'
        before=$("$BERTH" images -q --no-trunc | sort)
        run "$BERTH" pull "$REGISTRY_ADDR/library/bomb:latest"
        assert_status 1
        assert_output_contains "Error response from daemon: "
        assert_output_contains "unpacks to more than 8388608 bytes: refused"
        [[ $("$BERTH" images -q --no-trunc | sort) == "$before" ]]
        store_is_clean

        # Within the limit it is a valid image.
        daemon_json '{"max-layer-size": 67108864}'
        run "$BERTH" pull "$REGISTRY_ADDR/library/bomb:latest"
        assert_status 0
        run "$BERTH" image inspect --format '{{.Id}}' "$REGISTRY_ADDR/library/bomb:latest"
        [[ $output == "$BOMB_IMAGE_ID" ]]
        "$BERTH" rmi "$REGISTRY_ADDR/library/bomb:latest" >/dev/null
}

@test "a full disk fails the pull cleanly; it works once there is room" {
        systemctl stop berthd
        mount -t tmpfs -o size=6m,mode=0711 berth-small "$BERTH_STATE"
        touch "$BATS_TEST_TMPDIR/small-store"
        run "$BERTH" pull "$REGISTRY_ADDR/library/layers:latest"
        assert_status 1
        assert_output_contains "No space left on device"
        [[ $(grep -c "Error response from daemon" <<<"$output") -eq 1 ]]
        run "$BERTH" images -q
        assert_status 0
        [[ -z $output ]]
        store_is_clean

        mount -o remount,size=64m "$BERTH_STATE"
        run "$BERTH" pull "$REGISTRY_ADDR/library/layers:latest"
        assert_status 0
        run "$BERTH" image inspect --format '{{.Id}}' "$REGISTRY_ADDR/library/layers:latest"
        [[ $output == "$LAYERS_IMAGE_ID" ]]
}

@test "registry errors each give one clear line: 401, 404, 429, 500" {
        proxy_start 5112 --status '/manifests/=401'
        run "$BERTH" pull 127.0.0.1:5112/library/busybox:latest
        assert_status 1
        [[ $output == "Error response from daemon: unauthorized: authentication required" ]]

        run "$BERTH" pull "$REGISTRY_ADDR/library/nothing:latest"
        assert_status 1
        [[ $output == "Error response from daemon: manifest for $REGISTRY_ADDR/library/nothing:latest not found: manifest unknown: manifest unknown" ]]

        proxy_start 5112 --status '/manifests/=429'
        run "$BERTH" pull 127.0.0.1:5112/library/busybox:latest
        assert_status 1
        [[ $output == "Error response from daemon: toomanyrequests: You have reached your pull rate limit."* ]]
        [[ ${#lines[@]} -eq 1 ]]

        proxy_start 5112 --status '/manifests/=500'
        run "$BERTH" pull 127.0.0.1:5112/library/busybox:latest
        assert_status 1
        [[ $output == "Error response from daemon: received unexpected HTTP status: 500 Internal Server Error" ]]
}

@test "a 500 on a layer is retried; the pull completes" {
        # The proxy fails only the first request of that layer: a second proxy takes over after it.
        local layer
        layer=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/layers:latest" |
                jq -r '.layers[1].digest')
        proxy_start 5113 --status "/blobs/$layer=500"
        "$BERTH" pull 127.0.0.1:5113/library/layers:latest >"$BATS_TEST_TMPDIR/out" 2>&1 &
        wait_for 20 grep -q "^end .*$layer 500 " "$(proxy_log 5113)"
        systemctl stop test-fault-proxy-5113
        systemd-run --quiet --unit=test-fault-proxy-5113 --collect /usr/bin/python3 \
                "$BERTH_REPO/tests/integration/fault-proxy.py" --listen 127.0.0.1:5113 --upstream "$REGISTRY_ADDR"
        wait $!
        run cat "$BATS_TEST_TMPDIR/out"
        assert_output_contains "Retrying"
        assert_output_contains "Status: Downloaded newer image"
}

@test "TLS: an untrusted certificate is one x509 line; insecure-registries or certs.d make it work" {
        local dir=$BATS_TEST_TMPDIR
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
                -addext subjectAltName=IP:127.0.0.1 -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
        proxy_start 5114 --tls-cert "$dir/cert.pem" --tls-key "$dir/key.pem"

        run "$BERTH" pull 127.0.0.1:5114/library/busybox:latest
        assert_status 1
        [[ $output == 'Error response from daemon: Get "https://127.0.0.1:5114/v2/": x509: certificate signed by unknown authority' ]]

        daemon_json '{"insecure-registries": ["127.0.0.1:5114"]}'
        run "$BERTH" pull 127.0.0.1:5114/library/busybox:latest
        assert_status 0
        "$BERTH" rmi 127.0.0.1:5114/library/busybox:latest >/dev/null

        daemon_json
        mkdir -p /etc/berth/certs.d/127.0.0.1:5114
        cp "$dir/cert.pem" /etc/berth/certs.d/127.0.0.1:5114/ca.crt
        run "$BERTH" pull 127.0.0.1:5114/library/busybox:latest
        assert_status 0
        "$BERTH" rmi 127.0.0.1:5114/library/busybox:latest >/dev/null
}

@test "partial downloads nobody resumed for a week are removed by the next pull" {
        local old new
        old=$BERTH_STATE/image-downloads/$(printf 'a%.0s' {1..64})
        new=$BERTH_STATE/image-downloads/$(printf 'b%.0s' {1..64})
        mkdir -p "$BERTH_STATE/image-downloads"
        echo partial >"$old"
        touch -d '8 days ago' "$old"
        echo partial >"$new"
        run "$BERTH" pull "$REGISTRY_ADDR/library/layers:latest"
        assert_status 0
        [[ ! -e $old ]]
        [[ -e $new ]]
        rm -f "$new"
}
