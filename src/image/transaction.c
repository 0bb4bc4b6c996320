/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "fileio.h"
#include "image-config.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "log.h"
#include "oci-layout.h"
#include "reference.h"
#include "strv.h"

int transaction_begin(ImageStore *store, Transaction **ret) {
        _cleanup_(transaction_freep) Transaction *t = NULL;
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        t = calloc(1, sizeof(Transaction));
        if (!t)
                return -ENOMEM;
        t->store = store;
        t->dir_fd = -EBADF;

        if (asprintf(&path, "%s/" STAGING_DIR "/txn-XXXXXX", store->state_dir) < 0)
                return -ENOMEM;
        if (!mkdtemp(path))
                return -errno;
        t->name = strdup(strrchr(path, '/') + 1);
        if (!t->name) {
                (void)rmdir(path);
                return -ENOMEM;
        }
        t->dir_fd = openat(store->staging_fd, t->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (t->dir_fd < 0)
                return -errno;
        /* Tells image_store_new() in another process that this directory is alive. */
        if (flock(t->dir_fd, LOCK_EX | LOCK_NB) < 0)
                return -errno;
        /* image_store_remove_dead_transactions() elsewhere may have taken it between mkdtemp() and flock().
         */
        if (fstat(t->dir_fd, &st) < 0)
                return -errno;
        if (st.st_nlink == 0)
                return -EAGAIN;
        r = writeback_new(t->dir_fd, &t->writeback);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(t);
        return 0;
}

Transaction *transaction_free(Transaction *t) {
        if (!t)
                return NULL;
        writeback_free(t->writeback);
        if (t->name) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/" STAGING_DIR "/%s", t->store->state_dir, t->name) >= 0)
                        (void)rm_rf(path);
        }
        safe_close(t->dir_fd);
        for (size_t i = 0; i < t->n_blobs; i++)
                free(t->blobs[i].file);
        free(t->blobs);
        for (size_t i = 0; i < t->n_layers; i++)
                free(t->layers[i].dir);
        free(t->layers);
        for (size_t i = 0; i < t->n_images; i++) {
                free(t->images[i].manifest_digest);
                strv_free(t->images[i].tags);
        }
        free(t->images);
        free(t->name);
        free(t);
        return NULL;
}

int transaction_new_file(Transaction *t, char **ret_name, int *ret_fd) {
        _cleanup_free_ char *name = NULL;
        int fd;

        if (asprintf(&name, "f%u", t->counter++) < 0)
                return -ENOMEM;
        fd = openat(t->dir_fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        *ret_name = TAKE_PTR(name);
        *ret_fd = fd;
        return 0;
}

int transaction_add_blob_file(Transaction *t, const char *file, const char *digest) {
        PendingBlob *b;

        for (size_t i = 0; i < t->n_blobs; i++)
                if (streq(t->blobs[i].digest, digest))
                        return 0;
        b = realloc(t->blobs, (t->n_blobs + 1) * sizeof(PendingBlob));
        if (!b)
                return -ENOMEM;
        t->blobs = b;
        b = &t->blobs[t->n_blobs];
        snprintf(b->digest, sizeof(b->digest), "%s", digest);
        b->file = strdup(file);
        if (!b->file)
                return -ENOMEM;
        t->n_blobs++;
        return 0;
}

int transaction_add_blob_fd(Transaction *t, int fd, const char *digest) {
        _cleanup_free_ char *name = NULL;
        char proc[STRLEN("/proc/self/fd/") + 12];

        if (asprintf(&name, "f%u", t->counter++) < 0)
                return -ENOMEM;
        /* Through /proc, also for an O_TMPFILE file, and without CAP_DAC_READ_SEARCH. */
        snprintf(proc, sizeof(proc), "/proc/self/fd/%i", fd);
        if (linkat(AT_FDCWD, proc, t->dir_fd, name, AT_SYMLINK_FOLLOW) < 0)
                return -errno;
        return transaction_add_blob_file(t, name, digest);
}

int transaction_add_blob_data(
        Transaction *t, const void *data, size_t size, char ret_digest[static DIGEST_STRING_LEN + 1]) {
        _cleanup_free_ char *name = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = sha256_digest(data, size, ret_digest);
        if (r < 0)
                return r;
        r = transaction_new_file(t, &name, &fd);
        if (r < 0)
                return r;
        r = loop_write(fd, data, size);
        if (r < 0)
                return r;
        return transaction_add_blob_file(t, name, ret_digest);
}

/* Written plainly: the layer directory is the transaction's own until the commit, whose syncfs() makes it
 * durable first. An fsync() here made ext4 commit its journal, which waits for the data of every file
 * written so far, with the pull's event loop (and its downloads) stopped meanwhile. */
static int write_layer_info(int dir_fd, const char *diff_id, uint64_t size) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        _cleanup_free_ char *s = NULL;

        if (!o || !cJSON_AddStringToObject(o, "DiffID", diff_id) ||
            !cJSON_AddNumberToObject(o, "Size", (double)size))
                return -ENOMEM;
        s = cJSON_PrintUnformatted(o);
        if (!s)
                return -ENOMEM;
        return write_file_replace_at(dir_fd, LAYER_INFO_FILE, s, strlen(s), 0644);
}

