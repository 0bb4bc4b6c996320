#!/usr/bin/env bats
# Registry authentication: berth login/logout and pulls from registries that want credentials (htpasswd
# Basic, a token server's Bearer tokens) or TLS with a CA of their own (registry.bash).
# shellcheck disable=SC2154

load helpers
load registry

setup_file() {
        berth_require_test_images
        registry_start_htpasswd
        registry_start_token
        registry_start_tls
        registry_push_to "$HTPASSWD_ADDR" busybox library/busybox:latest "$AUTH_USER:$AUTH_PASSWORD"
        registry_push_to "$TOKEN_ADDR" busybox library/busybox:latest "$AUTH_USER:$AUTH_PASSWORD"
        registry_push_to "$TLS_ADDR" busybox library/busybox:latest
}

teardown_file() {
        rm -rf /etc/berth/certs.d/"$TLS_ADDR"
        registry_set_mirror
        registry_stop_auth
}

setup() {
        # The user's credentials live in the user's config.json; each test starts without any.
        export DOCKER_CONFIG=$BATS_TEST_TMPDIR/docker
        CONFIG=$DOCKER_CONFIG/config.json
        berth_test_image_digests
        remove_pulled_images
}

teardown() {
        tm kill-server >/dev/null 2>&1 || true
        remove_pulled_images
        rm -rf /etc/berth/certs.d/"$TLS_ADDR"
        registry_set_mirror
}

remove_pulled_images() {
        local addr
        for addr in "$HTPASSWD_ADDR" "$TOKEN_ADDR" "$TLS_ADDR"; do
                "$BERTH" rmi -f "$addr/library/busybox:latest" >/dev/null 2>&1 || true
        done
}

TMUX_SOCKET=berth-auth-tests

tm() {
        tmux -L "$TMUX_SOCKET" "$@"
}

tm_has() {
        tm capture-pane -p -t "$1" | grep -qF -- "$2"
}

# tm_wait SESSION TEXT: waits until TEXT is on the screen of SESSION.
tm_wait() {
        if ! wait_for 15 tm_has "$1" "$2"; then
                echo "--- screen of $1:" >&2
                tm capture-pane -p -t "$1" >&2
                return 1
        fi
}

# The "auth" value stored for server in config.json, empty when none.
stored_auth() {
        [[ -f $CONFIG ]] || return 0
        jq -r --arg s "$1" '.auths[$s].auth // empty' "$CONFIG"
}

expected_auth() {
        printf '%s:%s' "$1" "$2" | base64 -w0
}

@test "htpasswd registry: a pull without login fails with one clear line" {
        run "$BERTH" pull "$HTPASSWD_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "unauthorized: authentication required"
        [[ $(grep -vc "^Using default tag" <<<"$output") -eq 1 ]]
}

@test "htpasswd registry: login with a wrong password fails and stores nothing" {
        run "$BERTH" login -u "$AUTH_USER" -p wrong "$HTPASSWD_ADDR"
        assert_status 1
        assert_output_contains "Error response from daemon: login attempt to"
        assert_output_contains "401 Unauthorized"
        [[ -z $(stored_auth "$HTPASSWD_ADDR") ]]
        run "$BERTH" login -u nosuchuser -p "$AUTH_PASSWORD" "$HTPASSWD_ADDR"
        assert_status 1
        [[ -z $(stored_auth "$HTPASSWD_ADDR") ]]
}

@test "htpasswd registry: login, pull, logout, and the pull fails again" {
        run "$BERTH" login -u "$AUTH_USER" -p "$AUTH_PASSWORD" "$HTPASSWD_ADDR"
        assert_status 0
        assert_output_contains "Login Succeeded"
        assert_output_contains "WARNING! Using --password via the CLI is insecure"
        [[ $(stored_auth "$HTPASSWD_ADDR") == "$(expected_auth "$AUTH_USER" "$AUTH_PASSWORD")" ]]
        [[ $(stat -c %a "$CONFIG") == 600 ]]

        run "$BERTH" pull "$HTPASSWD_ADDR/library/busybox"
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for $HTPASSWD_ADDR/library/busybox:latest"
        run "$BERTH" image inspect --format '{{.Id}}' "$HTPASSWD_ADDR/library/busybox:latest"
        [[ $output == "$BUSYBOX_IMAGE_ID" ]]

        run "$BERTH" logout "$HTPASSWD_ADDR"
        assert_status 0
        [[ $output == "Removing login credentials for $HTPASSWD_ADDR" ]]
        [[ -z $(stored_auth "$HTPASSWD_ADDR") ]]
        run "$BERTH" logout "$HTPASSWD_ADDR"
        assert_status 0
        [[ $output == "Not logged in to $HTPASSWD_ADDR" ]]

        "$BERTH" rmi "$HTPASSWD_ADDR/library/busybox:latest" >/dev/null
        run "$BERTH" pull "$HTPASSWD_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "unauthorized: authentication required"
}

