#!/usr/bin/env bats
# The python image through the local registry as docker.io's mirror, and berth push to a real registry
# (Debian's docker-registry on 127.0.0.1:5000, registry.bash); skopeo checks what berth pushed.
# shellcheck disable=SC2154,SC2030,SC2031 # $output, $lines, $status come from bats; DOCKER_CONFIG is per test

load helpers
load registry
bats_require_minimum_version 1.5.0

setup_file() {
        berth_require_test_images
        registry_start
}

teardown_file() {
        registry_set_mirror
        registry_stop
        registry_stop_auth
}

setup() {
        TEST_START=$(date '+%Y-%m-%d %H:%M:%S')
        berth_test_image_digests
        berth_load_test_images
}

teardown() {
        berth_teardown
        registry_set_mirror
        local tag
        for tag in $("$BERTH" images | awk 'NR > 1 && $1 ~ /^(127\.0\.0\.1:|manylayers)/ { print $1 ":" $2 }'); do
                "$BERTH" rmi -f "$tag" >/dev/null 2>&1 || true
        done
}

# berth's requests of METHOD to the registry on 127.0.0.1:5000 for PATH (a prefix) since the test began,
# from the registry's access log.
registry_requests() {
        journalctl -u "$REGISTRY_UNIT" --since "$TEST_START" --no-pager -o cat | grep -F "\"$1 $2" |
                grep -c '"berth/' || true
}

# A docker archive at $1 of manylayers:latest: $2 small layers of one file each.
make_many_layers() {
        local out=$1 n=$2 work i hex ids=() paths=()
        work=$(mktemp -d /tmp/manylayers.XXXXXX)
        mkdir "$work/archive"
        for ((i = 1; i <= n; i++)); do
                mkdir -p "$work/l$i/layers"
                echo "layer $i" >"$work/l$i/layers/$i"
                tar -C "$work/l$i" --mtime=@1704067200 --owner=0 --group=0 --numeric-owner -cf "$work/l$i.tar" layers
                hex=$(sha256sum "$work/l$i.tar" | cut -d' ' -f1)
                mkdir "$work/archive/$hex"
                mv "$work/l$i.tar" "$work/archive/$hex/layer.tar"
                ids+=("sha256:$hex")
                paths+=("$hex/layer.tar")
        done
        jq -cn '{architecture: "amd64", os: "linux", created: "2024-01-01T00:00:00Z", config: {Cmd: ["sh"]},
                rootfs: {type: "layers", diff_ids: $ARGS.positional}}' --args "${ids[@]}" >"$work/config.json"
        hex=$(sha256sum "$work/config.json" | cut -d' ' -f1)
        mv "$work/config.json" "$work/archive/$hex.json"
        jq -cn --arg c "$hex.json" '[{Config: $c, RepoTags: ["manylayers:latest"], Layers: $ARGS.positional}]' \
                --args "${paths[@]}" >"$work/archive/manifest.json"
        tar -C "$work/archive" -cf "$out" .
        rm -rf "$work"
}

require_python_image() {
        [[ -f $BERTH_TEST_IMAGES/python-docker.tar ]] || skip "no python3 on the host: no python image"
        # shellcheck disable=SC1091
        source "$BERTH_TEST_IMAGES/python-image.env"
}

@test "berth pull python through registry-mirrors, then run python as on a real machine" {
        require_python_image
        registry_push python library/python:latest
        registry_set_mirror "http://$REGISTRY_ADDR"
        "$BERTH" rmi -f python >/dev/null 2>&1 || true
        run "$BERTH" pull python
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for python:latest"
        [[ $("$BERTH" image inspect -f '{{.Id}}' python) == "$PYTHON_IMAGE_ID" ]]
        run "$BERTH" run --rm python python -c 'print(1+1)'
        assert_status 0
        [[ $output == 2 ]]
        # the image's own command is the interpreter; the standard library's C modules load
        run "$BERTH" run --rm python python3 -c 'import ssl, hashlib, sqlite3, json, sys; print(sys.version.split()[0])'
        assert_status 0
        [[ $output == "$PYTHON_VERSION" ]]
        [[ $("$BERTH" image inspect -f '{{json .Config.Cmd}}' python) == '["python3"]' ]]
}

