# Helpers of the pull tests (45-pull.bats, 47-pull-faults.bats).   load pull-helpers   (after registry)
#
#   pull_require_images                 fails unless make-pull-test-images ran; sources pull-images.env
#   proxy_start PORT [ARGS...]          fault-proxy.py on 127.0.0.1:PORT in front of the registry, logging
#                                       to $(proxy_log PORT); ARGS: --status REGEX=CODE, --rate B/s
#   proxy_stop PORT
#   proxy_blob_gets PORT                "start end range status bytes" of each blob GET, in start order
#   daemon_json JSON                    writes /etc/berth/daemon.json (no argument: removes it)
#   pull_worker_pid                     the pid of berthd's pull worker, once there is one
#   store_is_clean                      no staged transaction left in the store

PULL_PROXY_DIR=/var/lib/berth-test-proxy
BERTH_STATE=/var/lib/berth
export PULL_PROXY_DIR BERTH_STATE

pull_require_images() {
        local f
        for f in layers-docker.tar multiarch-oci.tar bomb-oci.tar zstd-oci.tar pull-images.env; do
                [[ -f $BERTH_TEST_IMAGES/$f ]] || {
                        echo "missing $BERTH_TEST_IMAGES/$f: run tests/sandbox/make-test-images $BERTH_TEST_IMAGES" >&2
                        return 1
                }
        done
        # shellcheck disable=SC1091
        source "$BERTH_TEST_IMAGES/pull-images.env"
}

proxy_log() {
        echo "$PULL_PROXY_DIR/$1.log"
}

proxy_start() {
        local port=$1
        shift
        proxy_stop "$port"
        mkdir -p "$PULL_PROXY_DIR"
        : >"$(proxy_log "$port")"
        systemd-run --quiet --unit="test-fault-proxy-$port" --collect \
                /usr/bin/python3 "$BERTH_REPO/tests/integration/fault-proxy.py" --listen "127.0.0.1:$port" \
                --upstream "$REGISTRY_ADDR" --log "$(proxy_log "$port")" "$@"
        wait_for 20 bash -c "curl -s -o /dev/null http://127.0.0.1:$port/v2/ ||
                curl -sk -o /dev/null https://127.0.0.1:$port/v2/"
        : >"$(proxy_log "$port")"
}

proxy_stop() {
        systemctl stop "test-fault-proxy-$1" 2>/dev/null || true
        systemctl reset-failed "test-fault-proxy-$1" 2>/dev/null || true
}

proxy_blob_gets() {
        awk '$1 == "start" && $3 == "GET" && $4 ~ /\/blobs\/sha256:/ { start[$4] = $2; range[$4] = $5 }
             $1 == "end" && $3 == "GET" && $4 ~ /\/blobs\/sha256:/ && ($4 in start) {
                     print start[$4], $2, range[$4], $5, $6, $4; delete start[$4] }' "$(proxy_log "$1")" |
                sort -n
}

daemon_json() {
        mkdir -p /etc/berth
        if [[ -n ${1-} ]]; then
                printf '%s\n' "$1" >/etc/berth/daemon.json
        else
                rm -f /etc/berth/daemon.json
        fi
}

pull_worker_pid() {
        local main
        main=$(systemctl show -p MainPID --value berthd)
        [[ $main != 0 ]] && pgrep -P "$main" | head -n1
}

store_is_clean() {
        [[ -z $(ls -A "$BERTH_STATE/image-staging" 2>/dev/null) ]]
}

# Bytes in the partial download files.
partial_bytes() {
        local total=0 f
        for f in "$BERTH_STATE"/image-downloads/*; do
                [[ -f $f ]] && total=$((total + $(stat -c %s "$f")))
        done
        echo "$total"
}
