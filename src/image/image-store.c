/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
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

#define ID_PREFIX_MIN 4U

Image *image_free(Image *image) {
        if (!image)
                return NULL;
        free(image->id);
        strv_free(image->repo_tags);
        strv_free(image->repo_digests);
        free(image->manifest_digest);
        image_config_done(&image->config);
        strv_free(image->diff_ids);
        strv_free(image->layer_dirs);
        free(image->layer_sizes);
        free(image);
        return NULL;
}

static int open_subdir(int parent_fd, const char *name, int *ret_fd) {
        int fd;

        if (mkdirat(parent_fd, name, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret_fd = fd;
        return 0;
}

/* Files that write_file_atomic_at() leaves behind when interrupted ("NAME.tmp.PID"). */
static void remove_atomic_leftovers(int dir_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return;
        }
        while ((de = readdir(d)))
                if (strstr(de->d_name, ".tmp.") && de->d_type == DT_REG)
                        (void)unlinkat(dirfd(d), de->d_name, 0);
}

/* Staged transactions that never committed: nothing refers to them. A transaction holds a lock on its
 * directory while it lives (it may be a pull worker's, in another process): those stay. */
void image_store_remove_dead_transactions(ImageStore *s) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = openat(s->staging_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                _cleanup_close_ int txn_fd = -EBADF;

                if (de->d_name[0] == '.')
                        continue;
                txn_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (txn_fd >= 0 && flock(txn_fd, LOCK_EX | LOCK_NB) < 0)
                        continue; /* alive */
                if (asprintf(&path, "%s/" STAGING_DIR "/%s", s->state_dir, de->d_name) < 0)
                        return;
                (void)rm_rf(path);
        }
}

