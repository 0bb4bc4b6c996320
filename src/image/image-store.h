/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The content store under <state>/images (OCI image layout: blobs/sha256/<hex>, index.json) and the
 * unpacked layers under <state>/layers/<chain-id hex>/. Knows nothing of containers. */

#include <stdint.h>

#include "macro.h"

typedef struct ImageStore ImageStore;

typedef struct ImageConfig {
        char **env;
        char **cmd;
        char **entrypoint;
        char *working_dir;
        char *user;
        char *stop_signal;
        char *architecture;
        char *os;
        uint64_t created_usec; /* µs since the epoch, 0 if the image does not say */
} ImageConfig;

typedef struct Image {
        char *id;              /* "sha256:<hex>": digest of the config blob */
        char **repo_tags;      /* normalized: "docker.io/library/busybox:latest" */
        char *manifest_digest; /* "sha256:<hex>" */
        ImageConfig config;
        char **diff_ids;   /* "sha256:<hex>" each, bottom layer first */
        char **layer_dirs; /* absolute paths of the unpacked layer directories, bottom layer first */
        uint64_t size;     /* bytes of the unpacked layers */
} Image;

Image *image_free(Image *image);
DEFINE_TRIVIAL_CLEANUP_FUNC(Image *, image_free);

/* state_dir is berth's state directory (/var/lib/berth); images/ and layers/ are made below it.
 * Leftovers of interrupted writes are collected here. */
int image_store_new(const char *state_dir, ImageStore **ret);
ImageStore *image_store_free(ImageStore *store);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageStore *, image_store_free);

/* Reads a Docker archive (docker save) or an OCI archive from fd; every blob is verified against its
 * digest; nothing is committed unless the whole archive is good. ret_loaded lists "busybox:latest"
 * style names (familiar form) of the tags loaded, or the image id for images without a tag. */
int image_store_load_archive(ImageStore *store, int fd, char ***ret_loaded);

/* A root filesystem tarball (optionally compressed) becomes a one-layer image, tagged with reference
 * unless it is NULL or empty. */
int image_store_import_rootfs(ImageStore *store, int fd, const char *reference, char **ret_id);

/* All images, in no particular order. */
int image_store_list(ImageStore *store, Image ***ret, size_t *ret_n);

/* Looks up by reference ("busybox", "busybox:1.36", "docker.io/library/busybox:latest"), by full id
 * ("sha256:<hex>") or by an unambiguous id prefix (at least 4 hex digits, with or without "sha256:").
 * -ENOENT when absent, -EINVAL when the reference is malformed, -ENOTUNIQ for an ambiguous prefix. */
int image_store_get(ImageStore *store, const char *name, Image **ret);
