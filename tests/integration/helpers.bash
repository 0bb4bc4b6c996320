# Common helpers for berth's integration tests. The .bats files run INSIDE a
# berth-sandbox (tests/run does `berth-sandbox exec NAME -- bats ...`), as
# root, with berth installed under /usr and a real systemd as PID 1.
#
#   load helpers            # at the top of every .bats file
#
# Environment (set by tests/run; defaults work for a manual run):
#   BERTH_TEST_IMAGES   directory made by tests/sandbox/make-test-images
#   BERTH               the CLI to test (default: berth from $PATH)
#
# shellcheck disable=SC2154 # $output and $status are set by bats' `run`

BERTH_REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd -P)
BERTH_TEST_IMAGES=${BERTH_TEST_IMAGES:-$BERTH_REPO/build-ci/test-images}
BERTH=${BERTH:-berth}
export BERTH_REPO BERTH_TEST_IMAGES BERTH

# Fails the test unless the image archives exist.
berth_require_test_images() {
        local f
        for f in busybox-docker.tar busybox-oci.tar busybox-rootfs.tar hello-docker.tar hello-oci.tar; do
                [[ -f $BERTH_TEST_IMAGES/$f ]] || {
                        echo "missing $BERTH_TEST_IMAGES/$f: run tests/sandbox/make-test-images $BERTH_TEST_IMAGES" >&2
                        return 1
                }
        done
}

# Path of one test image archive: busybox-docker.tar, hello-oci.tar, ...
berth_test_image() {
        echo "$BERTH_TEST_IMAGES/$1"
}

# Loads busybox:latest and hello:latest into berthd unless already there.
# Call it from setup_file so it runs once per .bats file.
berth_load_test_images() {
        local img
        berth_require_test_images
        for img in busybox hello; do
                if ! "$BERTH" image inspect "$img:latest" >/dev/null 2>&1; then
                        "$BERTH" load -i "$BERTH_TEST_IMAGES/$img-docker.tar" >/dev/null
                fi
        done
}

# The digests of the test images (BUSYBOX_IMAGE_ID, HELLO_IMAGE_ID, ...).
berth_test_image_digests() {
        # shellcheck disable=SC1091
        source "$BERTH_TEST_IMAGES/digests.env"
}

# wait_for TIMEOUT_SECONDS CMD... : runs CMD every 0.1 s until it succeeds;
# fails (printing CMD) when TIMEOUT_SECONDS pass first.
wait_for() {
        local timeout=$1 deadline
        shift
        deadline=$((SECONDS + timeout))
        until "$@"; do
                if ((SECONDS >= deadline)); then
                        echo "wait_for: '$*' still failing after ${timeout}s" >&2
                        return 1
                fi
                sleep 0.1
        done
}

# Removes every container berthd knows (with their anonymous volumes), then any
# container unit left behind (a test that failed half-way must not spill into
# the next one).
berth_remove_all_containers() {
        local ids
        ids=$("$BERTH" ps -aq --no-trunc 2>/dev/null) || ids=$("$BERTH" ps -aq 2>/dev/null) || ids=""
        if [[ -n $ids ]]; then
                # shellcheck disable=SC2086 # one id per word
                "$BERTH" rm -fv $ids >/dev/null 2>&1 || true
        fi
        systemctl stop 'berth-*.service' >/dev/null 2>&1 || true
        systemctl reset-failed 'berth-*.service' >/dev/null 2>&1 || true
}

# For teardown_file: removes the images whose reference matches the extended regex $1 (and so what
# only they used), so that a file leaves the store as the next file expects it.
berth_remove_images_matching() {
        local refs
        refs=$("$BERTH" images --format '{{.Repository}}:{{.Tag}}' 2>/dev/null | grep -E "$1") || return 0
        # shellcheck disable=SC2086 # one reference per word
        "$BERTH" rmi -f $refs >/dev/null 2>&1 || true
}

# A teardown for files that create containers:  teardown() { berth_teardown; }
berth_teardown() {
        berth_remove_all_containers
}

# Asserts that $output (from bats' `run`) contains the string $1.
assert_output_contains() {
        if [[ $output != *"$1"* ]]; then
                echo "expected output to contain: $1" >&2
                echo "actual output: $output" >&2
                return 1
        fi
}

# Asserts that bats' `run` ended with status $1.
assert_status() {
        if [[ $status -ne $1 ]]; then
                echo "expected status $1, got $status; output: $output" >&2
                return 1
        fi
}
