#!/usr/bin/env bats
# Who may call what: the bus policy (root and group berth everything, everyone else looks), berthd's own
# check of every changing call (polkit's actions org.berth.berth1.manage-*, or without polkit root and
# group berth), the CLI's words for a refusal, and the attach socket's mode. Users are made here with
# useradd: the sandbox's root is an overlay, the host keeps none of them. Runs inside a berth-sandbox.

# shellcheck disable=SC2154 # $output and $status come from bats' run

load helpers
bats_require_minimum_version 1.5.0

OUTSIDER=berth-test-outsider # in no group
MEMBER=berth-test-member     # in group berth
TEST_BUS_POLICY=/etc/dbus-1/system.d/zz-berth-test.conf
TEST_RULES=/etc/polkit-1/rules.d/10-berth-test.rules
BERTH_RULES=/usr/share/polkit-1/rules.d/org.berth.berth1.rules

setup_file() {
        berth_load_test_images
        id "$OUTSIDER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh "$OUTSIDER"
        id "$MEMBER" >/dev/null 2>&1 || useradd --no-create-home --shell /bin/sh --groups berth "$MEMBER"
}

teardown_file() {
        userdel "$OUTSIDER" 2>/dev/null || true
        userdel "$MEMBER" 2>/dev/null || true
        userdel berth-test-late 2>/dev/null || true
}

teardown() {
        local reload_dbus=
        [[ -e $TEST_BUS_POLICY ]] && reload_dbus=1
        rm -f "$TEST_BUS_POLICY" "$TEST_RULES"
        [[ -e $BERTH_RULES.away ]] && mv "$BERTH_RULES.away" "$BERTH_RULES"
        systemctl unmask polkit.service >/dev/null 2>&1 || true
        [[ -n $reload_dbus ]] && systemctl reload dbus
        "$BERTH" rmi access-test:1 >/dev/null 2>&1 || true
        "$BERTH" volume rm access-volume >/dev/null 2>&1 || true
        berth_teardown
}

# as USER BERTH-ARGS...: the CLI run by USER, from a directory USER may enter.
as() {
        local user=$1
        shift
        (cd / && runuser -u "$user" -- "$BERTH" "$@")
}

assert_denied() {
        if [[ $status -eq 0 ]]; then
                echo "expected a refusal, got status 0; output: $output" >&2
                return 1
        fi
        assert_output_contains "permission denied: "
        assert_output_contains "(are you in group berth?)"
}

# Lets $1 past the bus policy as if in group berth, so that only berthd's own check stands in the way.
bus_policy_lets_in() {
        cat >"$TEST_BUS_POLICY" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
        "https://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
        <policy user="$1">
                <allow send_destination="org.berth.berth1"/>
        </policy>
</busconfig>
EOF
        systemctl reload dbus
}

# polkit reads rules files again when they change (inotify): wait until it has.
polkit_rules() {
        cat >"$TEST_RULES"
        sleep 0.5
}

# The store and the containers, to show that a refused call left nothing behind.
berth_state() {
        "$BERTH" ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.State}}'
        "$BERTH" images --no-trunc --format '{{.Repository}}:{{.Tag}} {{.ID}}'
        "$BERTH" volume ls -q
}

@test "group berth comes from berth's sysusers.d file, made at boot" {
        [[ -f /usr/lib/sysusers.d/berth.conf ]]
        grep -qx 'g berth -' /usr/lib/sysusers.d/berth.conf
        run systemctl is-active systemd-sysusers.service
        [[ $output == active ]]
        getent group berth
}

