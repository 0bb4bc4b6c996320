#!/usr/bin/env bats
# berth save: Docker and OCI archives that skopeo reads and berth loads back, and archives made by skopeo
# that berth loads. Runs inside a berth-sandbox.
# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

setup() {
        berth_test_image_digests
        WORK=$(mktemp -d /tmp/berth-save.XXXXXX)
}

teardown() {
        berth_teardown
        rm -rf "$WORK"
        "$BERTH" rmi -f saveverb:one saveverb:two busybox:other >/dev/null 2>&1 || true
        berth_load_test_images
}

# The image's diff ids, one a line.
diff_ids() {
        "$BERTH" image inspect -f '{{json .RootFS.Layers}}' "$1" | jq -r '.[]'
}

@test "save writes a Docker archive that skopeo reads, with the image's config and layers" {
        run "$BERTH" save -o "$WORK/hello.tar" hello
        assert_status 0
        [[ -z $output ]]
        tar tf "$WORK/hello.tar" | grep -qx manifest.json
        tar tf "$WORK/hello.tar" | grep -qx repositories
        [[ $(tar xOf "$WORK/hello.tar" manifest.json | jq -c '.[0].RepoTags') == '["hello:latest"]' ]]
        [[ $(tar xOf "$WORK/hello.tar" repositories | jq -r '.hello | keys[]') == latest ]]
        # skopeo reads the config and the uncompressed layers; the config digest is the image id
        run skopeo inspect --raw "docker-archive:$WORK/hello.tar"
        assert_status 0
        [[ $(jq -r .config.digest <<<"$output") == "$HELLO_IMAGE_ID" ]]
        [[ $(skopeo inspect "docker-archive:$WORK/hello.tar" | jq -r '.Layers[]') == "$(diff_ids hello)" ]]
        [[ $(skopeo inspect --format '{{.Env}}' "docker-archive:$WORK/hello.tar") == *FOO=bar* ]]
}

