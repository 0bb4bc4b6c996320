/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The OCI image layout under <state>/images: oci-layout, blobs/sha256/<hex>, index.json. index.json has
 * one entry per reference (annotation org.opencontainers.image.ref.name = full normalized reference: a tag
 * "docker.io/library/busybox:latest" or a digest reference "docker.io/library/busybox@sha256:…", the
 * repository and manifest digest an image was pulled or pushed as) and one entry without annotation for
 * each image that has no reference left. */

#include <stddef.h>
#include <stdint.h>

#include "image-config.h"

/* Creates blobs/sha256, oci-layout and an empty index.json where missing. */
int oci_layout_init(int images_fd);

/* Reads blobs/sha256/<hex> of digest and checks it against the digest. */
int oci_blob_read(int images_fd, const char *digest, size_t max_size, char **ret, size_t *ret_size);
/* Opens blobs/sha256/<hex> of digest for reading (not checked against the digest: callers that stream it
 * hash it on the way, or hand it to a registry that does). */
int oci_blob_open(int images_fd, const char *digest);
/* Moves a verified, fsynced file into blobs/ (dropping it when the blob is already there). */
int oci_blob_commit(int from_dir_fd, const char *from_name, int images_fd, const char *digest);

int oci_index_load(int images_fd, OciDescriptor **ret, size_t *ret_n);
/* Written atomically. */
int oci_index_save(int images_fd, const OciDescriptor *d, size_t n);

/* Points each reference (normalized tag or digest reference) at the manifest; a manifest that loses its
 * last reference stays as an untagged entry, as Docker keeps a dangling image. No references: the manifest
 * is added untagged unless present. */
int oci_index_add(
        OciDescriptor **d,
        size_t *n,
        const char *manifest_digest,
        uint64_t manifest_size,
        char *const *tags);