@test "anyone may list, introspect and read properties" {
        "$BERTH" create --name access-listed busybox true >/dev/null

        run as "$OUTSIDER" ps -a
        assert_status 0
        assert_output_contains access-listed
        run as "$OUTSIDER" images
        assert_status 0
        assert_output_contains busybox
        run as "$OUTSIDER" history busybox
        assert_status 0
        run as "$OUTSIDER" system df
        assert_status 0
        run as "$OUTSIDER" volume ls
        assert_status 0
        run runuser -u "$OUTSIDER" -- busctl introspect org.berth.berth1 /org/berth/berth1
        assert_status 0
        assert_output_contains CreateContainer
        run runuser -u "$OUTSIDER" -- busctl get-property org.berth.berth1 /org/berth/berth1 \
                org.berth.berth1.Manager Version
        assert_status 0
}

@test "an unprivileged user gets AccessDenied on run/create/start/stop/kill/exec/attach/rm/rmi/tag/pull/load/volume create and nothing changes" {
        local before
        "$BERTH" run -d --name access-running busybox sleep 1000 >/dev/null
        "$BERTH" create --name access-created busybox true >/dev/null
        before=$(berth_state)

        run as "$OUTSIDER" run --rm busybox true
        assert_denied
        run as "$OUTSIDER" create --name access-new busybox true
        assert_denied
        run as "$OUTSIDER" start access-created
        assert_denied
        run as "$OUTSIDER" stop -t 0 access-running
        assert_denied
        run as "$OUTSIDER" kill access-running
        assert_denied
        run as "$OUTSIDER" exec access-running true
        assert_denied
        run as "$OUTSIDER" attach --no-stdin access-running
        assert_denied
        run as "$OUTSIDER" rm -f access-created
        assert_denied
        run as "$OUTSIDER" rename access-created access-renamed
        assert_denied
        run as "$OUTSIDER" rmi busybox
        assert_denied
        run as "$OUTSIDER" tag busybox access-test:1
        assert_denied
        run as "$OUTSIDER" pull 127.0.0.1:1/access-test:1
        assert_denied
        run as "$OUTSIDER" load -i "$(berth_test_image hello-docker.tar)"
        assert_denied
        run as "$OUTSIDER" container prune -f
        assert_denied
        run as "$OUTSIDER" volume create access-volume
        assert_denied
        run as "$OUTSIDER" volume prune -f
        assert_denied

        [[ $(berth_state) == "$before" ]]
        [[ $("$BERTH" inspect -f '{{.State.Status}}' access-running) == running ]]
}

@test "a container's environment is for those who may manage containers" {
        local path
        "$BERTH" create --name access-env -e ACCESS_SECRET=hunter2 busybox true >/dev/null
        path=$(busctl call org.berth.berth1 /org/berth/berth1 org.berth.berth1.Manager GetContainer s access-env |
                cut -d'"' -f2)

        run runuser -u "$OUTSIDER" -- busctl get-property org.berth.berth1 "$path" org.berth.berth1.Container Env
        [[ $status -ne 0 ]]
        assert_output_contains "Get needs org.berth.berth1.manage-containers"
        run as "$OUTSIDER" inspect access-env
        assert_denied
        [[ $output != *hunter2* ]]
        run runuser -u "$OUTSIDER" -- busctl get-property org.berth.berth1 "$path" org.berth.berth1.Container State
        assert_status 0
        run as "$OUTSIDER" image inspect busybox
        assert_status 0

        run as "$MEMBER" inspect -f '{{.Config.Env}}' access-env
        assert_status 0
        assert_output_contains ACCESS_SECRET=hunter2
}

@test "nobody but root sets a property" {
        run runuser -u "$OUTSIDER" -- busctl set-property org.berth.berth1 /org/berth/berth1 \
                org.berth.berth1.Manager Version s 0
        [[ $status -ne 0 ]]
        assert_output_contains "Access denied"
}

