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