@test "save --format oci-archive keeps the stored manifest: skopeo sees the same digest" {
        "$BERTH" rmi -f hello >/dev/null
        "$BERTH" load -i "$BERTH_TEST_IMAGES/hello-oci.tar" >/dev/null
        "$BERTH" save --format oci-archive hello >"$WORK/hello-oci.tar"
        run tar xOf "$WORK/hello-oci.tar" index.json
        assert_status 0
        [[ $(jq -r '.manifests[0].annotations["io.containerd.image.name"]' <<<"$output") == docker.io/library/hello:latest ]]
        [[ $(jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]' <<<"$output") == latest ]]
        tar xOf "$WORK/hello-oci.tar" oci-layout | jq -e '.imageLayoutVersion == "1.0.0"'
        run skopeo inspect "oci-archive:$WORK/hello-oci.tar"
        assert_status 0
        [[ $(jq -r .Digest <<<"$output") == "$HELLO_OCI_MANIFEST_DIGEST" ]]
        [[ $(jq -r '.Layers | length' <<<"$output") == 2 ]]
        # the gzipped layers went out as they are stored: a Docker archive of it decompresses them
        "$BERTH" save hello >"$WORK/hello-docker.tar"
        [[ $(skopeo inspect "docker-archive:$WORK/hello-docker.tar" | jq -r '.Layers[]') == "$(diff_ids hello)" ]]
}

@test "save, rmi, load gives the same image back, in both formats" {
        local format
        for format in docker-archive oci-archive; do
                "$BERTH" save --format "$format" -o "$WORK/$format.tar" hello
                "$BERTH" rmi hello >/dev/null
                run "$BERTH" image inspect hello
                assert_status 1
                run "$BERTH" load -i "$WORK/$format.tar"
                assert_status 0
                [[ $output == "Loaded image: hello:latest" ]]
                [[ $("$BERTH" image inspect -f '{{.Id}}' hello) == "$HELLO_IMAGE_ID" ]]
                run "$BERTH" run --rm hello
                assert_status 0
                [[ $output == "hello from hello" ]]
        done
}

@test "save streams into a pipe that berth load reads" {
        "$BERTH" tag hello saveverb:one
        "$BERTH" rmi hello >/dev/null
        run bash -c "'$BERTH' save saveverb:one | '$BERTH' load"
        assert_status 0
        [[ $output == "Loaded image: saveverb:one" ]]
        [[ $("$BERTH" image inspect -f '{{.Id}}' saveverb:one) == "$HELLO_IMAGE_ID" ]]
}

@test "save of several images: each once, shared layers once, all tags of a bare repository" {
        "$BERTH" tag busybox busybox:other
        "$BERTH" save -o "$WORK/all.tar" busybox hello busybox:latest
        run tar xOf "$WORK/all.tar" manifest.json
        assert_status 0
        [[ $(jq length <<<"$output") == 2 ]]
        [[ $(jq -c '[.[].RepoTags[]] | sort' <<<"$output") == '["busybox:latest","busybox:other","hello:latest"]' ]]
        # busybox's layer is hello's bottom layer: one copy
        [[ $(tar tf "$WORK/all.tar" | grep -c "^${BUSYBOX_LAYER_DIFF_ID#sha256:}/layer.tar$") == 1 ]]
        "$BERTH" rmi busybox:other hello >/dev/null
        run "$BERTH" load -i "$WORK/all.tar"
        assert_status 0
        assert_output_contains "Loaded image: busybox:other"
        assert_output_contains "Loaded image: hello:latest"
        # the OCI form names each tag in index.json
        "$BERTH" save --format oci-archive -o "$WORK/all-oci.tar" busybox hello
        [[ $(tar xOf "$WORK/all-oci.tar" index.json | jq -r '[.manifests[].annotations["io.containerd.image.name"]] | sort | join(" ")') == \
                "docker.io/library/busybox:latest docker.io/library/busybox:other docker.io/library/hello:latest" ]]
}

@test "save by id writes the image without tags; load gives it back untagged" {
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" saveverb:one >/dev/null
        id=$("$BERTH" image inspect -f '{{.Id}}' saveverb:one)
        "$BERTH" save -o "$WORK/byid.tar" "${id:7:12}"
        [[ $(tar xOf "$WORK/byid.tar" manifest.json | jq -c '.[0].RepoTags') == null ]]
        "$BERTH" rmi saveverb:one >/dev/null
        run "$BERTH" load -i "$WORK/byid.tar"
        assert_status 0
        [[ $output == "Loaded image ID: $id" ]]
        "$BERTH" rmi "$id" >/dev/null
}

@test "archives made by skopeo load in berth" {
        local format
        for format in docker-archive oci-archive; do
                skopeo copy --quiet "docker-archive:$BERTH_TEST_IMAGES/hello-docker.tar" \
                        "$format:$WORK/skopeo-$format.tar:docker.io/library/saveverb:two"
                run "$BERTH" load -i "$WORK/skopeo-$format.tar"
                assert_status 0
                [[ $output == "Loaded image: saveverb:two" ]]
                # skopeo rewrites the config for OCI: the id is its config digest
                [[ $("$BERTH" image inspect -f '{{.Id}}' saveverb:two) == \
                        "$(skopeo inspect --raw "$format:$WORK/skopeo-$format.tar" | jq -r .config.digest)" ]]
                run "$BERTH" run --rm saveverb:two
                assert_status 0
                [[ $output == "hello from hello" ]]
                "$BERTH" rmi saveverb:two >/dev/null
        done
}

@test "save: bad input" {
        run "$BERTH" save -o "$WORK/x.tar" no-such-image:latest
        assert_status 1
        [[ $output == "Error response from daemon: No such image: no-such-image:latest" ]]
        run "$BERTH" save -o "$WORK/x.tar" busybox 'Bad:Ref:Here'
        assert_status 1
        assert_output_contains "invalid reference format"
        # nothing half-written is left behind
        [[ -z $(ls -A "$WORK") ]]
        run "$BERTH" save --format tar busybox
        assert_status 1
        assert_output_contains 'unsupported format "tar"'
        run "$BERTH" save
        assert_status 1
        assert_output_contains '"berth save" requires at least 1 argument.'
        # Docker refuses to write an archive to a terminal
        run script -qec "'$BERTH' save busybox" /dev/null
        [[ $status -ne 0 ]]
        assert_output_contains "cowardly refusing to save to a terminal. Use the -o flag or redirect"
        # a directory that does not exist
        run "$BERTH" save -o "$WORK/no/such/dir/x.tar" busybox
        assert_status 1
        assert_output_contains "failed to save image"
}
