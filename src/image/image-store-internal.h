/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the store's writers (archive-load.c, rootfs-import.c) share: the store itself and a transaction
 * that stages blobs and unpacked layers in a private directory and commits them in an order that keeps
 * the store valid at every step: blobs, then layers, then index.json. Until index.json is rewritten
 * nothing new is reachable, and a transaction freed without commit leaves the store as it was. */

#include "digest.h"
#include "image-store.h"
#include "layer-unpack.h"
#include "writeback.h"

#define IMAGES_DIR "images"
#define LAYERS_DIR "layers"
#define STAGING_DIR "image-staging"
#define STORE_LOCK_FILE "image-store.lock"
#define LAYER_DIFF_DIR "diff"
#define LAYER_INFO_FILE "layer.json"

/* Bytes read from one archive (docker save / OCI archive / rootfs tarball), after decompression. */
#define IMAGE_ARCHIVE_SIZE_MAX (64ULL * 1024ULL * 1024ULL * 1024ULL)
/* Files in one archive. */
#define IMAGE_ARCHIVE_ENTRIES_MAX 65536U

struct ImageStore {
        char *state_dir;
        int state_fd;
        int images_fd;
        int layers_fd;
        int staging_fd;
        LayerLimits layer_limits;
        uint64_t archive_size_max;
};

typedef struct PendingBlob {
        char digest[DIGEST_STRING_LEN + 1];
        char *file; /* in the transaction directory */
} PendingBlob;

typedef struct PendingLayer {
        char chain_id[DIGEST_STRING_LEN + 1];
        char *dir; /* in the transaction directory */
} PendingLayer;

typedef struct PendingImage {
        char *manifest_digest;
        uint64_t manifest_size;
        char **tags; /* normalized; digest references ("repo@sha256:…") too */
} PendingImage;

typedef struct Transaction {
        ImageStore *store;
        char *name; /* of the transaction directory in the staging directory */
        int dir_fd;
        unsigned counter;
        Writeback *writeback; /* of the staging file system, until the commit's syncfs() */
        PendingBlob *blobs;
        size_t n_blobs;
        PendingLayer *layers;
        size_t n_layers;
        PendingImage *images;
        size_t n_images;
} Transaction;

/* Takes the store's write lock: everything that changes index.json or deletes blobs and layers (commit,
 * tag, remove, prune, GC) holds it, so that a pull worker committing in its own process and berthd
 * collecting garbage never interleave. Readers need no lock: index.json is replaced atomically. The
 * lock lives as long as the returned fd; a fresh open file description each time, so a forked child
 * never shares its parent's lock. */
int image_store_lock(ImageStore *store, int *ret_fd);
/* Removes the staged transactions whose process is gone (a pull worker killed, say). */
void image_store_remove_dead_transactions(ImageStore *store);

/* Loads the image of one manifest in the store; fails unless its manifest, config and unpacked layers
 * are all present. */
int image_store_load_manifest(ImageStore *store, const char *manifest_digest, Image **ret);

int transaction_begin(ImageStore *store, Transaction **ret);
Transaction *transaction_free(Transaction *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Transaction *, transaction_free);

/* A new empty file in the transaction directory. */
int transaction_new_file(Transaction *t, char **ret_name, int *ret_fd);
/* Stages a file of the transaction directory as the blob digest (already verified by the caller). */
int transaction_add_blob_file(Transaction *t, const char *file, const char *digest);
/* Stages the file open at fd (verified by the caller) as the blob digest, as a new link to it. */
int transaction_add_blob_fd(Transaction *t, int fd, const char *digest);
/* Stages data as a blob; ret_digest gets its digest. */
int transaction_add_blob_data(
        Transaction *t, const void *data, size_t size, char ret_digest[static DIGEST_STRING_LEN + 1]);
/* Makes sure the layer chain_id will exist: unpacks the blob at layer_fd unless the store or this
 * transaction has it already. */
int transaction_add_layer(Transaction *t, int layer_fd, const char *diff_id, const char *chain_id);
/* The same in steps, for a layer unpacked elsewhere (a pull unpacks while it downloads): whether the store
 * or this transaction has chain_id already; a new empty layer directory (ret_dir, in the transaction
 * directory) and its diff/ to unpack into; the unpacked directory staged as chain_id. */
bool transaction_has_layer(Transaction *t, const char *chain_id);
int transaction_new_layer_dir(Transaction *t, char **ret_dir, int *ret_diff_fd);
int transaction_add_layer_dir(
        Transaction *t, const char *dir, const char *diff_id, const char *chain_id, uint64_t size);
int transaction_add_image(
        Transaction *t, const char *manifest_digest, uint64_t manifest_size, char *const *tags);
/* Records repo_digest ("registry/repository@sha256:<hex>", any form reference_normalize() takes) as a
 * reference of the image staged with manifest_digest: where it was pulled from, shown in RepoDigests. It
 * stays across tag and untag and goes with the image. -EINVAL: not a digest reference; -ENOENT: no such
 * image staged. */
int transaction_add_repo_digest(Transaction *t, const char *manifest_digest, const char *repo_digest);
int transaction_commit(Transaction *t);

/* Stages an OCI manifest for the config blob and the layer blobs (uncompressed tars) given as (digest,
 * size) pairs, and the image it describes: for the images that come without one (docker save, import). */
int transaction_add_image_manifest(
        Transaction *t,
        const char *config_digest,
        uint64_t config_size,
        char *const *layer_digests,
        const uint64_t *layer_sizes,
        size_t n_layers,
        char *const *tags);