bool transaction_has_layer(Transaction *t, const char *chain_id) {
        for (size_t i = 0; i < t->n_layers; i++)
                if (streq(t->layers[i].chain_id, chain_id))
                        return true;
        return faccessat(t->store->layers_fd, digest_hex(chain_id), F_OK, AT_SYMLINK_NOFOLLOW) >= 0;
}

int transaction_new_layer_dir(Transaction *t, char **ret_dir, int *ret_diff_fd) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int fd = -EBADF;
        int diff_fd;

        if (asprintf(&dir, "l%u", t->counter++) < 0)
                return -ENOMEM;
        if (mkdirat(t->dir_fd, dir, 0700) < 0)
                return -errno;
        fd = openat(t->dir_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (mkdirat(fd, LAYER_DIFF_DIR, 0755) < 0)
                return -errno;
        diff_fd = openat(fd, LAYER_DIFF_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (diff_fd < 0)
                return -errno;
        *ret_dir = TAKE_PTR(dir);
        *ret_diff_fd = diff_fd;
        return 0;
}

int transaction_add_layer_dir(
        Transaction *t, const char *dir, const char *diff_id, const char *chain_id, uint64_t size) {
        _cleanup_close_ int fd = -EBADF;
        PendingLayer *l;
        int r;

        fd = openat(t->dir_fd, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = write_layer_info(fd, diff_id, size);
        if (r < 0)
                return r;
        l = realloc(t->layers, (t->n_layers + 1) * sizeof(PendingLayer));
        if (!l)
                return -ENOMEM;
        t->layers = l;
        snprintf(l[t->n_layers].chain_id, sizeof(l[t->n_layers].chain_id), "%s", chain_id);
        l[t->n_layers].dir = strdup(dir);
        if (!l[t->n_layers].dir)
                return -ENOMEM;
        t->n_layers++;
        return 0;
}

int transaction_add_layer(Transaction *t, int layer_fd, const char *diff_id, const char *chain_id) {
        _cleanup_free_ char *dir = NULL;
        _cleanup_close_ int diff_fd = -EBADF;
        uint64_t size;
        int r;

        /* Shared layers are unpacked once. */
        if (transaction_has_layer(t, chain_id))
                return 0;
        r = transaction_new_layer_dir(t, &dir, &diff_fd);
        if (r < 0)
                return r;
        r = layer_unpack(layer_fd, diff_fd, &t->store->layer_limits, &size);
        if (r < 0)
                return log_debug_errno(r, "Cannot unpack layer %s: %m", diff_id);
        return transaction_add_layer_dir(t, dir, diff_id, chain_id, size);
}

int transaction_add_image(
        Transaction *t, const char *manifest_digest, uint64_t manifest_size, char *const *tags) {
        PendingImage *i = realloc(t->images, (t->n_images + 1) * sizeof(PendingImage));
        if (!i)
                return -ENOMEM;
        t->images = i;
        i = &t->images[t->n_images];
        *i = (PendingImage){.manifest_size = manifest_size};
        i->manifest_digest = strdup(manifest_digest);
        i->tags = strv_copy(tags);
        t->n_images++;
        if (!i->manifest_digest || (tags && !i->tags))
                return -ENOMEM;
        return 0;
}

int transaction_add_repo_digest(Transaction *t, const char *manifest_digest, const char *repo_digest) {
        _cleanup_free_ char *ref = NULL;
        int r;

        r = reference_repo_digest(repo_digest, &ref);
        if (r < 0)
                return r;
        for (size_t i = 0; i < t->n_images; i++)
                if (streq(t->images[i].manifest_digest, manifest_digest)) {
                        if (strv_contains(t->images[i].tags, ref))
                                return 0;
                        return strv_consume(&t->images[i].tags, TAKE_PTR(ref));
                }
        return -ENOENT;
}

int transaction_commit(Transaction *t) {
        _cleanup_close_ int lock_fd = -EBADF;
        OciDescriptor *index = NULL;
        size_t n_index = 0;
        int r;

        /* Everything staged reaches the disk before anything refers to it. A sync of the writeback thread
         * still running is joined after this one, not waited for before. */
        if (syncfs(t->dir_fd) < 0)
                return -errno;
        t->writeback = writeback_free(t->writeback);

        r = image_store_lock(t->store, &lock_fd);
        if (r < 0)
                return r;
        for (size_t i = 0; i < t->n_blobs; i++) {
                r = oci_blob_commit(t->dir_fd, t->blobs[i].file, t->store->images_fd, t->blobs[i].digest);
                if (r < 0)
                        return log_debug_errno(r, "Cannot store blob %s: %m", t->blobs[i].digest);
        }
        for (size_t i = 0; i < t->n_layers; i++)
                if (renameat2(
                            t->dir_fd,
                            t->layers[i].dir,
                            t->store->layers_fd,
                            digest_hex(t->layers[i].chain_id),
                            RENAME_NOREPLACE) < 0 &&
                    errno != EEXIST)
                        return log_debug_errno(errno, "Cannot store layer %s: %m", t->layers[i].chain_id);
        (void)fsync(t->store->layers_fd);

        /* What the transaction did not stage because the store had it may have been collected since:
         * every image must be whole before the index names it. */
        for (size_t i = 0; i < t->n_images; i++) {
                _cleanup_(image_freep) Image *image = NULL;

                r = image_store_load_manifest(t->store, t->images[i].manifest_digest, &image);
                if (r < 0)
                        return log_debug_errno(
                                r == -ENOENT ? -ESTALE : r,
                                "Image %s is incomplete in the store: %m",
                                t->images[i].manifest_digest);
        }

        r = oci_index_load(t->store->images_fd, &index, &n_index);
        if (r < 0)
                return r;
        for (size_t i = 0; i < t->n_images; i++) {
                r = oci_index_add(
                        &index,
                        &n_index,
                        t->images[i].manifest_digest,
                        t->images[i].manifest_size,
                        t->images[i].tags);
                if (r < 0)
                        goto finish;
        }
        r = oci_index_save(t->store->images_fd, index, n_index);
finish:
        oci_descriptors_free(index, n_index);
        return r;
}

int transaction_add_image_manifest(
        Transaction *t,
        const char *config_digest,
        uint64_t config_size,
        char *const *layer_digests,
        const uint64_t *layer_sizes,
        size_t n_layers,
        char *const *tags) {
        _cleanup_json_ cJSON *root = cJSON_CreateObject();
        _cleanup_free_ char *manifest = NULL;
        char manifest_digest[DIGEST_STRING_LEN + 1];
        cJSON *config, *layers;
        int r;

        if (!root || !cJSON_AddNumberToObject(root, "schemaVersion", 2) ||
            !cJSON_AddStringToObject(root, "mediaType", MEDIA_TYPE_OCI_MANIFEST) ||
            !(config = cJSON_AddObjectToObject(root, "config")) ||
            !cJSON_AddStringToObject(config, "mediaType", MEDIA_TYPE_OCI_CONFIG) ||
            !cJSON_AddStringToObject(config, "digest", config_digest) ||
            !cJSON_AddNumberToObject(config, "size", (double)config_size) ||
            !(layers = cJSON_AddArrayToObject(root, "layers")))
                return -ENOMEM;
        for (size_t i = 0; i < n_layers; i++) {
                cJSON *l = cJSON_CreateObject();
                if (!l)
                        return -ENOMEM;
                cJSON_AddItemToArray(layers, l);
                if (!cJSON_AddStringToObject(l, "mediaType", MEDIA_TYPE_OCI_LAYER) ||
                    !cJSON_AddStringToObject(l, "digest", layer_digests[i]) ||
                    !cJSON_AddNumberToObject(l, "size", (double)layer_sizes[i]))
                        return -ENOMEM;
        }
        manifest = cJSON_PrintUnformatted(root);
        if (!manifest)
                return -ENOMEM;
        r = transaction_add_blob_data(t, manifest, strlen(manifest), manifest_digest);
        if (r < 0)
                return r;
        return transaction_add_image(t, manifest_digest, strlen(manifest), tags);
}
