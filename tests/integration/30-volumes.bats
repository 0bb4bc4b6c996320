#!/usr/bin/env bats
# Volumes and mounts (issue 6): the volume verbs with Docker's output shapes, named volumes shared by
# containers and outliving them, host binds (directories, files, read-only) and their propagation,
# anonymous volumes and their removal with --rm and rm -v, Docker's copy-up of image content into an empty
# volume, the local driver's tmpfs and bind options, --mount, --volumes-from, the D-Bus Volume objects and
# signals, and Docker's errors for bad input.

# shellcheck disable=SC2016 # $names in single quotes are jq's
load helpers
bats_require_minimum_version 1.5.0

ANON_LABEL=com.docker.volume.anonymous

setup_file() {
        berth_load_test_images
        "$BERTH" load -i "$(berth_test_image seeded-docker.tar)" >/dev/null
}

setup() {
        HOSTDIR=$BATS_TEST_TMPDIR/host
        mkdir -p "$HOSTDIR"
}

remove_all_volumes() {
        local names
        names=$("$BERTH" volume ls -q 2>/dev/null) || return 0
        # shellcheck disable=SC2086 # one name per word
        [[ -z $names ]] || "$BERTH" volume rm -f $names >/dev/null 2>&1 || true
}

teardown() {
        berth_teardown
        remove_all_volumes
        # The propagation test's mounts, now that no container holds them.
        ! mountpoint -q "$HOSTDIR" || umount -R "$HOSTDIR"
}

teardown_file() {
        berth_remove_images_matching '^seeded:'
}

# The names of the volumes that carry Docker's anonymous label.
anonymous_volumes() {
        "$BERTH" volume ls -q --filter "label=$ANON_LABEL"
}