@test "a member of group berth may do everything" {
        run as "$MEMBER" run --rm busybox echo member-ran
        assert_status 0
        assert_output_contains member-ran
        run as "$MEMBER" run -d --name access-member busybox sleep 1000
        assert_status 0
        run as "$MEMBER" exec access-member echo exec-ran
        assert_status 0
        assert_output_contains exec-ran
        run as "$MEMBER" stop -t 0 access-member
        assert_status 0
        run as "$MEMBER" rm access-member
        assert_status 0
        run as "$MEMBER" tag busybox access-test:1
        assert_status 0
        run as "$MEMBER" rmi access-test:1
        assert_status 0
        run as "$MEMBER" volume create access-volume
        assert_status 0
        run as "$OUTSIDER" volume rm access-volume
        assert_denied
        run as "$MEMBER" volume rm access-volume
        assert_status 0
}

@test "a user added to group berth may use berth once logged in again" {
        useradd --no-create-home --shell /bin/sh berth-test-late
        run as berth-test-late create --name access-late busybox true
        assert_denied

        usermod -aG berth berth-test-late
        run setpriv --reuid berth-test-late --regid berth-test-late --init-groups \
                "$BERTH" create --name access-late busybox true
        assert_status 0
        userdel berth-test-late
}

@test "polkit, not the bus policy, refuses: a rule that denies a member manage-containers" {
        polkit_rules <<EOF
polkit.addRule(function(action, subject) {
        if (action.id == "org.berth.berth1.manage-containers" && subject.user == "$MEMBER")
                return polkit.Result.NO;
});
EOF
        run as "$MEMBER" create --name access-refused busybox true
        assert_denied
        assert_output_contains "CreateContainer needs org.berth.berth1.manage-containers"
        run "$BERTH" inspect access-refused
        [[ $status -ne 0 ]]
        # The other actions are still granted to the group.
        run as "$MEMBER" tag busybox access-test:1
        assert_status 0
}

@test "without berth's polkit rules a member of group berth must authenticate" {
        mv "$BERTH_RULES" "$BERTH_RULES.away"
        sleep 0.5
        run as "$MEMBER" create --name access-refused busybox true
        assert_denied
        assert_output_contains "which needs authentication"
        # root never asks polkit.
        run "$BERTH" tag busybox access-test:1
        assert_status 0
}

@test "past the bus policy berthd asks polkit itself; a rule may grant one action only" {
        bus_policy_lets_in "$OUTSIDER"
        polkit_rules <<EOF
polkit.addRule(function(action, subject) {
        if (action.id == "org.berth.berth1.manage-images" && subject.user == "$OUTSIDER")
                return polkit.Result.YES;
});
EOF
        run as "$OUTSIDER" create --name access-refused busybox true
        assert_denied
        assert_output_contains "org.berth.berth1.manage-containers"
        run "$BERTH" inspect access-refused
        [[ $status -ne 0 ]]
        run as "$OUTSIDER" tag busybox access-test:1
        assert_status 0
}

@test "without polkit berthd lets root and group berth in, nobody else" {
        systemctl mask --now polkit.service
        bus_policy_lets_in "$OUTSIDER"

        run as "$OUTSIDER" create --name access-refused busybox true
        assert_denied
        assert_output_contains "CreateContainer needs org.berth.berth1.manage-containers"
        run as "$OUTSIDER" tag busybox access-test:1
        assert_denied
        run "$BERTH" inspect access-refused
        [[ $status -ne 0 ]]

        run as "$MEMBER" run --rm busybox echo member-ran
        assert_status 0
        assert_output_contains member-ran
        run "$BERTH" run --rm busybox echo root-ran
        assert_status 0
        run systemctl is-active polkit.service
        [[ $output != active ]]
}

@test "the attach socket is 0600 root in a directory only root enters" {
        local id sock
        id=$("$BERTH" run -d --name access-sock busybox sleep 1000)
        sock=$(find /run/berth -name attach.sock -path "*$id*")
        [[ -S $sock ]]
        [[ $(stat -c '%a %U %G' "$sock") == "600 root root" ]]
        [[ $(stat -c '%a %U' /run/berth/containers) == "700 root" ]]
        run runuser -u "$OUTSIDER" -- test -r "$sock"
        [[ $status -ne 0 ]]
}