static void collect_leftovers(ImageStore *s) {
        _cleanup_close_ int blobs_fd = -EBADF;

        image_store_remove_dead_transactions(s);
        remove_atomic_leftovers(s->images_fd);
        blobs_fd = openat(s->images_fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (blobs_fd >= 0)
                remove_atomic_leftovers(blobs_fd);
}

int image_store_lock(ImageStore *s, int *ret_fd) {
        _cleanup_close_ int fd = -EBADF;

        fd = openat(s->state_fd, STORE_LOCK_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return log_error_errno(errno, "Cannot open the image store's lock: %m");
        if (flock(fd, LOCK_EX) < 0)
                return log_error_errno(errno, "Cannot lock the image store: %m");
        *ret_fd = TAKE_FD(fd);
        return 0;
}

int image_store_new(const char *state_dir, ImageStore **ret) {
        _cleanup_(image_store_freep) ImageStore *s = NULL;
        _cleanup_close_ int state_fd = -EBADF;
        int r;

        s = calloc(1, sizeof(ImageStore));
        if (!s)
                return -ENOMEM;
        s->state_fd = s->images_fd = s->layers_fd = s->staging_fd = -EBADF;
        s->layer_limits = (LayerLimits){LAYER_UNPACKED_SIZE_MAX, LAYER_ENTRIES_MAX};
        s->archive_size_max = IMAGE_ARCHIVE_SIZE_MAX;
        s->state_dir = strdup(state_dir);
        if (!s->state_dir)
                return -ENOMEM;

        r = mkdir_p(state_dir, 0711);
        if (r < 0)
                return log_error_errno(r, "Cannot create %s: %m", state_dir);
        state_fd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (state_fd < 0)
                return log_error_errno(errno, "Cannot open %s: %m", state_dir);
        if ((r = open_subdir(state_fd, IMAGES_DIR, &s->images_fd)) < 0 ||
            (r = open_subdir(state_fd, LAYERS_DIR, &s->layers_fd)) < 0)
                return log_error_errno(r, "Cannot open the image store in %s: %m", state_dir);

        r = open_subdir(state_fd, STAGING_DIR, &s->staging_fd);
        if (r < 0)
                return log_error_errno(r, "Cannot create the staging directory in %s: %m", state_dir);
        s->state_fd = TAKE_FD(state_fd);
        collect_leftovers(s);
        r = oci_layout_init(s->images_fd);
        if (r < 0)
                return log_error_errno(r, "Cannot initialize the OCI layout in %s: %m", state_dir);

        *ret = TAKE_PTR(s);
        return 0;
}

ImageStore *image_store_free(ImageStore *s) {
        if (!s)
                return NULL;
        safe_close(s->state_fd);
        safe_close(s->images_fd);
        safe_close(s->layers_fd);
        safe_close(s->staging_fd);
        free(s->state_dir);
        free(s);
        return NULL;
}

void image_store_set_limits(
        ImageStore *s, uint64_t archive_size_max, uint64_t layer_size_max, uint64_t layer_entries_max) {
        s->archive_size_max = archive_size_max;
        s->layer_limits = (LayerLimits){layer_size_max, layer_entries_max};
}

static int layer_size(ImageStore *s, const char *chain_id, uint64_t *ret) {
        _cleanup_json_ cJSON *info = NULL;
        _cleanup_free_ char *path = NULL;
        int64_t size;
        int r;

        if (asprintf(&path, "%s/" LAYER_INFO_FILE, digest_hex(chain_id)) < 0)
                return -ENOMEM;
        r = json_parse_file_at(s->layers_fd, path, IMAGE_JSON_SIZE_MAX, &info);
        if (r < 0)
                return r;
        size = json_get_integer(info, "Size", -1);
        if (size < 0)
                return -EBADMSG;
        *ret = (uint64_t)size;
        return 0;
}

int image_store_load_manifest(ImageStore *s, const char *manifest_digest, Image **ret) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_(oci_manifest_freep) OciManifest *manifest = NULL;
        _cleanup_free_ char *manifest_data = NULL, *config_data = NULL;
        char chain[DIGEST_STRING_LEN + 1];
        size_t size;
        int r;

        r = oci_blob_read(s->images_fd, manifest_digest, IMAGE_JSON_SIZE_MAX, &manifest_data, &size);
        if (r < 0)
                return r;
        r = oci_manifest_parse(manifest_data, size, &manifest);
        if (r < 0)
                return r;
        r = oci_blob_read(s->images_fd, manifest->config_digest, IMAGE_JSON_SIZE_MAX, &config_data, &size);
        if (r < 0)
                return r;

        image = calloc(1, sizeof(Image));
        if (!image)
                return -ENOMEM;
        r = image_config_parse(config_data, size, &image->config, &image->diff_ids);
        if (r < 0)
                return r;
        image->id = strdup(manifest->config_digest);
        image->manifest_digest = strdup(manifest_digest);
        image->layer_sizes = calloc(strv_length(image->diff_ids), sizeof(uint64_t));
        if (!image->id || !image->manifest_digest || !image->layer_sizes)
                return -ENOMEM;

        STRV_FOREACH (d, image->diff_ids) {
                char *dir = NULL;
                uint64_t layer_bytes;

                r = chain_id_next(d == image->diff_ids ? NULL : chain, *d, chain);
                if (r < 0)
                        return r;
                r = layer_size(s, chain, &layer_bytes);
                if (r < 0)
                        return r;
                image->layer_sizes[d - image->diff_ids] = layer_bytes;
                image->size += layer_bytes;
                if (asprintf(&dir, "%s/" LAYERS_DIR "/%s/" LAYER_DIFF_DIR, s->state_dir, digest_hex(chain)) <
                    0)
                        return -ENOMEM;
                r = strv_consume(&image->layer_dirs, dir);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(image);
        return 0;
}

Image **image_list_free(Image **images, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_free(images[i]);
        free(images);
        return NULL;
}

/* One Image per id (config digest): all the index's tags pointing at it merged in. */
static int images_load_all(ImageStore *s, Image ***ret, size_t *ret_n) {
        OciDescriptor *index = NULL;
        Image **images = NULL, **a_end;
        size_t n_index = 0, n = 0;
        int r;

        r = oci_index_load(s->images_fd, &index, &n_index);
        if (r < 0)
                return r;

        for (size_t i = 0; i < n_index; i++) {
                Image *found = NULL, *image = NULL, **a;

                for (size_t k = 0; k < n && !found; k++)
                        if (streq(images[k]->manifest_digest, index[i].digest))
                                found = images[k];
                if (!found) {
                        r = image_store_load_manifest(s, index[i].digest, &image);
                        if (r < 0) {
                                log_warning_errno(r, "Skipping broken image %s: %m", index[i].digest);
                                continue;
                        }
                        for (size_t k = 0; k < n && !found; k++)
                                if (streq(images[k]->id, image->id))
                                        found = images[k];
                        if (found)
                                image_free(image);
                        else {
                                a = realloc(images, (n + 1) * sizeof(Image *));
                                if (!a) {
                                        image_free(image);
                                        r = -ENOMEM;
                                        goto fail;
                                }
                                images = a;
                                images[n++] = found = image;
                        }
                }
                if (index[i].ref_name) {
                        /* Tags and digest references ("repo@sha256:…") share the index, as in Docker's
                         * reference store. */
                        char ***refs =
                                strchr(index[i].ref_name, '@') ? &found->repo_digests : &found->repo_tags;
                        if (!strv_contains(*refs, index[i].ref_name)) {
                                r = strv_extend(refs, index[i].ref_name);
                                if (r < 0)
                                        goto fail;
                        }
                }
        }

        oci_descriptors_free(index, n_index);
        /* NULL-terminated as well, for callers that prefer to iterate that way. */
        a_end = realloc(images, (n + 1) * sizeof(Image *));
        if (!a_end) {
                image_list_free(images, n);
                return -ENOMEM;
        }
        a_end[n] = NULL;
        *ret = a_end;
        *ret_n = n;
        return 0;
fail:
        oci_descriptors_free(index, n_index);
        image_list_free(images, n);
        return r;
}

int image_store_list(ImageStore *s, Image ***ret, size_t *ret_n) {
        return images_load_all(s, ret, ret_n);
}

static bool is_hex_string(const char *s) {
        for (; *s; s++)
                if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
                        return false;
        return true;
}

int image_store_get(ImageStore *s, const char *name, Image **ret) {
        _cleanup_free_ char *normalized = NULL, *digest = NULL;
        Image **images = NULL, *match = NULL;
        const char *id_prefix = NULL;
        size_t n = 0;
        bool ambiguous = false;
        int r;

        if (isempty(name))
                return -EINVAL;

        if (strncmp(name, DIGEST_PREFIX, STRLEN(DIGEST_PREFIX)) == 0)
                id_prefix = name + STRLEN(DIGEST_PREFIX);
        else {
                r = reference_normalize(name, &normalized);
                if (r == -ENOMEM)
                        return r;
                if (r >= 0) {
                        r = reference_split(normalized, NULL, NULL, &digest);
                        if (r < 0)
                                return r;
                }
                if (is_hex_string(name))
                        id_prefix = name;
        }
        if (id_prefix && (strlen(id_prefix) < ID_PREFIX_MIN || strlen(id_prefix) > SHA256_HEX_LEN ||
                          !is_hex_string(id_prefix)))
                id_prefix = NULL;
        if (!normalized && !id_prefix)
                return -EINVAL;

        r = images_load_all(s, &images, &n);
        if (r < 0)
                return r;

        /* A name wins over an id prefix, as in Docker. A digest reference names the image it was pulled
         * or pushed as, else the image with that manifest. */
        for (size_t i = 0; i < n && normalized && !match; i++)
                if (strv_contains(digest ? images[i]->repo_digests : images[i]->repo_tags, normalized))
                        match = images[i];
        for (size_t i = 0; i < n && digest && !match; i++)
                if (streq(images[i]->manifest_digest, digest))
                        match = images[i];
        for (size_t i = 0; i < n && id_prefix && !match; i++) {
                const char *hex = digest_hex(images[i]->id);
                if (!hex || strncmp(hex, id_prefix, strlen(id_prefix)) != 0)
                        continue;
                for (size_t k = i + 1; k < n; k++)
                        if (digest_hex(images[k]->id) &&
                            strncmp(digest_hex(images[k]->id), id_prefix, strlen(id_prefix)) == 0)
                                ambiguous = true;
                match = images[i];
        }

        if (!match || ambiguous) {
                image_list_free(images, n);
                return match ? -ENOTUNIQ : -ENOENT;
        }
        for (size_t i = 0; i < n; i++)
                if (images[i] != match)
                        image_free(images[i]);
        free(images);
        *ret = match;
        return 0;
}