@test "python -m http.server serves inside the python container" {
        require_python_image
        "$BERTH" image inspect python >/dev/null 2>&1 || "$BERTH" load -i "$BERTH_TEST_IMAGES/python-docker.tar" >/dev/null
        run "$BERTH" run --rm python /bin/sh -c 'cd /tmp && echo "hello world" > /tmp/index.html &&
                (python -m http.server 1234 >/dev/null 2>&1 &) &&
                python -c "
import time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen(\"http://127.0.0.1:1234/\").read().decode(), end=\"\")
        break
    except OSError:
        time.sleep(0.1)
"'
        assert_status 0
        [[ $output == "hello world" ]]
}

@test "push: Docker's lines; skopeo sees the same manifest digest and layers" {
        "$BERTH" tag hello "$REGISTRY_ADDR/push/hello:v1"
        run "$BERTH" push "$REGISTRY_ADDR/push/hello:v1"
        assert_status 0
        [[ ${lines[0]} == "The push refers to repository [$REGISTRY_ADDR/push/hello]" ]]
        [[ ${lines[1]} == "${HELLO_LAYER_DIFF_ID:7:12}: Preparing" ]]
        [[ ${lines[2]} == "${BUSYBOX_LAYER_DIFF_ID:7:12}: Preparing" ]]
        assert_output_contains "${BUSYBOX_LAYER_DIFF_ID:7:12}: Pushed"
        assert_output_contains "${HELLO_LAYER_DIFF_ID:7:12}: Pushed"
        digest=$(registry_manifest_digest push/hello:v1)
        size=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/push/hello:v1" | wc -c)
        [[ ${lines[-1]} == "v1: digest: $digest size: $size" ]]
        # the digest is the stored manifest's: pushed as it is
        [[ $("$BERTH" image inspect -f '{{json .RepoDigests}}' hello) == *"\"$REGISTRY_ADDR/push/hello@$digest\""* ]]
        run skopeo inspect --tls-verify=false "docker://$REGISTRY_ADDR/push/hello:v1"
        assert_status 0
        [[ $(jq -r '.Layers | join(" ")' <<<"$output") == "$BUSYBOX_LAYER_DIFF_ID $HELLO_LAYER_DIFF_ID" ]]
        [[ $(skopeo inspect --tls-verify=false --config "docker://$REGISTRY_ADDR/push/hello:v1" | jq -c .config.Entrypoint) == '["/bin/echo"]' ]]
}

@test "push, then pull it back into a store without it" {
        "$BERTH" tag hello "$REGISTRY_ADDR/push/back:v1"
        "$BERTH" push "$REGISTRY_ADDR/push/back:v1" >/dev/null
        "$BERTH" rmi -f hello busybox "$REGISTRY_ADDR/push/back:v1" >/dev/null
        run "$BERTH" image inspect "$HELLO_IMAGE_ID"
        assert_status 1
        run "$BERTH" pull "$REGISTRY_ADDR/push/back:v1"
        assert_status 0
        [[ $("$BERTH" image inspect -f '{{.Id}}' "$REGISTRY_ADDR/push/back:v1") == "$HELLO_IMAGE_ID" ]]
        run "$BERTH" run --rm "$REGISTRY_ADDR/push/back:v1"
        assert_status 0
        [[ $output == "hello from hello" ]]
}

@test "a second push finds every layer there already" {
        "$BERTH" tag hello "$REGISTRY_ADDR/push/again:v1"
        "$BERTH" push "$REGISTRY_ADDR/push/again:v1" >/dev/null
        posts=$(registry_requests POST /v2/push/again/blobs/uploads/)
        run "$BERTH" push "$REGISTRY_ADDR/push/again:v1"
        assert_status 0
        assert_output_contains "${BUSYBOX_LAYER_DIFF_ID:7:12}: Layer already exists"
        assert_output_contains "${HELLO_LAYER_DIFF_ID:7:12}: Layer already exists"
        [[ $output != *Pushed* && $output != *Pushing* ]]
        # no upload was started the second time
        [[ $(registry_requests POST /v2/push/again/blobs/uploads/) == "$posts" ]]
}

@test "push to another repository of the registry mounts the blobs" {
        "$BERTH" tag hello "$REGISTRY_ADDR/push/source:v1"
        "$BERTH" push "$REGISTRY_ADDR/push/source:v1" >/dev/null
        "$BERTH" tag hello "$REGISTRY_ADDR/push/target:v1"
        run "$BERTH" push "$REGISTRY_ADDR/push/target:v1"
        assert_status 0
        assert_output_contains "${BUSYBOX_LAYER_DIFF_ID:7:12}: Mounted from push/source"
        assert_output_contains "${HELLO_LAYER_DIFF_ID:7:12}: Mounted from push/source"
        [[ $(registry_requests PATCH /v2/push/target/) == 0 ]]
        [[ $(registry_requests POST "/v2/push/target/blobs/uploads/?mount=") -ge 2 ]]
        [[ $(registry_manifest_digest push/target:v1) == $(registry_manifest_digest push/source:v1) ]]
}

@test "push uploads a large layer in chunks" {
        require_python_image
        # loaded, so that the store has every blob as it came
        "$BERTH" rmi -f python >/dev/null 2>&1 || true
        "$BERTH" load -i "$BERTH_TEST_IMAGES/python-docker.tar" >/dev/null
        "$BERTH" tag python "$REGISTRY_ADDR/push/python:chunks"
        run "$BERTH" push "$REGISTRY_ADDR/push/python:chunks"
        assert_status 0
        layer=$("$BERTH" image inspect -f '{{json .RootFS.Layers}}' python | jq -r '.[1]')
        size=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/push/python:chunks" | jq '.layers[1].size')
        # 8 MiB a PATCH
        chunks=$(((size + 8388607) / 8388608))
        ((chunks >= 2))
        # the PATCH requests of the largest upload session
        patches=$(journalctl -u "$REGISTRY_UNIT" --since "$TEST_START" --no-pager -o cat |
                grep -F '"PATCH /v2/push/python/blobs/uploads/' | grep -F '"berth/' |
                sed 's|.*/uploads/\([^?]*\)?.*|\1|' | sort | uniq -c | sort -n | tail -1 | awk '{ print $1 }')
        [[ $patches == "$chunks" ]]
        [[ $(skopeo inspect --tls-verify=false "docker://$REGISTRY_ADDR/push/python:chunks" | jq -r '.Layers[1]') == "$layer" ]]
        # the registry checked the digest; a pull gives the image back
        "$BERTH" rmi "$REGISTRY_ADDR/push/python:chunks" >/dev/null
        "$BERTH" rmi -f python >/dev/null
        run "$BERTH" pull "$REGISTRY_ADDR/push/python:chunks"
        assert_status 0
        run "$BERTH" run --rm "$REGISTRY_ADDR/push/python:chunks" python -c 'print(6*7)'
        assert_status 0
        [[ $output == 42 ]]
}

@test "push of a pulled image whose base layer the pull skipped: mounted, or sent from another image" {
        registry_push hello library/hello:skip
        # a store with busybox only: its layer is there already, so the pull does not fetch that layer's
        # (gzipped) blob
        "$BERTH" images -q | xargs -r "$BERTH" rmi -f >/dev/null
        "$BERTH" load -i "$BERTH_TEST_IMAGES/busybox-docker.tar" >/dev/null
        run "$BERTH" pull "$REGISTRY_ADDR/library/hello:skip"
        assert_status 0
        assert_output_contains "Already exists"
        gzipped=$(skopeo inspect --tls-verify=false --raw "docker://$REGISTRY_ADDR/library/hello:skip" | jq -r '.layers[0].digest')
        [[ ! -e /var/lib/berth/images/blobs/sha256/${gzipped#sha256:} ]]
        pulled=$(registry_manifest_digest library/hello:skip)
        # same registry: the registry mounts the blob from where it came, the manifest stays the same
        "$BERTH" tag "$REGISTRY_ADDR/library/hello:skip" "$REGISTRY_ADDR/push/skipped:v1"
        run "$BERTH" push "$REGISTRY_ADDR/push/skipped:v1"
        assert_status 0
        assert_output_contains "Mounted from library/hello"
        [[ $(registry_manifest_digest push/skipped:v1) == "$pulled" ]]
        # another registry: busybox's own blob of that layer goes, in a new manifest of the same image
        registry_start_htpasswd
        export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
        printf '%s' "$AUTH_PASSWORD" | "$BERTH" login -u "$AUTH_USER" --password-stdin "$HTPASSWD_ADDR" >/dev/null
        "$BERTH" tag "$REGISTRY_ADDR/library/hello:skip" "$HTPASSWD_ADDR/push/skipped:v1"
        run "$BERTH" push "$HTPASSWD_ADDR/push/skipped:v1"
        assert_status 0
        assert_output_contains "${gzipped:7:12}: Pushed"
        run skopeo inspect --tls-verify=false --creds "$AUTH_USER:$AUTH_PASSWORD" --raw "docker://$HTPASSWD_ADDR/push/skipped:v1"
        assert_status 0
        [[ $(jq -r .config.digest <<<"$output") == "$HELLO_IMAGE_ID" ]]
        [[ $(jq -r '.layers[0].digest' <<<"$output") == "$BUSYBOX_LAYER_DIFF_ID" ]]
        # and it pulls back as the same image
        "$BERTH" rmi -f "$REGISTRY_ADDR/library/hello:skip" "$REGISTRY_ADDR/push/skipped:v1" "$HTPASSWD_ADDR/push/skipped:v1" >/dev/null
        run "$BERTH" pull "$HTPASSWD_ADDR/push/skipped:v1"
        assert_status 0
        [[ $("$BERTH" image inspect -f '{{.Id}}' "$HTPASSWD_ADDR/push/skipped:v1") == "$HELLO_IMAGE_ID" ]]
}

@test "push of an image with many layers" {
        make_many_layers "$BATS_TEST_TMPDIR/many.tar" 40
        "$BERTH" load -i "$BATS_TEST_TMPDIR/many.tar" >/dev/null
        id=$("$BERTH" image inspect -f '{{.Id}}' manylayers)
        "$BERTH" tag manylayers "$REGISTRY_ADDR/push/many:v1"
        run "$BERTH" push "$REGISTRY_ADDR/push/many:v1"
        assert_status 0
        [[ $(grep -c ': Pushed$' <<<"$output") == 40 ]]
        [[ $(skopeo inspect --tls-verify=false "docker://$REGISTRY_ADDR/push/many:v1" | jq '.Layers | length') == 40 ]]
        "$BERTH" rmi -f manylayers "$REGISTRY_ADDR/push/many:v1" >/dev/null
        run "$BERTH" pull "$REGISTRY_ADDR/push/many:v1"
        assert_status 0
        [[ $("$BERTH" image inspect -f '{{.Id}}' "$REGISTRY_ADDR/push/many:v1") == "$id" ]]
}

@test "push to a registry that wants credentials: one clear line without login, works with it" {
        registry_start_htpasswd
        export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
        "$BERTH" tag busybox "$HTPASSWD_ADDR/library/busybox:v1"
        run --separate-stderr "$BERTH" push "$HTPASSWD_ADDR/library/busybox:v1"
        assert_status 1
        [[ $stderr == "unauthorized: authentication required" ]]
        printf '%s' "$AUTH_PASSWORD" | "$BERTH" login -u "$AUTH_USER" --password-stdin "$HTPASSWD_ADDR" >/dev/null
        run "$BERTH" push "$HTPASSWD_ADDR/library/busybox:v1"
        assert_status 0
        assert_output_contains "${BUSYBOX_LAYER_DIFF_ID:7:12}: Pushed"
        [[ $(skopeo inspect --tls-verify=false --creds "$AUTH_USER:$AUTH_PASSWORD" --format '{{.Digest}}' \
                "docker://$HTPASSWD_ADDR/library/busybox:v1") == sha256:* ]]
}

@test "push with a token server: granted repositories only" {
        registry_start_token
        export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
        printf '%s' "$AUTH_PASSWORD" | "$BERTH" login -u "$AUTH_USER" --password-stdin "$TOKEN_ADDR" >/dev/null
        "$BERTH" tag busybox "$TOKEN_ADDR/library/busybox:v1"
        run "$BERTH" push "$TOKEN_ADDR/library/busybox:v1"
        assert_status 0
        assert_output_contains "v1: digest: sha256:"
        "$BERTH" tag busybox "$TOKEN_ADDR/other/busybox:v1"
        run --separate-stderr "$BERTH" push "$TOKEN_ADDR/other/busybox:v1"
        assert_status 1
        [[ $(wc -l <<<"$stderr") == 1 ]]
        [[ $stderr == *denied* || $stderr == *unauthorized* ]]
}

@test "push: bad input and unreachable registries" {
        run --separate-stderr "$BERTH" push "$REGISTRY_ADDR/push/nothing:v1"
        assert_status 1
        [[ $stderr == "Error response from daemon: An image does not exist locally with the tag: $REGISTRY_ADDR/push/nothing" ]]
        run "$BERTH" push "busybox@$BUSYBOX_OCI_MANIFEST_DIGEST"
        assert_status 1
        assert_output_contains "cannot push a digest reference"
        run "$BERTH" push 'Bad:Ref:Here'
        assert_status 1
        assert_output_contains "invalid reference format"
        run "$BERTH" push
        assert_status 1
        assert_output_contains '"berth push" requires exactly 1 argument.'
        "$BERTH" tag busybox 127.0.0.1:5999/push/busybox:v1
        run --separate-stderr "$BERTH" push 127.0.0.1:5999/push/busybox:v1
        assert_status 1
        [[ $(wc -l <<<"$stderr") == 1 ]]
        [[ $stderr == *"connection refused"* ]]
}
