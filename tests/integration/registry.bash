# A local Docker registry (Debian's docker-registry) on 127.0.0.1:5000 inside the sandbox, for the
# pull tests.   load registry   (after load helpers)
#
#   registry_start            starts test-registry.service with an empty storage
#   registry_push IMG REF     skopeo copy of $BERTH_TEST_IMAGES/IMG-docker.tar to 127.0.0.1:5000/REF
#   registry_stop             stops it and removes its storage
#   registry_blob_path DIGEST the blob's data file in the registry's storage

REGISTRY_ADDR=127.0.0.1:5000
REGISTRY_DIR=/var/lib/berth-test-registry
REGISTRY_UNIT=test-registry
export REGISTRY_ADDR REGISTRY_DIR

registry_start() {
        registry_stop
        mkdir -p "$REGISTRY_DIR/storage"
        cat >"$REGISTRY_DIR/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/storage
  delete:
    enabled: true
http:
  addr: $REGISTRY_ADDR
CONF
        systemd-run --quiet --unit="$REGISTRY_UNIT" --collect \
                /usr/bin/docker-registry serve "$REGISTRY_DIR/config.yml"
        wait_for 20 curl -sf "http://$REGISTRY_ADDR/v2/" -o /dev/null
}

registry_stop() {
        systemctl stop "$REGISTRY_UNIT" 2>/dev/null || true
        systemctl reset-failed "$REGISTRY_UNIT" 2>/dev/null || true
        rm -rf "$REGISTRY_DIR"
}

registry_push() {
        skopeo copy --quiet --dest-tls-verify=false \
                "docker-archive:$BERTH_TEST_IMAGES/$1-docker.tar" "docker://$REGISTRY_ADDR/$2"
}

