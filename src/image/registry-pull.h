/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pulling images from a registry speaking the Registry HTTP API v2 (Docker Distribution / OCI
 * distribution spec). Synchronous for now: one curl easy handle per request. Image code only: knows
 * nothing of containers or of the bus. */

#include <stddef.h>

#include "image-store.h"

typedef struct RegistryOptions {
        char **mirrors;  /* base URLs ("http://127.0.0.1:5000") tried for docker.io, in order */
        char **insecure; /* "host:port" registries spoken to over plain http */
} RegistryOptions;

/* Docker's "registry-mirrors" and "insecure-registries" of daemon.json at path; a missing file is no
 * error. */
int registry_options_load(const char *path, RegistryOptions *ret);

/* In a manifest list / OCI index, the digest of the manifest for os/arch. -ENOENT when none,
 * -EBADMSG for bad input. */
int registry_pick_manifest(
        const char *data, size_t size, const char *os, const char *arch, char **ret_digest);

/* Pulls reference (any form reference_normalize() takes) into the store; every blob is verified
 * against its digest, nothing is committed unless the whole image is good. ret_id: the image id
 * (config digest); ret_manifest_digest: the digest of the image manifest. -ENOENT: the registry does
 * not know the image ("manifest unknown"); -ECONNREFUSED / -EHOSTUNREACH: registry unreachable. */
int image_store_pull(
        ImageStore *store,
        const char *reference,
        const RegistryOptions *options,
        char **ret_id,
        char **ret_manifest_digest);
