/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The content store under <state>/images (OCI image layout: blobs/sha256/<hex>, index.json) and the
 * unpacked layers under <state>/layers/<chain-id hex>/ (diff/ = the layer's files, overlayfs whiteouts
 * included; layer.json = {"DiffID", "Size"}). Writes are staged in <state>/image-staging/ and committed
 * blobs → layers → index.json, so a failed or interrupted load leaves the store as it was; the staging
 * directory is emptied at open. Knows nothing of containers. */

#include <stdint.h>

#include "macro.h"

typedef struct ImageStore ImageStore;

/* The image's HEALTHCHECK (config.Healthcheck of the image config): test is NULL when the image has
 * none, ["NONE"] when it turns its parent's off; durations in ns as images store them, 0 = not set. */
typedef struct ImageHealthcheck {
        char **test;
        uint64_t interval_ns, timeout_ns, start_period_ns;
        int64_t retries;
} ImageHealthcheck;

typedef struct ImageConfig {
        char **env;
        char **cmd;
        char **entrypoint;
        char *working_dir;
        char *user;
        char *stop_signal;
        char *architecture;
        char *variant;
        char *os;
        char *author;
        char *comment;
        char **labels;         /* key, value, key, value, … (config.Labels) */
        char **exposed_ports;  /* "80/tcp", … (the keys of config.ExposedPorts) */
        char **volumes;        /* "/data", … (the keys of config.Volumes) */
        uint64_t created_usec; /* µs since the epoch, 0 if the image does not say */
        uint64_t created_nsec; /* the same in ns, as docker inspect prints it */
        ImageHealthcheck healthcheck;
} ImageConfig;

typedef struct Image {
        char *id;              /* "sha256:<hex>": digest of the config blob */
        char **repo_tags;      /* normalized: "docker.io/library/busybox:latest" */
        char **repo_digests;   /* normalized: "docker.io/library/busybox@sha256:<hex>", where it came from */
        char *manifest_digest; /* "sha256:<hex>" */
        ImageConfig config;
        char **diff_ids;       /* "sha256:<hex>" each, bottom layer first */
        char **layer_dirs;     /* absolute paths of the unpacked layer directories, bottom layer first */
        uint64_t *layer_sizes; /* bytes of each unpacked layer, as layer_dirs */
        uint64_t size;         /* bytes of the unpacked layers */
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
 * style names (familiar form) of the tags loaded, or the image id for images without a tag. An OCI
 * archive's image is named by its io.containerd.image.name annotation, else by
 * org.opencontainers.image.ref.name when that is a full reference; a bare tag there ("latest") names no
 * repository and the image loads untagged. A tag that already named another image moves; that image
 * stays, untagged, as in Docker. */
int image_store_load_archive(ImageStore *store, int fd, char ***ret_loaded);

/* A root filesystem tarball (optionally compressed) becomes a one-layer image, tagged with reference
 * unless it is NULL or empty. */
int image_store_import_rootfs(ImageStore *store, int fd, const char *reference, char **ret_id);

/* All images, in no particular order; the array is also NULL-terminated. Free with image_list_free(). */
int image_store_list(ImageStore *store, Image ***ret, size_t *ret_n);
Image **image_list_free(Image **images, size_t n);

/* Looks up by reference ("busybox", "busybox:1.36", "docker.io/library/busybox:latest"), by full id
 * ("sha256:<hex>") or by an unambiguous id prefix (at least 4 hex digits, with or without "sha256:").
 * -ENOENT when absent, -EINVAL when the reference is malformed, -ENOTUNIQ for an ambiguous prefix. */
int image_store_get(ImageStore *store, const char *name, Image **ret);

/* Limits against hostile input (defaults: IMAGE_ARCHIVE_SIZE_MAX = 64 GiB read per archive after
 * decompression, LAYER_UNPACKED_SIZE_MAX = 16 GiB of file data and LAYER_ENTRIES_MAX = 1000000 entries per
 * layer; JSON documents are capped at 4 MiB and images at 128 layers, see image-config.h). */
void image_store_set_limits(
        ImageStore *store, uint64_t archive_size_max, uint64_t layer_size_max, uint64_t layer_entries_max);
