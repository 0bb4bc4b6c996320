/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pulling an image from a registry (registry API v2, through registry-client.h) into the store:
 *   1. the manifest, by tag or digest; for a manifest list / OCI index the image of the platform;
 *   2. "Image is up to date" when the name already points at that manifest;
 *   3. the config, then the layers: those whose chain id the store has are skipped ("Already exists");
 *      the others download in parallel (max-concurrent-downloads), each unpacked while it downloads
 *      (layer-stream.h) into the transaction;
 *   4. every blob checked against its digest and every layer against its DiffID, then one commit.
 * Partial downloads are kept in <state>/image-downloads/<hex> and resumed by a later pull with an HTTP
 * Range request after re-hashing what is there (moby#25866); a 200 answer instead of 206 starts over.
 * They go once the blob is committed, or after a week unused.
 * Decompression bombs: a layer may unpack to at most max-layer-size bytes of file data (daemon.json,
 * default the store's 16 GiB), and to at most 100 times its compressed size once past 1 GiB.
 * Runs its own sd-event loop; image code only: knows nothing of containers or of the bus. */

#include <stdbool.h>
#include <stdint.h>

#include "image-store.h"
#include "registry-options.h"

#define PULL_RATIO_MAX 100U
#define PULL_RATIO_FLOOR (1024ULL * 1024ULL * 1024ULL)
#define PULL_DOWNLOADS_DIR "image-downloads"
/* Partial downloads untouched this long are removed by the next pull. */
#define PULL_DOWNLOADS_KEEP_SEC (7 * 24 * 3600)

/* Per-layer progress: the layer's blob digest, Docker's status ("Waiting", "Already exists",
 * "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pull complete") and its bytes
 * (compressed: downloaded or extracted so far, and the layer's size; 0 when unknown). */
typedef void (*PullProgressFunction)(
        const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata);

typedef struct PullOptions {
        const RegistryOptions *registry; /* may be NULL */
        const char *platform;            /* "os/arch[/variant]"; NULL: linux and this machine's */
        const char *auth;                /* Docker config.json "auth" value, or NULL */
        int cancel_fd;                   /* readable: stop soon with -ECANCELED; -EBADF: none */
        PullProgressFunction progress;   /* may be NULL */
        void *userdata;
} PullOptions;

typedef struct PullResult {
        char *image_id; /* the config digest */
        char *digest;   /* of what the reference named, a list's own for a list: Docker's "Digest:" */
        bool updated;   /* false: the name already pointed at this image ("up to date") */
} PullResult;

void pull_result_done(PullResult *r);

/* The bytes of file data a layer of compressed_size (0: unknown) may unpack to, within absolute: past
 * PULL_RATIO_FLOOR at most PULL_RATIO_MAX times its compressed size. */
uint64_t pull_unpack_limit(uint64_t absolute, uint64_t compressed_size);

/* Pulls reference (any form reference_normalize() takes). Nothing is committed unless the whole image
 * is good. Errors are logged, one line each, in Docker's words where it has them. */
int image_store_pull(ImageStore *store, const char *reference, const PullOptions *options, PullResult *ret);