@test "volume create, ls, inspect: Docker's shapes" {
        run -0 "$BERTH" volume create --label tier=db --label empty myvol
        [[ $output == myvol ]]
        # Creating it again returns the same volume, as Docker does.
        run -0 "$BERTH" volume create myvol
        [[ $output == myvol ]]
        run -0 "$BERTH" volume create
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        generated=$output

        run -0 "$BERTH" volume ls
        [[ ${lines[0]} =~ ^DRIVER\ +VOLUME\ NAME$ ]]
        assert_output_contains "local     myvol"
        assert_output_contains "local     $generated"

        run -0 "$BERTH" volume inspect myvol
        run -0 jq -e --arg mp /var/lib/berth/volumes/myvol/_data '
                length == 1 and .[0].Name == "myvol" and .[0].Driver == "local" and .[0].Scope == "local"
                and .[0].Mountpoint == $mp and .[0].Labels == {"tier": "db", "empty": ""}
                and .[0].Options == {}
                and (.[0].CreatedAt | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"))' <<<"$output"
        [[ -d /var/lib/berth/volumes/myvol/_data ]]
        run -0 "$BERTH" volume inspect --format '{{.Name}} {{.Driver}} {{.Labels.tier}}' myvol
        [[ $output == "myvol local db" ]]

        run -0 "$BERTH" volume ls --format json --filter name=myv
        run -0 jq -se 'length == 1 and .[0].Name == "myvol" and .[0].Driver == "local"
                and .[0].Labels == "tier=db,empty=" and .[0].Scope == "local"' <<<"$output"
        run -0 "$BERTH" volume ls -q --filter label=tier=db
        [[ $output == myvol ]]
        run -0 "$BERTH" volume ls --format '{{.Name}}:{{.Driver}}' --filter label=tier
        [[ $output == myvol:local ]]
        run -0 "$BERTH" volume ls -q --filter label=tier=web
        [[ -z $output ]]

        "$BERTH" create --name user -v myvol:/data busybox true >/dev/null
        run -0 "$BERTH" volume ls -q --filter dangling=true
        [[ $output == "$generated" ]]
        run -0 "$BERTH" volume ls -q --filter dangling=false
        [[ $output == myvol ]]

        run -1 "$BERTH" volume inspect nosuchvolume
        assert_output_contains "No such volume: nosuchvolume"
}

@test "two containers share a named volume and see each other's writes; it outlives both" {
        "$BERTH" run -d --name vol-container-1 -v myvolume:/data busybox \
                sh -c 'echo "written by 1" > /data/one; sleep 1000' >/dev/null
        wait_for 10 test -f /var/lib/berth/volumes/myvolume/_data/one
        run -0 "$BERTH" run --name vol-container-2 -v myvolume:/data busybox \
                sh -c 'cat /data/one; echo "written by 2" > /data/two'
        [[ $output == "written by 1" ]]
        run -0 "$BERTH" exec vol-container-1 cat /data/two
        [[ $output == "written by 2" ]]

        # The tutorial's interactive form: a shell in the first writes, the second reads.
        echo 'echo hello > /data/file.txt' | "$BERTH" run -i --name vol-tutorial-1 -v myvolume:/data busybox
        run -0 "$BERTH" run --name vol-tutorial-2 -v myvolume:/data busybox cat /data/file.txt
        [[ $output == hello ]]

        "$BERTH" rm -f vol-container-1 vol-container-2 vol-tutorial-1 vol-tutorial-2 >/dev/null
        run -0 "$BERTH" volume ls -q
        [[ $output == myvolume ]]
        run -0 "$BERTH" run --rm -v myvolume:/data busybox cat /data/one /data/two /data/file.txt
        [[ $output == $'written by 1\nwritten by 2\nhello' ]]
        run -0 "$BERTH" volume ls -q
        [[ $output == myvolume ]]
}

@test "bind mounts: a directory, a file, :ro refused with EROFS, a missing -v source is created" {
        echo "from the host" >"$HOSTDIR/file.txt"
        echo "single file" >"$BATS_TEST_TMPDIR/single"

        run -0 "$BERTH" run --rm -v "$HOSTDIR:/mnt/host" busybox sh -c 'cat /mnt/host/file.txt; echo back > /mnt/host/out'
        [[ $output == "from the host" ]]
        [[ $(cat "$HOSTDIR/out") == back ]]

        run -0 "$BERTH" run --rm -v "$BATS_TEST_TMPDIR/single:/etc/single.conf" busybox cat /etc/single.conf
        [[ $output == "single file" ]]

        run -1 "$BERTH" run --rm -v "$HOSTDIR:/mnt/host:ro" busybox sh -c 'cat /mnt/host/file.txt; echo x > /mnt/host/file.txt'
        assert_output_contains "from the host"
        assert_output_contains "Read-only file system"
        [[ $(cat "$HOSTDIR/file.txt") == "from the host" ]]
        run -1 "$BERTH" run --rm --mount "type=bind,source=$HOSTDIR,target=/mnt/host,readonly" busybox touch /mnt/host/new
        assert_output_contains "Read-only file system"
        [[ ! -e $HOSTDIR/new ]]

        run -0 "$BERTH" run --rm -v "$HOSTDIR/made/by/v:/mnt/made" busybox sh -c 'echo inside > /mnt/made/f'
        [[ $(cat "$HOSTDIR/made/by/v/f") == inside ]]
}

@test "anonymous volumes: -v /path and image VOLUMEs; --rm and rm -v remove them, named ones stay" {
        run -0 "$BERTH" run --rm -v /scratch -v kept:/kept busybox sh -c 'echo x > /scratch/f; echo y > /kept/f'
        run -0 "$BERTH" volume ls -q
        [[ $output == kept ]]

        "$BERTH" run --name anon -v /scratch busybox sh -c 'echo x > /scratch/f' >/dev/null
        run -0 anonymous_volumes
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        anon=$output
        [[ $(cat "/var/lib/berth/volumes/$anon/_data/f") == x ]]
        run -0 "$BERTH" inspect --format '{{json .Mounts}}' anon
        run -0 jq -e --arg n "$anon" '.[0].Type == "volume" and .[0].Name == $n and .[0].Destination == "/scratch"
                and .[0].Driver == "local" and .[0].RW == true' <<<"$output"
        "$BERTH" rm -v anon >/dev/null
        run -0 anonymous_volumes
        [[ -z $output ]]

        # A plain rm keeps it, as Docker's does.
        "$BERTH" create --name image-volume seeded true >/dev/null
        run -0 anonymous_volumes
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        "$BERTH" rm image-volume >/dev/null
        run -0 anonymous_volumes
        [[ $output =~ ^[0-9a-f]{64}$ ]]
        run -0 "$BERTH" volume ls -q --filter name=kept
        [[ $output == kept ]]
}

@test "copy-up: an empty volume gets the image's content at its path, with owners and modes" {
        # The image's VOLUME /srv/seed: an anonymous volume, filled from the image.
        run -0 "$BERTH" run --rm seeded sh -c 'cat /srv/seed/greeting.txt; readlink /srv/seed/link;
                stat -c "%u %a" /srv/seed /srv/seed/greeting.txt /srv/seed/sub'
        [[ $output == $'seeded by the image\ngreeting.txt\n1000 750\n1000 640\n1000 755' ]]

        # A named volume: filled at its first use, then kept as the containers left it.
        run -0 "$BERTH" run --rm -v seedvol:/srv/seed seeded sh -c 'cat /srv/seed/greeting.txt; echo changed > /srv/seed/greeting.txt; rm /srv/seed/link'
        [[ $output == "seeded by the image" ]]
        [[ $(stat -c '%u %a' /var/lib/berth/volumes/seedvol/_data) == "1000 750" ]]
        run -0 "$BERTH" run --rm -v seedvol:/srv/seed seeded sh -c 'cat /srv/seed/greeting.txt; ls /srv/seed'
        [[ $output == $'changed\nsub\ngreeting.txt' || $output == $'changed\ngreeting.txt\nsub' ]]

        # nocopy, and a path the image does not have: nothing is copied.
        run -0 "$BERTH" run --rm -v nocopy:/srv/seed:nocopy seeded ls -A /srv/seed
        [[ -z $output ]]
        run -0 "$BERTH" run --rm --mount type=volume,source=nocopy2,target=/srv/seed,volume-nocopy seeded ls -A /srv/seed
        [[ -z $output ]]
        run -0 "$BERTH" run --rm -v fresh:/no/such/dir seeded ls -A /no/such/dir
        [[ -z $output ]]
}

@test "mount targets resolve inside the container: a symlink in the image leads nowhere outside" {
        rm -rf /var/log/berth-escape /tmp/escape-target
        # /srv/escape -> ../../../../../../var/log: the container's /var/log, never the host's.
        run -0 "$BERTH" run --rm -v "$HOSTDIR:/srv/escape/berth-escape" -v esc:/srv/escape/berth-escape/vol seeded \
                sh -c 'touch /srv/escape/berth-escape/f; ls -d /var/log/berth-escape/vol'
        [[ -e $HOSTDIR/f && -d $HOSTDIR/vol ]]
        [[ ! -e /var/log/berth-escape ]]
        # A dangling one: refused, and nothing appears on the host.
        run "$BERTH" run --rm -v "$HOSTDIR:/srv/dangling/x" seeded true
        [[ ! -e /tmp/escape-target ]]
}

@test "volume rm: refused while in use, -f only while no running container uses it" {
        "$BERTH" volume create busy >/dev/null
        id=$("$BERTH" create --name user -v busy:/data busybox sleep 1000)
        run -1 "$BERTH" volume rm busy
        [[ $output == "Error response from daemon: remove busy: volume is in use - [$id]" ]]

        "$BERTH" start user >/dev/null
        run -1 "$BERTH" volume rm -f busy
        assert_output_contains "volume is in use - [$id]"
        "$BERTH" stop -t 0 user >/dev/null
        run -0 "$BERTH" volume rm -f busy
        [[ $output == busy ]]
        [[ ! -e /var/lib/berth/volumes/busy ]]
        # Its container gets a fresh one at its next start.
        "$BERTH" start user >/dev/null
        [[ -d /var/lib/berth/volumes/busy/_data ]]

        run -1 "$BERTH" volume rm nosuchvolume
        assert_output_contains "get nosuchvolume: no such volume"
        run -0 "$BERTH" volume rm -f nosuchvolume
}

@test "volume prune: anonymous unused volumes, all unused ones with -a, never one in use" {
        "$BERTH" volume create named >/dev/null
        "$BERTH" volume create --label keep=yes labeled >/dev/null
        "$BERTH" create --name anon -v /a busybox true >/dev/null
        anon=$(anonymous_volumes)
        "$BERTH" rm anon >/dev/null
        "$BERTH" create --name user -v /b -v used:/used busybox true >/dev/null
        used_anon=$("$BERTH" inspect --format '{{json .Mounts}}' user | jq -r '.[] | select(.Destination == "/b") | .Name')

        run -0 "$BERTH" volume prune -f
        [[ ${lines[0]} == "Deleted Volumes:" ]]
        [[ ${lines[1]} == "$anon" ]]
        assert_output_contains "Total reclaimed space:"
        run -0 "$BERTH" volume ls -q
        [[ $(sort <<<"$output") == $(printf '%s\n' labeled named used "$used_anon" | sort) ]]

        run -0 "$BERTH" volume prune -f -a --filter label!=keep
        [[ $output == $'Deleted Volumes:\nnamed\n\nTotal reclaimed space: 0B' ]]
        run -0 "$BERTH" volume prune -a -f
        [[ $output == $'Deleted Volumes:\nlabeled\n\nTotal reclaimed space: 0B' ]]
        run -0 "$BERTH" volume ls -q
        [[ $(sort <<<"$output") == $(printf '%s\n' used "$used_anon" | sort) ]]
}

@test "system df: Local Volumes counts the volumes, their use and their bytes" {
        "$BERTH" volume create idle >/dev/null
        head -c 100000 /dev/urandom >/var/lib/berth/volumes/idle/_data/blob
        "$BERTH" create --name user -v busy:/data busybox true >/dev/null
        run -0 "$BERTH" system df --format json
        run -0 jq -se '.[] | select(.Type == "Local Volumes") | .TotalCount == "2" and .Active == "1"
                and (.Size | test("^10[0-9.]*kB$")) and (.Reclaimable | test("^10[0-9.]*kB \\(100%\\)$"))' <<<"$output"
        run -0 "$BERTH" system df -v
        assert_output_contains "Local Volumes space usage:"
        [[ $output =~ busy\ +1\ +0B ]]
        [[ $output =~ idle\ +0\ +10[0-9.]*kB ]]
}

@test "--mount: volume, bind with propagation, tmpfs with size and mode; inspect's Mounts and HostConfig" {
        # A slave bind needs a source on a shared mount; the sandbox's /tmp is private.
        mount --bind "$HOSTDIR" "$HOSTDIR"
        mount --make-shared "$HOSTDIR"
        "$BERTH" create --name mounted \
                --mount type=volume,source=mvol,target=/vol,readonly \
                --mount "type=bind,src=$HOSTDIR,dst=/bind,bind-propagation=rslave" \
                --mount type=tmpfs,destination=/tmp/t,tmpfs-size=1m,tmpfs-mode=1770 \
                -v "$HOSTDIR:/binds:ro" busybox sh -c 'df -k /tmp/t | tail -1; stat -c %a /tmp/t; touch /vol/x' >/dev/null
        run -0 "$BERTH" inspect mounted
        run -0 jq -e --arg h "$HOSTDIR" '.[0] as $c | ($c.Mounts | map({(.Destination): .}) | add) as $m
                | $m["/vol"] == {Type: "volume", Name: "mvol", Source: "/var/lib/berth/volumes/mvol/_data",
                        Destination: "/vol", Driver: "local", Mode: "", RW: false, Propagation: ""}
                and $m["/bind"] == {Type: "bind", Source: $h, Destination: "/bind", Mode: "", RW: true,
                        Propagation: "rslave"}
                and $m["/binds"] == {Type: "bind", Source: $h, Destination: "/binds", Mode: "ro", RW: false,
                        Propagation: "rprivate"}
                and $m["/tmp/t"].Type == "tmpfs"
                and $c.HostConfig.Binds == [($h + ":/binds:ro")]
                and ($c.HostConfig.Mounts | length) == 3
                and $c.HostConfig.Mounts[0] == {Type: "volume", Source: "mvol", Target: "/vol", ReadOnly: true}
                and ($c.HostConfig.Mounts | map(select(.Type == "tmpfs"))[0].TmpfsOptions)
                        == {SizeBytes: 1048576, Mode: 1016}' <<<"$output"

        run -1 "$BERTH" start -a mounted
        assert_output_contains "1024"
        assert_output_contains "1770"
        assert_output_contains "Read-only file system"

        # volume-label and volume-opt shape a volume --mount creates; a field in quotes holds commas.
        run -0 "$BERTH" run --rm \
                --mount 'type=volume,src=optvol,dst=/o,volume-label=team=db,volume-opt=type=tmpfs,volume-opt=device=tmpfs,"volume-opt=o=size=1m,mode=0700"' \
                busybox sh -c 'df -k /o | tail -1; stat -c %a /o'
        assert_output_contains " 1024 "
        assert_output_contains "700"
        run -0 "$BERTH" volume inspect optvol
        run -0 jq -e '.[0].Labels == {team: "db"} and .[0].Options == {type: "tmpfs", device: "tmpfs", o: "size=1m,mode=0700"}' <<<"$output"
}

@test "bind propagation: rslave receives the host's mounts, rshared sends its own back, rprivate neither; Docker's checks" {
        # A shared mount point, as Docker requires for shared and slave binds.
        mount --bind "$HOSTDIR" "$HOSTDIR"
        mount --make-shared "$HOSTDIR"
        mkdir "$HOSTDIR/from-host" "$HOSTDIR/from-slave" "$HOSTDIR/from-shared"
        "$BERTH" run -d --name private --privileged -v "$HOSTDIR:/mnt" busybox sleep 1000 >/dev/null
        "$BERTH" run -d --name slave --privileged -v "$HOSTDIR:/mnt:rslave" busybox sleep 1000 >/dev/null
        "$BERTH" run -d --name shared --privileged \
                --mount "type=bind,src=$HOSTDIR,dst=/mnt,bind-propagation=rshared" busybox sleep 1000 >/dev/null

        mount -t tmpfs tmpfs "$HOSTDIR/from-host"
        echo host >"$HOSTDIR/from-host/file"
        run -0 "$BERTH" exec slave cat /mnt/from-host/file
        [[ $output == host ]]
        run -0 "$BERTH" exec shared cat /mnt/from-host/file
        [[ $output == host ]]
        run -1 "$BERTH" exec private cat /mnt/from-host/file

        "$BERTH" exec slave sh -c 'mount -t tmpfs tmpfs /mnt/from-slave && echo slave >/mnt/from-slave/file'
        [[ ! -e $HOSTDIR/from-slave/file ]]
        "$BERTH" exec shared sh -c 'mount -t tmpfs tmpfs /mnt/from-shared && echo shared >/mnt/from-shared/file'
        [[ $(cat "$HOSTDIR/from-shared/file") == shared ]]
        # The slave gets the shared container's mount through the host; the private one does not.
        run -0 "$BERTH" exec slave cat /mnt/from-shared/file
        [[ $output == shared ]]
        run -1 "$BERTH" exec private cat /mnt/from-shared/file

        # Docker's check of the source's mount (at create time here).
        mkdir "$HOSTDIR/private" "$HOSTDIR/slave"
        mount --bind "$HOSTDIR/private" "$HOSTDIR/private"
        mount --make-private "$HOSTDIR/private"
        run -125 "$BERTH" run --rm -v "$HOSTDIR/private/sub:/mnt:rslave" busybox true
        assert_output_contains "path $HOSTDIR/private/sub is mounted on $HOSTDIR/private but it is not a shared or slave mount"
        mount --bind "$HOSTDIR/slave" "$HOSTDIR/slave"
        mount --make-slave "$HOSTDIR/slave"
        run -125 "$BERTH" run --rm --mount "type=bind,src=$HOSTDIR/slave,dst=/mnt,bind-propagation=shared" busybox true
        assert_output_contains "path $HOSTDIR/slave is mounted on $HOSTDIR/slave but it is not a shared mount"
        run -0 "$BERTH" run --rm -v "$HOSTDIR/slave:/mnt:slave" busybox true

        run -125 "$BERTH" run --rm -v propvol:/mnt:rshared busybox true
        assert_output_contains 'invalid mount config for type "volume": field BindOptions must not be specified'
        run -125 "$BERTH" run --rm --mount type=volume,src=propvol,dst=/mnt,bind-propagation=rslave busybox true
        assert_output_contains 'invalid mount config for type "volume": field BindOptions must not be specified'
}

@test "--volumes-from: another container's volumes and binds, :ro" {
        "$BERTH" create --name source -v shared:/shared -v "$HOSTDIR:/host" -v /anon busybox true >/dev/null
        anon=$(anonymous_volumes)
        run -0 "$BERTH" run --rm --volumes-from source busybox sh -c 'echo a > /shared/a; echo b > /host/b; echo c > /anon/c; cat /shared/a /host/b'
        [[ $output == $'a\nb' ]]
        # The source's anonymous volume is the source's: --rm of the other container leaves it.
        [[ $(anonymous_volumes) == "$anon" ]]
        [[ $(cat "/var/lib/berth/volumes/$anon/_data/c") == c ]]
        run -1 "$BERTH" run --rm --volumes-from source:ro busybox touch /shared/c
        assert_output_contains "Read-only file system"
        "$BERTH" create --name reader --volumes-from source:ro busybox true >/dev/null
        run -0 "$BERTH" inspect reader
        run -0 jq -e '.[0].HostConfig.VolumesFrom == ["source:ro"] and .[0].HostConfig.Binds == null
                and (.[0].Mounts | map(.Destination) | sort) == ["/anon", "/host", "/shared"]
                and (.[0].Mounts | all(.RW == false))' <<<"$output"
        run -125 "$BERTH" run --rm --volumes-from nosuchcontainer busybox true
        assert_output_contains "No such container: nosuchcontainer"
}

@test "local driver options: a tmpfs volume while in use, a bind of a host directory" {
        run -0 "$BERTH" volume create -o type=tmpfs -o device=tmpfs -o o=size=2m,mode=0770 tvol
        run -0 "$BERTH" volume inspect tvol
        run -0 jq -e '.[0].Options == {type: "tmpfs", device: "tmpfs", o: "size=2m,mode=0770"}' <<<"$output"
        "$BERTH" run -d --name t1 -v tvol:/t busybox sleep 1000 >/dev/null
        run -0 "$BERTH" exec t1 sh -c 'df -k /t | tail -1; stat -c %a /t; echo hi > /t/f'
        assert_output_contains " 2048 "
        assert_output_contains "770"
        grep -q " /var/lib/berth/volumes/tvol/_data tmpfs " /proc/mounts
        run -0 "$BERTH" run --rm -v tvol:/t busybox cat /t/f
        [[ $output == hi ]]
        "$BERTH" rm -f t1 >/dev/null
        # Unmounted once no running container uses it: its content goes with the tmpfs, as in Docker.
        run ! grep -q " /var/lib/berth/volumes/tvol/_data " /proc/mounts

        "$BERTH" volume create -o type=none -o o=bind -o "device=$HOSTDIR" hostvol >/dev/null
        run -0 "$BERTH" run --rm -v hostvol:/h busybox sh -c 'echo via-volume > /h/f'
        [[ $(cat "$HOSTDIR/f") == via-volume ]]

        run -1 "$BERTH" volume create -o foo=bar badopt
        assert_output_contains 'invalid option key: "foo"'
        run -1 "$BERTH" volume create -o type=nfs -o device=:/x nfsvol
        assert_output_contains "unsupported local volume options"
        run -1 "$BERTH" volume create --driver other x
        assert_output_contains 'plugin "other" not found'
}

@test "Volume objects on the bus, VolumeNew and VolumeRemoved signals" {
        busctl monitor --system --match "type=signal,interface=org.berth.berth1.Manager" >"$BATS_TEST_TMPDIR/signals" 2>&1 &
        monitor=$!
        sleep 0.5
        "$BERTH" volume create --label a=b busvol >/dev/null
        run -0 busctl get-property org.berth.berth1 /org/berth/berth1/volume/busvol org.berth.berth1.Volume Mountpoint
        [[ $output == 's "/var/lib/berth/volumes/busvol/_data"' ]]
        run -0 busctl get-property org.berth.berth1 /org/berth/berth1/volume/busvol org.berth.berth1.Volume Labels
        [[ $output == 'a{ss} 1 "a" "b"' ]]
        run -0 busctl tree org.berth.berth1
        assert_output_contains /org/berth/berth1/volume/busvol
        "$BERTH" create --name user -v busvol:/v busybox true >/dev/null
        run -0 busctl get-property org.berth.berth1 /org/berth/berth1/volume/busvol org.berth.berth1.Volume UsedBy
        [[ $output == "as 1 \"$("$BERTH" inspect --format '{{.Id}}' user)\"" ]]
        "$BERTH" rm user >/dev/null
        "$BERTH" volume rm busvol >/dev/null
        sleep 0.5
        kill "$monitor"
        grep -q 'Member=VolumeNew' "$BATS_TEST_TMPDIR/signals"
        grep -q 'Member=VolumeRemoved' "$BATS_TEST_TMPDIR/signals"
        grep -q '"busvol"' "$BATS_TEST_TMPDIR/signals"
}

@test "events: volume create, mount, unmount, destroy" {
        since=$(date +%s)
        "$BERTH" run --rm -v evvol:/data busybox true
        "$BERTH" volume rm evvol >/dev/null
        run -0 "$BERTH" events --since "$since" --until "$(($(date +%s) + 1))" --filter type=volume
        # The second of --since may hold the previous test's events too.
        mapfile -t lines < <(grep ' evvol ' <<<"$output")
        [[ ${#lines[@]} -eq 4 ]]
        [[ ${lines[0]} == *"volume create evvol (driver=local)" ]]
        [[ ${lines[1]} =~ volume\ mount\ evvol\ \(container=[0-9a-f]{64},\ destination=/data,\ driver=local,\ propagation=,\ read/write=true\)$ ]]
        [[ ${lines[2]} =~ volume\ unmount\ evvol\ \(container=[0-9a-f]{64},\ driver=local\)$ ]]
        [[ ${lines[3]} == *"volume destroy evvol (driver=local)" ]]
}

@test "mounts survive a restart of berthd" {
        "$BERTH" create --name kept -v survivor:/data busybox sh -c 'cat /data/f' >/dev/null
        echo persisted >/var/lib/berth/volumes/survivor/_data/f
        systemctl restart berthd
        run -0 "$BERTH" inspect --format '{{json .HostConfig.Binds}}' kept
        [[ $output == '["survivor:/data"]' ]]
        run -1 "$BERTH" volume rm survivor
        assert_output_contains "volume is in use"
        run -0 "$BERTH" start -a kept
        [[ $output == persisted ]]
}

@test "bad input: Docker's errors" {
        run -1 "$BERTH" volume create a/b
        [[ $output == *'create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'* ]]
        run -125 "$BERTH" run --rm -v relative/dir:/mnt busybox true
        assert_output_contains '"relative/dir" includes invalid characters for a local volume name'
        assert_output_contains "If you intended to pass a host directory, use absolute path"
        run -125 "$BERTH" run --rm --mount type=bind,source=/no/such/path,target=/mnt busybox true
        assert_output_contains 'invalid mount config for type "bind": bind source path does not exist: /no/such/path'
        [[ ! -e /no/such/path ]]
        run -125 "$BERTH" run --rm --mount type=bind,src=/tmp,dst=/mnt,foo=bar busybox true
        assert_output_contains "unexpected key 'foo' in 'foo=bar'"
        run -125 "$BERTH" run --rm --mount source=/tmp,target=/mnt busybox true
        assert_output_contains "type is required"
        run -125 "$BERTH" run --rm --mount type=bind,source=/tmp busybox true
        assert_output_contains 'invalid mount config for type "bind": field Target must not be empty'
        run -125 "$BERTH" run --rm --mount type=floppy,target=/mnt busybox true
        assert_output_contains 'invalid mount config for type "floppy": mount type unknown'
        run -125 "$BERTH" run --rm --mount type=tmpfs,source=/tmp,target=/mnt busybox true
        assert_output_contains "field Source must not be specified"
        run -125 "$BERTH" run --rm --mount type=bind,source=/tmp,target=/mnt,bind-propagation=sideways busybox true
        assert_output_contains "invalid value for bind-propagation: sideways"
        run -125 "$BERTH" run --rm --mount type=tmpfs,target=/mnt,tmpfs-size=lots busybox true
        assert_output_contains "invalid value for tmpfs-size: lots"
        run -125 "$BERTH" run --rm -v /tmp:/mnt:rx busybox true
        assert_output_contains "invalid mode: rx"
        run -125 "$BERTH" run --rm -v /tmp:relative busybox true
        assert_output_contains "invalid mount path: 'relative' mount path must be absolute"
        run -125 "$BERTH" run --rm -v /tmp:/ busybox true
        assert_output_contains "destination can't be '/'"
        run -125 "$BERTH" run --rm -v /tmp:/mnt -v vol:/mnt busybox true
        assert_output_contains "Duplicate mount point: /mnt"
        run -125 "$BERTH" run --rm -v a:b:c:d busybox true
        assert_output_contains "invalid volume specification: 'a:b:c:d'"
        # Nothing was left behind by the refused containers.
        run -0 "$BERTH" ps -aq
        [[ -z $output ]]
        run -0 "$BERTH" volume ls -q
        [[ -z $output ]]
}