@test "login --password-stdin; a scheme in the server name is dropped" {
        run "$BERTH" login -u "$AUTH_USER" --password-stdin "http://$HTPASSWD_ADDR/" <<<"$AUTH_PASSWORD"
        assert_status 0
        [[ ${lines[-1]} == "Login Succeeded" ]]
        assert_output_contains "WARNING! Your password will be stored unencrypted in $CONFIG."
        [[ $(stored_auth "$HTPASSWD_ADDR") == "$(expected_auth "$AUTH_USER" "$AUTH_PASSWORD")" ]]

        run "$BERTH" login --password-stdin "$HTPASSWD_ADDR" <<<"$AUTH_PASSWORD"
        assert_status 1
        assert_output_contains "Must provide --username with --password-stdin"
        run "$BERTH" login -u "$AUTH_USER" -p x --password-stdin "$HTPASSWD_ADDR" <<<"$AUTH_PASSWORD"
        assert_status 1
        assert_output_contains "mutually exclusive"
}

@test "login keeps the other contents of config.json" {
        mkdir -p "$DOCKER_CONFIG"
        printf '{"auths":{"quay.io":{"auth":"cXVheTpxdWF5"}},"detachKeys":"ctrl-x","proxies":{"default":{"noProxy":"*.local"}}}' >"$CONFIG"
        chmod 644 "$CONFIG"
        run "$BERTH" login -u "$AUTH_USER" --password-stdin "$HTPASSWD_ADDR" <<<"$AUTH_PASSWORD"
        assert_status 0
        [[ $(jq -r .detachKeys "$CONFIG") == ctrl-x ]]
        [[ $(jq -r .proxies.default.noProxy "$CONFIG") == "*.local" ]]
        [[ $(stored_auth quay.io) == cXVheTpxdWF5 ]]
        [[ -n $(stored_auth "$HTPASSWD_ADDR") ]]
        [[ $(stat -c %a "$CONFIG") == 600 ]]
        run "$BERTH" logout "$HTPASSWD_ADDR"
        assert_status 0
        [[ $(stored_auth quay.io) == cXVheTpxdWF5 ]]
        [[ $(jq -r .detachKeys "$CONFIG") == ctrl-x ]]
}

@test "login without a terminal and without credentials is refused; with stored ones it uses them" {
        run "$BERTH" login "$HTPASSWD_ADDR" </dev/null
        assert_status 1
        assert_output_contains "Cannot perform an interactive login from a non TTY device"
        "$BERTH" login -u "$AUTH_USER" --password-stdin "$HTPASSWD_ADDR" <<<"$AUTH_PASSWORD" >/dev/null
        run "$BERTH" login "$HTPASSWD_ADDR" </dev/null
        assert_status 0
        assert_output_contains "Authenticating with existing credentials..."
        assert_output_contains "Login Succeeded"
}

@test "login prompts on a terminal for the user name and, without echo, the password" {
        local screen
        tm new-session -d -s login -x 120 -y 20 \
                "env DOCKER_CONFIG='$DOCKER_CONFIG' '$BERTH' login '$HTPASSWD_ADDR'; echo EXIT=\$?; sleep 600"
        tm_wait login "Username:"
        tm send-keys -t login "$AUTH_USER" Enter
        tm_wait login "Password:"
        tm send-keys -t login -l "$AUTH_PASSWORD"
        tm send-keys -t login Enter
        tm_wait login "EXIT="
        screen=$(tm capture-pane -p -t login)
        echo "$screen"
        [[ $screen == *"Login Succeeded"* ]]
        [[ $screen == *"EXIT=0"* ]]
        [[ $screen != *"$AUTH_PASSWORD"* ]]
        [[ $(stored_auth "$HTPASSWD_ADDR") == "$(expected_auth "$AUTH_USER" "$AUTH_PASSWORD")" ]]
}

