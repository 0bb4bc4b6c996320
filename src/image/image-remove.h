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

/* Records repo_digest ("registry/repository@sha256:<hex>") as a reference of the image source names, as a
 * push does: shown in RepoDigests, kept across tag and untag, gone with the image. -EINVAL when repo_digest
 * is not a digest reference, -ENOENT when source is not there. */
int image_store_add_repo_digest(ImageStore *store, const char *source, const char *repo_digest);

typedef enum ImageRemoveFlags {
        IMAGE_REMOVE_FORCE = 1 << 0,      /* all tags go, even when name is an id of a many-tag image */
        IMAGE_REMOVE_KEEP_IMAGE = 1 << 1, /* something uses the image: it may lose tags, stays untagged */
} ImageRemoveFlags;

/* Docker's rmi: name as one reference (tag or digest reference) among several removes that reference
 * only (a repository's last tag takes the repository's digest references along); otherwise every reference
 * goes and the image is deleted, its blobs and layers freed unless another image shares them. ret_lines:
 * "Untagged: busybox:latest", "Untagged: busybox@sha256:…", "Deleted: sha256:…". -ENOENT: no such image;
 * -EBUSY: an id of an image with several tags or references in several repositories, without FORCE;
 * -ETXTBSY: the image would go but KEEP_IMAGE is set without FORCE. */
int image_store_remove(ImageStore *store, const char *name, ImageRemoveFlags flags, char ***ret_lines);

/* Frees every blob and unpacked layer index.json does not reach; ret_freed (may be NULL): bytes. */
int image_store_gc(ImageStore *store, uint64_t *ret_freed);

/* Docker's image prune: every image without a tag (all: every image), except the ids in keep_ids (the
 * images containers use). ret_lines: "untagged: busybox:latest", "deleted: sha256:…"; ret_freed: bytes
 * of blobs and unpacked layers freed. */
int image_store_prune(
        ImageStore *store, bool all, char *const *keep_ids, char ***ret_lines, uint64_t *ret_freed);