registry_blob_path() {
        local hex=${1#sha256:}
        echo "$REGISTRY_DIR/storage/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
}

# The manifest digest of REF as the registry serves it.
registry_manifest_digest() {
        skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$REGISTRY_ADDR/$1"
}

# Points berthd at the registry as mirror of docker.io (and back, with no argument).
registry_set_mirror() {
        mkdir -p /etc/berth
        if [[ -n ${1-} ]]; then
                printf '{"registry-mirrors": ["%s"]}\n' "$1" >/etc/berth/daemon.json
        else
                rm -f /etc/berth/daemon.json
        fi
}

# Registries that want credentials or TLS, each its own unit and directory under $AUTH_REGISTRY_DIR:
#
#   registry_start_htpasswd   127.0.0.1:5001 ($HTPASSWD_ADDR), Basic auth from an htpasswd file (bcrypt):
#                             $AUTH_USER / $AUTH_PASSWORD
#   registry_start_token      127.0.0.1:5002 ($TOKEN_ADDR), Bearer tokens from token-server.py on
#                             127.0.0.1:5003: $AUTH_USER may pull and push library/*, $AUTH_OTHER_USER /
#                             $AUTH_OTHER_PASSWORD only other/*
#   registry_start_tls        127.0.0.1:5443 ($TLS_ADDR), https with a certificate signed by a CA made
#                             here with openssl ($TLS_CA, not trusted by anyone unless told)
#   registry_push_to ADDR IMG REF [USER:PASSWORD]   skopeo copy of IMG's archive to ADDR/REF
#   registry_stop_auth        stops all of them and removes their files
HTPASSWD_ADDR=127.0.0.1:5001
TOKEN_ADDR=127.0.0.1:5002
TOKEN_SERVER_ADDR=127.0.0.1:5003
TLS_ADDR=127.0.0.1:5443
AUTH_REGISTRY_DIR=/var/lib/berth-test-auth-registries
TLS_CA=$AUTH_REGISTRY_DIR/tls/ca.crt
AUTH_USER=berthuser
AUTH_PASSWORD='s3cret:with colon'
AUTH_OTHER_USER=otheruser
AUTH_OTHER_PASSWORD=otherpassword
TOKEN_SERVICE=berth-test-registry
TOKEN_ISSUER=berth-test-token-issuer
export HTPASSWD_ADDR TOKEN_ADDR TOKEN_SERVER_ADDR TLS_ADDR AUTH_REGISTRY_DIR TLS_CA
export AUTH_USER AUTH_PASSWORD AUTH_OTHER_USER AUTH_OTHER_PASSWORD

# _registry_serve NAME ADDR HTTP_EXTRA TOP_EXTRA: a docker-registry unit test-registry-NAME on ADDR; the
# two extra texts go into its config's http section and top level.
_registry_serve() {
        local name=$1 addr=$2 dir=$AUTH_REGISTRY_DIR/$1
        mkdir -p "$dir/storage"
        cat >"$dir/config.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/storage
http:
  addr: $addr
$3
$4
CONF
        systemd-run --quiet --unit="test-registry-$name" --collect \
                /usr/bin/docker-registry serve "$dir/config.yml"
}

# Whether anything answers HTTP(S) at URL (any status).
_http_answers() {
        curl -s -k -o /dev/null "$1"
}

registry_start_htpasswd() {
        local dir=$AUTH_REGISTRY_DIR/htpasswd
        _registry_stop_unit htpasswd
        mkdir -p "$dir"
        htpasswd -Bbn "$AUTH_USER" "$AUTH_PASSWORD" >"$dir/htpasswd"
        _registry_serve htpasswd "$HTPASSWD_ADDR" "" "auth:
  htpasswd:
    realm: berth-test-realm
    path: $dir/htpasswd"
        wait_for 20 _http_answers "http://$HTPASSWD_ADDR/v2/"
}

registry_start_token() {
        local dir=$AUTH_REGISTRY_DIR/token
        _registry_stop_unit token
        systemctl stop test-token-server 2>/dev/null || true
        systemctl reset-failed test-token-server 2>/dev/null || true
        mkdir -p "$dir"
        # The key that signs the tokens; the registry trusts its certificate.
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$TOKEN_ISSUER" \
                -keyout "$dir/token.key" -out "$dir/token.crt" 2>/dev/null
        jq -n --arg u "$AUTH_USER" --arg p "$AUTH_PASSWORD" \
                --arg o "$AUTH_OTHER_USER" --arg op "$AUTH_OTHER_PASSWORD" \
                '{($u): {password: $p, access: {"library/*": ["pull", "push"]}},
                  ($o): {password: $op, access: {"other/*": ["pull", "push"]}}}' >"$dir/users.json"
        systemd-run --quiet --unit=test-token-server --collect \
                /usr/bin/python3 "$BERTH_REPO/tests/integration/token-server.py" \
                --listen "$TOKEN_SERVER_ADDR" --key "$dir/token.key" --cert "$dir/token.crt" \
                --issuer "$TOKEN_ISSUER" --service "$TOKEN_SERVICE" --users "$dir/users.json"
        _registry_serve token "$TOKEN_ADDR" "" "auth:
  token:
    realm: http://$TOKEN_SERVER_ADDR/token
    service: $TOKEN_SERVICE
    issuer: $TOKEN_ISSUER
    rootcertbundle: $dir/token.crt"
        wait_for 20 _http_answers "http://$TOKEN_SERVER_ADDR/token"
        wait_for 20 _http_answers "http://$TOKEN_ADDR/v2/"
}

registry_start_tls() {
        local dir=$AUTH_REGISTRY_DIR/tls
        _registry_stop_unit tls
        mkdir -p "$dir"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=berth test CA" \
                -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
                -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
                -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
        openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
                -days 2 -extfile <(printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') \
                -out "$dir/server.crt" 2>/dev/null
        _registry_serve tls "$TLS_ADDR" "  tls:
    certificate: $dir/server.crt
    key: $dir/server.key" ""
        wait_for 20 curl -sf --cacert "$dir/ca.crt" -o /dev/null "https://$TLS_ADDR/v2/"
}

registry_push_to() {
        local creds=()
        [[ -n ${4-} ]] && creds=(--dest-creds "$4")
        skopeo copy --quiet --dest-tls-verify=false "${creds[@]}" \
                "docker-archive:$BERTH_TEST_IMAGES/$2-docker.tar" "docker://$1/$3"
}

_registry_stop_unit() {
        systemctl stop "test-registry-$1" 2>/dev/null || true
        systemctl reset-failed "test-registry-$1" 2>/dev/null || true
        rm -rf "${AUTH_REGISTRY_DIR:?}/$1"
}

registry_stop_auth() {
        local name
        for name in htpasswd token tls; do
                _registry_stop_unit "$name"
        done
        systemctl stop test-token-server 2>/dev/null || true
        systemctl reset-failed test-token-server 2>/dev/null || true
        rm -rf "$AUTH_REGISTRY_DIR"
}