@test "token registry: pull needs a login; a user without access to the repository is denied" {
        run "$BERTH" pull "$TOKEN_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "unauthorized: authentication required"
        [[ $(grep -vc "^Using default tag" <<<"$output") -eq 1 ]]

        run "$BERTH" login -u "$AUTH_USER" -p wrong "$TOKEN_ADDR"
        assert_status 1
        assert_output_contains "unauthorized: incorrect username or password"
        [[ -z $(stored_auth "$TOKEN_ADDR") ]]

        run "$BERTH" login -u "$AUTH_USER" --password-stdin "$TOKEN_ADDR" <<<"$AUTH_PASSWORD"
        assert_status 0
        assert_output_contains "Login Succeeded"
        run "$BERTH" pull "$TOKEN_ADDR/library/busybox"
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for $TOKEN_ADDR/library/busybox:latest"
        # the token server saw the user and granted the pull
        journalctl -u test-token-server --no-pager | grep -q "user=$AUTH_USER access=.*library/busybox.*pull"

        "$BERTH" rmi "$TOKEN_ADDR/library/busybox:latest" >/dev/null
        run "$BERTH" login -u "$AUTH_OTHER_USER" --password-stdin "$TOKEN_ADDR" <<<"$AUTH_OTHER_PASSWORD"
        assert_status 0
        run "$BERTH" pull "$TOKEN_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "unauthorized"
        run "$BERTH" image inspect "$TOKEN_ADDR/library/busybox:latest"
        [[ $status -ne 0 ]]

        run "$BERTH" logout "$TOKEN_ADDR"
        assert_output_contains "Removing login credentials for $TOKEN_ADDR"
        run "$BERTH" pull "$TOKEN_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "unauthorized: authentication required"
}

@test "TLS registry: refused without trust, pulled with insecure-registries or with its CA in certs.d" {
        run "$BERTH" pull "$TLS_ADDR/library/busybox"
        assert_status 1
        assert_output_contains "x509"
        [[ $(grep -vc "^Using default tag" <<<"$output") -eq 1 ]]

        mkdir -p /etc/berth
        printf '{"insecure-registries": ["%s"]}\n' "$TLS_ADDR" >/etc/berth/daemon.json
        run "$BERTH" pull "$TLS_ADDR/library/busybox"
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for $TLS_ADDR/library/busybox:latest"
        rm /etc/berth/daemon.json
        "$BERTH" rmi "$TLS_ADDR/library/busybox:latest" >/dev/null

        mkdir -p /etc/berth/certs.d/"$TLS_ADDR"
        cp "$TLS_CA" /etc/berth/certs.d/"$TLS_ADDR"/ca.crt
        run "$BERTH" pull "$TLS_ADDR/library/busybox"
        assert_status 0
        assert_output_contains "Status: Downloaded newer image for $TLS_ADDR/library/busybox:latest"
        run "$BERTH" image inspect --format '{{.Id}}' "$TLS_ADDR/library/busybox:latest"
        [[ $output == "$BUSYBOX_IMAGE_ID" ]]
}

@test "TLS registry: login checks the certificate too" {
        run "$BERTH" login -u any -p any "$TLS_ADDR"
        assert_status 1
        assert_output_contains "x509"
        [[ -z $(stored_auth "$TLS_ADDR") ]]
        mkdir -p /etc/berth/certs.d/"$TLS_ADDR"
        cp "$TLS_CA" /etc/berth/certs.d/"$TLS_ADDR"/ca.crt
        # a registry without authentication lets anyone in, as with Docker
        run "$BERTH" login -u any -p any "$TLS_ADDR"
        assert_status 0
        assert_output_contains "Login Succeeded"
}

@test "logout of a server never logged in to, and login's argument checks" {
        run "$BERTH" logout 127.0.0.1:5999
        assert_status 0
        [[ $output == "Not logged in to 127.0.0.1:5999" ]]
        run "$BERTH" logout
        assert_status 0
        [[ $output == "Not logged in to https://index.docker.io/v1/" ]]
        run "$BERTH" login -u a -p b one two
        assert_status 1
        assert_output_contains "requires at most 1 argument"
        run "$BERTH" login -u "a:b" -p c "$HTPASSWD_ADDR"
        assert_status 1
        assert_output_contains "cannot contain ':'"
        [[ ! -e $CONFIG ]]
}
