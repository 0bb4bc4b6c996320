/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker save: images of the store written to an fd as a Docker archive (manifest.json, repositories,
 * <config hex>.json, <diff id hex>/layer.tar, as docker save before version 25) or as an OCI archive
 * (oci-layout, index.json, blobs/sha256/…: the stored blobs as they are, so digests stay). Done in two
 * steps, so that a caller can report bad names at once and write the archive elsewhere (berthd writes
 * it in a child process). */

#include <stddef.h>

#include "image-store.h"

typedef enum ImageArchiveFormat {
        IMAGE_ARCHIVE_DOCKER,
        IMAGE_ARCHIVE_OCI,
        _IMAGE_ARCHIVE_FORMAT_MAX,
        _IMAGE_ARCHIVE_FORMAT_INVALID = -EINVAL,
} ImageArchiveFormat;

/* "docker-archive", "oci-archive" (podman's names for save --format). */
const char *image_archive_format_to_string(ImageArchiveFormat f);
ImageArchiveFormat image_archive_format_from_string(const char *s);

typedef struct SaveImage {
        char *id;
        char *manifest_digest;
        char **tags; /* normalized, the ones the names selected */
} SaveImage;

typedef struct SaveSet {
        SaveImage *images;
        size_t n;
} SaveSet;

void save_set_done(SaveSet *s);

/* Docker's choice of images and tags for names: "repo:tag" and "repo@digest" the image they name (with
 * that tag); a bare repository "busybox" every tag of it; an id or id prefix the image, without tags. An
 * image named twice goes in once. -ENOENT when a name matches nothing, -EINVAL when it is malformed; in
 * both cases ret_bad_name points at that name. */
int image_store_resolve_save(ImageStore *store, char **names, SaveSet *ret, const char **ret_bad_name);

/* Writes the archive to fd (a file, a pipe, a socket; blocking or not). Every blob is checked against its
 * digest on the way. */
int image_store_write_archive(ImageStore *store, const SaveSet *set, ImageArchiveFormat format, int fd);
