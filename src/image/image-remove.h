/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Tagging, untagging and removing images, and collecting what no image needs any more. Blobs and
 * unpacked layers are shared between images and not counted anywhere: what index.json reaches
 * (manifests, their configs and layer blobs, the chain ids of the configs' diff ids) is kept, the
 * rest of blobs/sha256 and layers/ is freed. */

#include <stdbool.h>
#include <stdint.h>

#include "image-store.h"

/* Points target (a reference without digest) at the image source names. -EINVAL for a malformed
 * target, -ENOENT when source is not there. */
int image_store_tag(ImageStore *store, const char *source, const char *target);

typedef enum ImageRemoveFlags {
        IMAGE_REMOVE_FORCE = 1 << 0,      /* all tags go, even when name is an id of a many-tag image */
        IMAGE_REMOVE_KEEP_IMAGE = 1 << 1, /* something uses the image: it may lose tags, stays untagged */
} ImageRemoveFlags;

/* Docker's rmi: name as one tag among several untags that tag only; otherwise every tag goes and the
 * image is deleted, its blobs and layers freed unless another image shares them. ret_lines: "Untagged:
 * busybox:latest", "Deleted: sha256:…". -ENOENT: no such image; -EBUSY: an id of an image with several
 * tags without FORCE; -ETXTBSY: the image would go but KEEP_IMAGE is set without FORCE. */
int image_store_remove(ImageStore *store, const char *name, ImageRemoveFlags flags, char ***ret_lines);

/* Frees every blob and unpacked layer index.json does not reach; ret_freed (may be NULL): bytes. */
int image_store_gc(ImageStore *store, uint64_t *ret_freed);

/* Docker's image prune: every image without a tag (all: every image), except the ids in keep_ids (the
 * images containers use). ret_lines: "untagged: busybox:latest", "deleted: sha256:…"; ret_freed: bytes
 * of blobs and unpacked layers freed. */
int image_store_prune(
        ImageStore *store, bool all, char *const *keep_ids, char ***ret_lines, uint64_t *ret_freed);
