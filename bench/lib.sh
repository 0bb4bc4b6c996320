# shellcheck shell=bash
# bench/lib.sh: what the benchmarks share. Source it after setting BENCH (the
# script's name, for messages):
#
#   bench_require TOOL...           fails with a hint unless the tools exist
#   bench_in_sandbox BUILD SCRIPT ARGS...
#                                   unless PID 1 is systemd (or --inside was
#                                   given: BENCH_INSIDE=1), boots a berth-sandbox
#                                   named after the script with BUILD installed
#                                   (default: build-bench, a release build made
#                                   if missing), runs SCRIPT --inside ARGS in it,
#                                   tears it down and exits with its status;
#                                   returns when the caller should measure here.
#                                   BENCH_SANDBOX_ARGS (an array, optional)
#                                   goes to `berth-sandbox up` (e.g. --state-dir,
#                                   --bind); BENCH_HOST_DIR (optional) is removed
#                                   when the sandbox is down, with any loop device
#                                   still backed by a file in it
#   bench_podman_conf DIR           writes the containers.conf podman needs on
#                                   these machines into DIR and exports
#                                   CONTAINERS_CONF
#   bench_stats FILE                median and p90 of the numbers in FILE (one
#                                   a line), "median p90"

BENCH_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
readonly BENCH_REPO
BENCH_INSIDE=${BENCH_INSIDE:-0}

bench_die() {
        echo "$BENCH: $*" >&2
        exit 1
}

bench_require() {
        local t
        for t in "$@"; do
                command -v "$t" >/dev/null || bench_die "$t is not installed (apt-get install $t)"
        done
}

bench_pid1_is_systemd() { [[ -d /run/systemd/system && $(cat /proc/1/comm) == systemd ]]; }

bench_in_sandbox() {
        local build=$1 script=$2 name status
        shift 2
        if ((BENCH_INSIDE)) || bench_pid1_is_systemd; then
                return 0
        fi
        [[ $(id -u) == 0 ]] || bench_die "must run as root to boot a sandbox"
        if [[ -z $build ]]; then
                build=$BENCH_REPO/build-bench
                [[ -f $build/build.ninja ]] || meson setup "$build" --buildtype=release >/dev/null
        fi
        ninja -C "$build" >/dev/null
        name=$BENCH-$$
        # shellcheck disable=SC2064 # expand now: the name is fixed
        trap "'$BENCH_REPO/tests/sandbox/berth-sandbox' down '$name'${BENCH_HOST_DIR:+; bench_remove_host_dir '$BENCH_HOST_DIR'}" EXIT
        "$BENCH_REPO/tests/sandbox/berth-sandbox" up "$name" --build "$build" ${BENCH_SANDBOX_ARGS[@]+"${BENCH_SANDBOX_ARGS[@]}"}
        status=0
        "$BENCH_REPO/tests/sandbox/berth-sandbox" exec "$name" -- "$script" --inside "$@" || status=$?
        exit "$status"
}

bench_remove_host_dir() {
        local dev file
        while read -r dev file; do
                [[ $file != "$1"/* ]] || losetup -d "$dev" || true
        done < <(losetup -n -l -O NAME,BACK-FILE 2>/dev/null)
        rm -rf "$1"
}

bench_podman_conf() {
        # This kernel refuses podman's default sysctls and its default rlimits
        # are above the hard limits here.
        cat >"$1/containers.conf" <<'CONF'
[containers]
default_sysctls = []
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
CONF
        export CONTAINERS_CONF=$1/containers.conf
}

bench_stats() {
        sort -g "$1" | awk '{ v[NR] = $1 } END {
                if (NR == 0) { print "- -"; exit }
                m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                p = v[int((NR - 1) * 0.9) + 1]
                printf "%.3f %.3f\n", m, p }'
}
