#!/usr/bin/env bats
# The image store verbs: tag, rmi / image rm, image prune, history, images, image inspect, system df, and
# RepoDigests and search against the local registry (registry.bash). Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output, $lines and $status come from bats' run

load helpers
load registry
bats_require_minimum_version 1.5.0

STATE=/var/lib/berth

setup_file() {
        berth_load_test_images
        registry_start
        registry_push busybox library/busybox:latest
        registry_push hello team/busytool:v1
}

teardown_file() {
        registry_set_mirror
        registry_stop
}

teardown() {
        berth_teardown
        "$BERTH" rmi -f imgverbs:one imgverbs:two imgverbs:three example.com/team/imgverbs:v1 labeled:latest \
                "$REGISTRY_ADDR/library/busybox:latest" "$REGISTRY_ADDR/library/busybox:other" >/dev/null 2>&1 || true
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

# Docker's units.HumanSize: three significant digits, decimal units.
human_size() {
        awk -v b="$1" 'BEGIN { split("B kB MB GB TB", u, " "); i = 1
                while (b >= 1000 && i < 5) { b /= 1000; i++ }
                printf "%.3g%s\n", b, u[i] }'
}

@test "images: -q an id a row, --no-trunc the full id, -a accepted, REPOSITORY argument" {
        id=$("$BERTH" image inspect -f '{{.Id}}' busybox)
        "$BERTH" tag busybox imgverbs:one
        run "$BERTH" images -q
        assert_status 0
        # One line per row, as Docker: busybox's id twice now
        [[ $(grep -c "^${id:7:12}\$" <<<"$output") -eq 2 ]]
        run "$BERTH" images -q --no-trunc imgverbs
        assert_status 0
        [[ $output == "$id" ]]
        run "$BERTH" images --no-trunc imgverbs:one
        [[ ${lines[1]} == *"$id"* ]]
        run "$BERTH" images -a -q imgverbs:one
        assert_status 0
        [[ $output == "${id:7:12}" ]]
        run "$BERTH" images imgverbs:nope
        assert_status 0
        [[ ${#lines[@]} -eq 1 ]]
        run "$BERTH" images a b
        assert_status 1
        assert_output_contains "requires at most 1 argument"
}

@test "images --format json: Docker's keys, one object a line" {
        "$BERTH" tag busybox imgverbs:one
        run "$BERTH" images --format json
        assert_status 0
        [[ ${#lines[@]} -ge 3 ]]
        for l in "${lines[@]}"; do
                jq -e 'keys == ["Containers", "CreatedAt", "CreatedSince", "Digest", "ID", "Repository",
                        "SharedSize", "Size", "Tag", "UniqueSize", "VirtualSize"]' <<<"$l" >/dev/null
        done
        id=$("$BERTH" image inspect -f '{{.Id}}' busybox)
        size=$("$BERTH" image inspect -f '{{.Size}}' busybox)
        row=$("$BERTH" images --format json imgverbs:one)
        jq -e --arg id "${id:7:12}" --arg size "$(human_size "$size")" '.Repository == "imgverbs" and
                .Tag == "one" and .ID == $id and .Size == $size and .VirtualSize == $size and
                .Digest == "<none>" and .Containers == "N/A" and (.CreatedSince | endswith(" ago"))' <<<"$row"
        # -q gives way to an explicit format, as in Docker
        run "$BERTH" images -q --format json imgverbs:one
        jq -e .ID <<<"$output" >/dev/null
}

@test "images --format templates; a bad template fails" {
        "$BERTH" tag busybox imgverbs:one
        run "$BERTH" images --format '{{.Repository}}:{{.Tag}}' imgverbs
        assert_status 0
        [[ $output == "imgverbs:one" ]]
        run "$BERTH" images --format 'table {{.Repository}}\t{{.Tag}}' imgverbs
        assert_status 0
        [[ ${lines[0]} =~ ^REPOSITORY\ +TAG$ ]]
        [[ ${lines[1]} =~ ^imgverbs\ +one$ ]]
        run "$BERTH" images --format '{{.Repository}'
        assert_status 1
        assert_output_contains "template parsing error"
        run "$BERTH" images --format '{{.Repository | printf}}'
        assert_status 1
        assert_output_contains "template parsing error"
}

@test "images --filter reference= matches Docker's patterns" {
        "$BERTH" tag busybox imgverbs:one
        "$BERTH" tag busybox example.com/team/imgverbs:v1
        run "$BERTH" images --format '{{.Repository}}:{{.Tag}}' --filter 'reference=imgverb*'
        assert_status 0
        [[ $output == "imgverbs:one" ]]
        run "$BERTH" images --format '{{.Repository}}:{{.Tag}}' --filter 'reference=*/*/imgverbs'
        [[ $output == "example.com/team/imgverbs:v1" ]]
        # several patterns: any may match; the image shows the matching tags only
        run "$BERTH" images --format '{{.Repository}}:{{.Tag}}' --filter reference=imgverbs:one \
                --filter reference=hello
        [[ $(sort <<<"$output") == "$(printf 'hello:latest\nimgverbs:one')" ]]
        run "$BERTH" images -q --filter 'reference=nothing*'
        assert_status 0
        [[ -z $output ]]
}

@test "images --filter before= and since= compare creation times" {
        # import stamps the image with the time of the import
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:one >/dev/null
        sleep 1.1
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:two >/dev/null
        sleep 1.1
        "$BERTH" import "$(berth_test_image busybox-rootfs.tar)" imgverbs:three >/dev/null
        run "$BERTH" images --format '{{.Tag}}' --filter reference=imgverbs --filter since=imgverbs:one
        [[ $output == "$(printf 'three\ntwo')" ]]
        run "$BERTH" images --format '{{.Tag}}' --filter reference=imgverbs --filter before=imgverbs:three
        [[ $output == "$(printf 'two\none')" ]]
        run "$BERTH" images --format '{{.Tag}}' --filter reference=imgverbs --filter since=imgverbs:one \
                --filter before=imgverbs:three
        [[ $output == two ]]
        # the images of make-test-images are older than anything imported
        run "$BERTH" images --format '{{.Repository}}' --filter before=imgverbs:one --filter reference=busybox
        [[ $output == busybox ]]
        run "$BERTH" images --filter before=no-such-image
        assert_status 1
        assert_output_contains "No such image: no-such-image"
}

@test "images --filter label= uses the image config's Labels" {
        "$BERTH" load -i "$(berth_test_image labeled-docker.tar)" >/dev/null
        run "$BERTH" images --format '{{.Repository}}' --filter label=maintainer
        assert_status 0
        [[ $output == labeled ]]
        run "$BERTH" images --format '{{.Repository}}' --filter label=org.example.tier=web --filter label=maintainer
        [[ $output == labeled ]]
        run "$BERTH" images --format '{{.Repository}}' --filter label=org.example.tier=db
        [[ -z $output ]]
        run "$BERTH" images --format '{{.Repository}}' --filter label=maintainer --filter label=other
        [[ -z $output ]]
}

@test "images: bad filters" {
        run "$BERTH" images --filter dangling
        assert_status 1
        assert_output_contains "bad format of filter (expected name=value)"
        run "$BERTH" images --filter =x
        assert_status 1
        assert_output_contains "bad format of filter"
        run "$BERTH" images --filter 'reference=busy[box'
        assert_status 1
        assert_output_contains "syntax error in pattern"
        run "$BERTH" images --filter until=1h
        assert_status 1
        assert_output_contains "invalid filter 'until'"
        run "$BERTH" images --filter since=
        assert_status 1
}

@test "image inspect: Docker's shape, labels, ports, volumes, layers" {
        berth_test_image_digests
        "$BERTH" load -i "$(berth_test_image labeled-docker.tar)" >/dev/null
        run "$BERTH" image inspect labeled
        assert_status 0
        jq -e 'length == 1 and (.[0] | keys == ["Architecture", "Author", "Comment", "Config", "Created",
                "GraphDriver", "Id", "Metadata", "Os", "Parent", "RepoDigests", "RepoTags", "RootFS", "Size"])' \
                <<<"$output" >/dev/null
        jq -e --arg layer "$BUSYBOX_LAYER_DIFF_ID" '.[0] | .RepoTags == ["labeled:latest"] and
                .RepoDigests == [] and .Parent == "" and .Author == "berth tests" and .Comment == "labeled" and
                .Created == "2024-01-01T00:00:00Z" and .Architecture == "amd64" and .Os == "linux" and
                .Config.Labels == {"org.example.tier": "web", "maintainer": "berth"} and
                .Config.ExposedPorts == {"80/tcp": {}} and .Config.Volumes == {"/data": {}} and
                .Config.Cmd == ["sh"] and .Config.Entrypoint == null and
                (.Config | has("Healthcheck") | not) and (.Config | has("StopSignal") | not) and
                .RootFS == {Type: "layers", Layers: [$layer]} and .GraphDriver.Name == "overlay" and
                .Metadata.LastTagTime == "0001-01-01T00:00:00Z"' <<<"$output" >/dev/null
        # Size: the unpacked layer, as the store recorded it
        [[ $(jq '.[0].Size' <<<"$output") -eq $(jq .Size "$STATE/layers/${BUSYBOX_LAYER_DIFF_ID#sha256:}/layer.json") ]]
        upper=$(jq -r '.[0].GraphDriver.Data.UpperDir' <<<"$output")
        [[ -x $upper/bin/busybox ]]
        [[ $(jq '.[0].GraphDriver.Data | has("LowerDir")' <<<"$output") == false ]]

        # Two layers: the top one is UpperDir, the one below LowerDir
        run "$BERTH" image inspect hello
        upper=$(jq -r '.[0].GraphDriver.Data.UpperDir' <<<"$output")
        lower=$(jq -r '.[0].GraphDriver.Data.LowerDir' <<<"$output")
        [[ -f $upper/etc/hello.txt && -x $lower/bin/busybox ]]
        jq -e '.[0] | .Config.Entrypoint == ["/bin/echo"] and .Config.WorkingDir == "/tmp" and
                .Config.User == "root" and .Config.Labels == null and .Config.Volumes == null' <<<"$output" >/dev/null

        # The image's HEALTHCHECK and STOPSIGNAL, in ns as Docker shows them
        "$BERTH" load -i "$(berth_test_image healthy-docker.tar)" >/dev/null
        "$BERTH" load -i "$(berth_test_image stopsig-docker.tar)" >/dev/null
        run "$BERTH" image inspect -f '{{json .Config.Healthcheck}}' healthy
        jq -e '. == {Test: ["CMD", "test", "!", "-e", "/tmp/sick"], Interval: 1000000000, Timeout: 5000000000,
                Retries: 2}' <<<"$output" >/dev/null
        run "$BERTH" image inspect -f '{{.Config.StopSignal}}' stopsig
        [[ $output == SIGINT ]]
        "$BERTH" rmi healthy stopsig >/dev/null
}

@test "image inspect --format; bad input" {
        "$BERTH" load -i "$(berth_test_image labeled-docker.tar)" >/dev/null
        run "$BERTH" image inspect --format '{{.Config.Labels.maintainer}} {{json .RepoTags}} {{.Author}}' labeled
        assert_status 0
        [[ $output == 'berth ["labeled:latest"] berth tests' ]]
        run "$BERTH" image inspect --format '{{.Config.Labels' labeled
        assert_status 1
        assert_output_contains "template parsing error"
        run "$BERTH" image inspect no-such-image
        assert_status 1
        assert_output_contains "No such object: no-such-image"
        run "$BERTH" image inspect
        assert_status 1
}

@test "RepoDigests: pull by tag records the registry's digest; kept across tag and untag" {
        local ref=$REGISTRY_ADDR/library/busybox digest
        digest=$(registry_manifest_digest library/busybox:latest)
        "$BERTH" pull -q "$ref:latest" >/dev/null
        run "$BERTH" image inspect -f '{{json .RepoDigests}}' "$ref:latest"
        assert_status 0
        [[ $output == "[\"$ref@$digest\"]" ]]
        # the same image loaded from an archive was busybox:latest already: one image, both names
        [[ $("$BERTH" image inspect -f '{{.Id}}' "$ref@$digest") == $("$BERTH" image inspect -f '{{.Id}}' busybox) ]]
        run "$BERTH" images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' "$ref"
        [[ $output == "$ref latest $digest" ]]
        # a template that shows the digest gets it without --digests
        run "$BERTH" images --format '{{.Digest}}' "$ref"
        [[ $output == "$digest" ]]
        run "$BERTH" images --format '{{.Tag}}:{{json .Digest}}' "$ref"
        [[ $output == 'latest:"<none>"' ]]

        # another tag of the repository, then untagging one: the digest stays
        "$BERTH" tag "$ref:latest" "$ref:other"
        "$BERTH" rmi "$ref:latest" >/dev/null
        run "$BERTH" image inspect -f '{{json .RepoDigests}}' "$ref:other"
        [[ $output == "[\"$ref@$digest\"]" ]]
        # the last tag of the repository takes its digest along (busybox:latest keeps the image)
        run "$BERTH" rmi "$ref:other"
        assert_status 0
        [[ ${lines[0]} == "Untagged: $ref:other" ]]
        [[ ${lines[1]} == "Untagged: $ref@$digest" ]]
        run "$BERTH" image inspect -f '{{json .RepoDigests}}' busybox
        [[ $output == "[]" ]]
}

@test "RepoDigests: pull by digest shows <none> with the digest; rmi repo@digest removes it" {
        local ref=$REGISTRY_ADDR/team/busytool digest id
        digest=$(registry_manifest_digest team/busytool:v1)
        # not in the store under any name yet: hello is, so take it away for the test
        id=$("$BERTH" image inspect -f '{{.Id}}' hello)
        "$BERTH" rmi hello >/dev/null
        "$BERTH" pull -q "$ref@$digest" >/dev/null
        run "$BERTH" images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' "$ref"
        assert_status 0
        [[ $output == "$ref <none> $digest" ]]
        run "$BERTH" images --digests
        [[ $output =~ $ref\ +\<none\>\ +$digest\ +${id:7:12} ]]
        # not dangling for images, which hides only images without any reference...
        run "$BERTH" images --filter dangling=false --format '{{.Repository}}'
        assert_output_contains "$ref"
        # ...but without a tag for dangling=true, as in Docker
        run "$BERTH" images --filter dangling=true --format '{{.Repository}}@{{.Digest}}' --digests
        [[ $output == "$ref@$digest" ]]
        run "$BERTH" image inspect -f '{{json .RepoTags}} {{json .RepoDigests}}' "$ref@$digest"
        [[ $output == "[] [\"$ref@$digest\"]" ]]
        run "$BERTH" rmi "$ref@$digest"
        assert_status 0
        [[ ${lines[0]} == "Untagged: $ref@$digest" ]]
        [[ ${lines[1]} == "Deleted: $id" ]]
        run "$BERTH" image inspect "$id"
        assert_status 1
        "$BERTH" load -i "$BERTH_TEST_IMAGES/hello-docker.tar" >/dev/null
}

@test "system df: numbers agree with the store" {
        local layers_bytes rw_bytes cid json
        # Every unpacked file once (hard links too), as the layers' Size counts them
        layers_bytes=$(find "$STATE"/layers/*/diff -type f -printf '%i %s\n' | sort -u | awk '{ s += $2 } END { print s + 0 }')
        images=$("$BERTH" images -q --no-trunc | sort -u | wc -l)
        run "$BERTH" system df
        assert_status 0
        [[ ${lines[0]} =~ ^TYPE\ +TOTAL\ +ACTIVE\ +SIZE\ +RECLAIMABLE$ ]]
        [[ ${lines[1]} =~ ^Images\ +$images\ +0\ +$(human_size "$layers_bytes")\ +$(human_size "$layers_bytes")\ \(100%\)$ ]]
        [[ ${lines[2]} =~ ^Containers\ +0\ +0\ +0B\ +0B$ ]]
        [[ ${lines[3]} =~ ^Local\ Volumes\ +0\ +0\ +0B\ +0B$ ]]
        [[ ${lines[4]} =~ ^Build\ Cache\ +0\ +0\ +0B\ +0B$ ]]

        # A running container that writes 1 MB, and a created one
        cid=$("$BERTH" run -d busybox sh -c 'dd if=/dev/zero of=/big bs=1024 count=1024 2>/dev/null; echo done; sleep 1000')
        wait_for 10 sh -c "$BERTH logs $cid | grep -q done"
        "$BERTH" create hello >/dev/null
        rw_bytes=$(find "$STATE/containers/$cid/upper" \( -type f -o -type l \) -printf '%b\n' | awk '{ s += $1 * 512 } END { print s + 0 }')
        [[ $rw_bytes -ge 1048576 ]]
        json=$("$BERTH" system df --format json)
        jq -se --arg size "$(human_size "$layers_bytes")" --arg rw "$(human_size "$rw_bytes")" --arg n "$images" '
                .[0] == {Active: "2", Reclaimable: .[0].Reclaimable, Size: $size, TotalCount: $n, Type: "Images"} and
                .[1] == {Active: "1", Reclaimable: "0B (0%)", Size: $rw, TotalCount: "2", Type: "Containers"} and
                .[2].Type == "Local Volumes" and .[3].Type == "Build Cache"' <<<"$json" >/dev/null

        run "$BERTH" system df -v
        assert_status 0
        [[ ${lines[0]} == "Images space usage:" ]]
        assert_output_contains "Containers space usage:"
        assert_output_contains "Local Volumes space usage:"
        assert_output_contains "Build cache usage: 0B"
        # busybox's one layer is also hello's bottom layer: shared
        [[ $output =~ busybox\ +latest\ +[0-9a-f]{12}\ +.+\ ago\ +([^ ]+)\ +([^ ]+)\ +0B\ +1 ]]
        [[ ${BASH_REMATCH[1]} == "${BASH_REMATCH[2]}" ]]
        [[ $output =~ ${cid:0:12}\ +busybox\ +\"sh\ -c\ dd.*\ +0\ +$(human_size "$rw_bytes")\ +.*Up ]]

        run "$BERTH" system df --format '{{.Type}}={{.TotalCount}}'
        [[ ${lines[1]} == "Containers=2" ]]
        run "$BERTH" system df -v --format json
        assert_status 1
        run "$BERTH" system df extra
        assert_status 1
}

@test "search: the local registry's catalog, limits, filters, formats" {
        run "$BERTH" search "$REGISTRY_ADDR/busy"
        assert_status 0
        [[ ${lines[0]} =~ ^NAME\ +DESCRIPTION\ +STARS\ +OFFICIAL$ ]]
        [[ ${lines[1]} =~ ^$REGISTRY_ADDR/library/busybox\ +0 ]]
        [[ ${lines[2]} =~ ^$REGISTRY_ADDR/team/busytool\ +0 ]]
        [[ ${#lines[@]} -eq 3 ]]
        run "$BERTH" search --limit 1 --format '{{.Name}}' "$REGISTRY_ADDR/busy"
        [[ $output == "$REGISTRY_ADDR/library/busybox" ]]
        run "$BERTH" search --format json "$REGISTRY_ADDR/TOOL"
        jq -e --arg n "$REGISTRY_ADDR/team/busytool" '. == {Description: "", IsAutomated: "", IsOfficial: "",
                Name: $n, StarCount: "0"}' <<<"$output" >/dev/null
        run "$BERTH" search --no-trunc --filter is-official=false --filter stars=0 --format '{{.Name}}' "$REGISTRY_ADDR/"
        [[ ${#lines[@]} -eq 2 ]]
        run "$BERTH" search --filter is-official=true --format '{{.Name}}' "$REGISTRY_ADDR/busy"
        assert_status 0
        [[ -z $output ]]
        run "$BERTH" search --filter stars=1 --format '{{.Name}}' "$REGISTRY_ADDR/busy"
        [[ -z $output ]]
        # the pulled names work
        "$BERTH" pull -q "$REGISTRY_ADDR/team/busytool:v1" >/dev/null
        "$BERTH" rmi "$REGISTRY_ADDR/team/busytool:v1" >/dev/null
}

@test "search: Docker Hub names through registry-mirrors" {
        registry_set_mirror "http://$REGISTRY_ADDR"
        run "$BERTH" search --format '{{.Name}} {{.IsOfficial}}' busy
        assert_status 0
        [[ ${lines[0]} == "busybox [OK]" ]]
        [[ ${lines[1]} == "team/busytool " ]]
}

@test "search: bad input, and an unreachable registry is one clear line" {
        run "$BERTH" search
        assert_status 1
        assert_output_contains "requires exactly 1 argument"
        run "$BERTH" search --limit 0 busybox
        assert_status 1
        assert_output_contains "limit 0 is outside the range of [1, 100]"
        run "$BERTH" search --limit 101 busybox
        assert_status 1
        run "$BERTH" search --limit x busybox
        assert_status 125
        run "$BERTH" search --filter stars=many busybox
        assert_status 1
        assert_output_contains "invalid filter 'stars=many'"
        run "$BERTH" search --filter bogus=1 busybox
        assert_status 1
        assert_output_contains "invalid filter 'bogus'"
        run "$BERTH" search 127.0.0.1:5999/busybox
        assert_status 1
        assert_output_contains "connection refused"
        [[ ${#lines[@]} -eq 1 ]]
}

@test "search waits for the registry in a worker: berthd answers meanwhile" {
        # A registry that accepts and never answers
        python3 -c 'import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 5998)); s.listen(8)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)' &
        local server=$!
        wait_for 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/5998'
        "$BERTH" search 127.0.0.1:5998/x >/dev/null 2>&1 &
        local search=$!
        sleep 0.5
        kill -0 "$search"
        run timeout 5 "$BERTH" images -q
        assert_status 0
        run timeout 5 "$BERTH" system df
        assert_status 0
        kill "$search" "$server" 2>/dev/null || true
        wait "$search" "$server" 2>/dev/null || true
}
