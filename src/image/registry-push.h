/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker push: an image of the store to a registry (registry API v2, through registry-client.h):
 *   1. each layer, bottom first, then the config: HEAD blobs/<digest> — there already: "Layer already
 *      exists"; else, when the store knows the blob came from (was pulled from or pushed to) another
 *      repository of the same registry, a cross-repository mount (POST blobs/uploads/?mount=&from=):
 *      "Mounted from <repository>"; else an upload in chunks (POST blobs/uploads/, PATCH with
 *      Content-Range for each chunk, PUT ?digest=): "Pushing", "Pushed";
 *   2. the manifest, PUT as the store keeps it, so that its digest stays the image's;
 *   3. the pushed "repository@digest" is recorded in the store (RepoDigests).
 * Blobs go as the store keeps them (a layer loaded from a Docker archive goes uncompressed); the registry
 * checks each against its digest. Image code only: knows nothing of containers or of the bus. */

#include <stdbool.h>
#include <stdint.h>

#include "image-store.h"
#include "registry-options.h"

/* Bytes per PATCH request. */
#define PUSH_CHUNK_SIZE (8U * 1024U * 1024U)

/* Per-layer progress: the layer's blob digest, Docker's status ("Preparing", "Pushing", "Pushed",
 * "Layer already exists", "Mounted from library/busybox") and its bytes (sent so far, and the blob's size).
 * At the end one more call for the manifest: its digest, "Manifest pushed", and its size twice. */
typedef void (*PushProgressFunction)(
        const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata);

typedef struct PushOptions {
        const RegistryOptions *registry; /* may be NULL */
        const char *auth;                /* Docker config.json "auth" value, or NULL */
        int cancel_fd;                   /* readable: stop soon with -ECANCELED; -EBADF: none */
        uint64_t chunk_size;             /* 0: PUSH_CHUNK_SIZE */
        PushProgressFunction progress;   /* may be NULL */
        void *userdata;
} PushOptions;

typedef struct PushResult {
        char *image_id;
        char *digest; /* of the manifest */
        uint64_t manifest_size;
        bool uploaded; /* false: the registry had every blob already */
} PushResult;

void push_result_done(PushResult *r);

/* Pushes the image that reference (a tag: "registry:5000/app:v1", "busybox" = docker.io/library/busybox:
 * latest) names in the store to that name. Errors are logged, one line each, in Docker's words where it
 * has them ("An image does not exist locally with the tag: …", "unauthorized: authentication required"). */
int image_store_push(ImageStore *store, const char *reference, const PushOptions *options, PushResult *ret);
