/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "image-config.h"
#include "image-remove.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "log.h"
#include "oci-layout.h"
#include "reference.h"
#include "strv.h"

static int gc_locked(ImageStore *s, uint64_t *ret_freed);

typedef struct Index {
        OciDescriptor *d;
        size_t n;
} Index;

static void index_done(Index *i) {
        oci_descriptors_free(i->d, i->n);
        *i = (Index){};
}

static void index_drop(Index *i, size_t k) {
        oci_descriptor_done(&i->d[k]);
        memmove(i->d + k, i->d + k + 1, (i->n - k - 1) * sizeof(OciDescriptor));
        i->n--;
}

static uint64_t index_manifest_size(const Index *i, const char *digest) {
        for (size_t k = 0; k < i->n; k++)
                if (streq(i->d[k].digest, digest))
                        return i->d[k].size;
        return 0;
}

/* Points the normalized reference ref at the image source names. */
static int point_reference(ImageStore *s, const char *source, const char *ref) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_(index_done) Index index = {};
        int r;

        r = image_store_get(s, source, &image);
        if (r < 0)
                return r == -EINVAL ? -ENOENT : r;

        r = oci_index_load(s->images_fd, &index.d, &index.n);
        if (r < 0)
                return r;
        r = oci_index_add(
                &index.d,
                &index.n,
                image->manifest_digest,
                index_manifest_size(&index, image->manifest_digest),
                (char *const[]){(char *)ref, NULL});
        if (r < 0)
                return r;
        return oci_index_save(s->images_fd, index.d, index.n);
}

int image_store_tag(ImageStore *s, const char *source, const char *target) {
        _cleanup_free_ char *normalized = NULL, *digest = NULL;
        int r;

        r = reference_normalize(target, &normalized);
        if (r < 0)
                return r;
        r = reference_split(normalized, NULL, NULL, &digest);
        if (r < 0)
                return r;
        if (digest) /* a digest names content, it cannot be pointed elsewhere */
                return -EINVAL;
        return point_reference(s, source, normalized);
}

int image_store_add_repo_digest(ImageStore *s, const char *source, const char *repo_digest) {
        _cleanup_free_ char *ref = NULL;
        int r;

        r = reference_repo_digest(repo_digest, &ref);
        if (r < 0)
                return r;
        return point_reference(s, source, ref);
}

static int line_add(char ***lines, const char *verb, const char *what) {
        char *l = NULL;

        if (asprintf(&l, "%s: %s", verb, what) < 0)
                return -ENOMEM;
        return strv_consume(lines, l);
}

static int untagged_line(char ***lines, const char *normalized) {
        _cleanup_free_ char *familiar = NULL;
        int r;

        r = reference_familiar(normalized, &familiar);
        if (r < 0)
                return r;
        return line_add(lines, "Untagged", familiar);
}

/* The references of the image: its tags, then its digest references. */
static char **image_references(const Image *image) {
        _cleanup_strv_free_ char **refs = strv_copy(image->repo_tags);

        STRV_FOREACH (d, image->repo_digests)
                if (strv_extend(&refs, *d) < 0)
                        return NULL;
        return refs ? TAKE_PTR(refs) : calloc(1, sizeof(char *));
}

/* The normalized reference when name names the image by one of its tags or digest references (not by id
 * or by a manifest digest it was never pulled as). */
static char *name_as_reference(const Image *image, const char *name) {
        _cleanup_free_ char *normalized = NULL;

        if (strncmp(name, DIGEST_PREFIX, STRLEN(DIGEST_PREFIX)) == 0)
                return NULL;
        if (reference_normalize(name, &normalized) < 0)
                return NULL;
        if (!strv_contains(image->repo_tags, normalized) && !strv_contains(image->repo_digests, normalized))
                return NULL;
        return TAKE_PTR(normalized);
}

static bool same_repository(const char *a, const char *b) {
        _cleanup_free_ char *ra = NULL, *rb = NULL;

        return reference_split(a, &ra, NULL, NULL) >= 0 && reference_split(b, &rb, NULL, NULL) >= 0 &&
               streq(ra, rb);
}

/* Docker's rule for rmi by id without -f: at most one tag, and all references in one repository. */
static bool is_single_reference(const Image *image) {
        if (strv_length(image->repo_tags) > 1)
                return false;
        STRV_FOREACH (d, image->repo_digests)
                if ((image->repo_tags && !same_repository(*d, image->repo_tags[0])) ||
                    !same_repository(*d, image->repo_digests[0]))
                        return false;
        return true;
}

/* What untagging ref takes along: ref, and when it was the last tag of its repository the digest
 * references of that repository too, as Docker does. */
static int references_to_drop(const Image *image, const char *ref, char ***ret) {
        _cleanup_strv_free_ char **drop = NULL;
        bool last_tag = !strchr(ref, '@');
        int r;

        r = strv_extend(&drop, ref);
        if (r < 0)
                return r;
        STRV_FOREACH (t, image->repo_tags)
                if (!streq(*t, ref) && same_repository(*t, ref))
                        last_tag = false;
        STRV_FOREACH (d, image->repo_digests)
                if (last_tag && same_repository(*d, ref)) {
                        r = strv_extend(&drop, *d);
                        if (r < 0)
                                return r;
                }
        *ret = TAKE_PTR(drop);
        return 0;
}

static int untag_all(Index *index, char ***lines, char **refs) {
        int r;

        STRV_FOREACH (ref, refs) {
                r = untagged_line(lines, *ref);
                if (r < 0)
                        return r;
                for (size_t k = 0; k < index->n;)
                        if (streq_ptr(index->d[k].ref_name, *ref))
                                index_drop(index, k);
                        else
                                k++;
        }
        return 0;
}

int image_store_remove(ImageStore *s, const char *name, ImageRemoveFlags flags, char ***ret_lines) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_(index_done) Index index = {};
        _cleanup_strv_free_ char **lines = NULL, **refs = NULL;
        _cleanup_free_ char *ref = NULL;
        bool force = flags & IMAGE_REMOVE_FORCE, keep = flags & IMAGE_REMOVE_KEEP_IMAGE;
        uint64_t manifest_size;
        int r;

        r = image_store_get(s, name, &image);
        if (r < 0)
                return r == -EINVAL ? -ENOENT : r;
        r = oci_index_load(s->images_fd, &index.d, &index.n);
        if (r < 0)
                return r;
        refs = image_references(image);
        if (!refs)
                return -ENOMEM;

        ref = name_as_reference(image, name);
        if (ref) {
                _cleanup_strv_free_ char **drop = NULL;

                r = references_to_drop(image, ref, &drop);
                if (r < 0)
                        return r;
                if (strv_length(drop) < strv_length(refs)) {
                        /* Other references stay: only these go. */
                        r = untag_all(&index, &lines, drop);
                        if (r < 0)
                                return r;
                        r = oci_index_save(s->images_fd, index.d, index.n);
                        if (r < 0)
                                return r;
                        *ret_lines = TAKE_PTR(lines);
                        return 0;
                }
        } else if (!force && !is_single_reference(image))
                return -EBUSY; /* referenced in multiple repositories */
        if (keep && !force)
                return -ETXTBSY; /* a user of the image needs it */

        manifest_size = index_manifest_size(&index, image->manifest_digest);
        /* Every reference goes; the image itself too unless it must stay (untagged). */
        r = untag_all(&index, &lines, refs);
        if (r < 0)
                return r;
        for (size_t k = 0; k < index.n;)
                if (streq(index.d[k].digest, image->manifest_digest))
                        index_drop(&index, k);
                else
                        k++;
        if (keep) {
                r = oci_index_add(&index.d, &index.n, image->manifest_digest, manifest_size, NULL);
                if (r < 0)
                        return r;
        } else {
                r = line_add(&lines, "Deleted", image->id);
                if (r < 0)
                        return r;
        }
        r = oci_index_save(s->images_fd, index.d, index.n);
        if (r < 0)
                return r;
        if (!keep) {
                r = image_store_gc(s, NULL);
                if (r < 0)
                        log_warning_errno(r, "Cannot collect unused blobs and layers: %m");
        }
        *ret_lines = TAKE_PTR(lines);
        return 0;
}

/* The blobs (manifests, configs, layers) and unpacked layers (chain ids) the index reaches. */
static int collect_referenced(ImageStore *s, char ***ret_blobs, char ***ret_layers) {
        _cleanup_strv_free_ char **blobs = NULL, **layers = NULL;
        _cleanup_(index_done) Index index = {};
        int r;

        r = oci_index_load(s->images_fd, &index.d, &index.n);
        if (r < 0)
                return r;
        for (size_t k = 0; k < index.n; k++) {
                _cleanup_(oci_manifest_freep) OciManifest *manifest = NULL;
                _cleanup_free_ char *manifest_data = NULL, *config_data = NULL;
                _cleanup_strv_free_ char **diff_ids = NULL;
                ImageConfig config = {};
                char chain[DIGEST_STRING_LEN + 1];
                size_t size;

                if (strv_contains(blobs, index.d[k].digest))
                        continue;
                r = strv_extend(&blobs, index.d[k].digest);
                if (r < 0)
                        return r;
                r = oci_blob_read(
                        s->images_fd, index.d[k].digest, IMAGE_JSON_SIZE_MAX, &manifest_data, &size);
                if (r < 0)
                        return r; /* never collect what an unreadable image might still need */
                r = oci_manifest_parse(manifest_data, size, &manifest);
                if (r < 0)
                        return r;
                r = strv_extend(&blobs, manifest->config_digest);
                if (r < 0)
                        return r;
                for (size_t l = 0; l < manifest->n_layers; l++) {
                        r = strv_extend(&blobs, manifest->layer_digests[l]);
                        if (r < 0)
                                return r;
                }
                r = oci_blob_read(
                        s->images_fd, manifest->config_digest, IMAGE_JSON_SIZE_MAX, &config_data, &size);
                if (r < 0)
                        return r;
                r = image_config_parse(config_data, size, &config, &diff_ids);
                image_config_done(&config);
                if (r < 0)
                        return r;
                STRV_FOREACH (d, diff_ids) {
                        r = chain_id_next(d == diff_ids ? NULL : chain, *d, chain);
                        if (r < 0)
                                return r;
                        r = strv_extend(&layers, digest_hex(chain));
                        if (r < 0)
                                return r;
                }
        }
        *ret_blobs = TAKE_PTR(blobs);
        *ret_layers = TAKE_PTR(layers);
        return 0;
}

static bool digest_hex_listed(char **digests, const char *hex) {
        STRV_FOREACH (d, digests)
                if (streq_ptr(digest_hex(*d), hex))
                        return true;
        return false;
}

/* The unpacked size recorded in layers/<hex>/layer.json, 0 when unreadable. */
static uint64_t layer_dir_size(ImageStore *s, const char *hex) {
        _cleanup_json_ cJSON *info = NULL;
        _cleanup_free_ char *path = NULL;
        int64_t size;

        if (asprintf(&path, "%s/" LAYER_INFO_FILE, hex) < 0)
                return 0;
        if (json_parse_file_at(s->layers_fd, path, IMAGE_JSON_SIZE_MAX, &info) < 0)
                return 0;
        size = json_get_integer(info, "Size", -1);
        return size < 0 ? 0 : (uint64_t)size;
}

static int gc_locked(ImageStore *s, uint64_t *ret_freed) {
        _cleanup_strv_free_ char **blobs = NULL, **layers = NULL;
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_close_ int blobs_fd = -EBADF;
        uint64_t freed = 0;
        struct dirent *de;
        int fd, r;

        r = collect_referenced(s, &blobs, &layers);
        if (r < 0)
                return r;

        blobs_fd = openat(s->images_fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (blobs_fd < 0)
                return -errno;
        d = fdopendir(TAKE_FD(blobs_fd));
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                struct stat st;

                if (de->d_name[0] == '.' || digest_hex_listed(blobs, de->d_name))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                        freed += (uint64_t)st.st_size;
                if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT)
                        log_warning_errno(errno, "Cannot remove blob %s: %m", de->d_name);
        }
        closedir(TAKE_PTR(d));

        /* A fresh open file description: a dup would share (and leave) the read position. */
        fd = openat(s->layers_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;

                if (de->d_name[0] == '.' || strv_contains(layers, de->d_name))
                        continue;
                if (asprintf(&path, "%s/" LAYERS_DIR "/%s", s->state_dir, de->d_name) < 0)
                        return -ENOMEM;
                freed += layer_dir_size(s, de->d_name);
                r = rm_rf(path);
                if (r < 0)
                        log_warning_errno(r, "Cannot remove layer %s: %m", path);
        }
        if (ret_freed)
                *ret_freed = freed;
        return 0;
}

int image_store_gc(ImageStore *s, uint64_t *ret_freed) {
        _cleanup_close_ int lock_fd = -EBADF;
        int r;

        r = image_store_lock(s, &lock_fd);
        if (r < 0)
                return r;
        return gc_locked(s, ret_freed);
}

int image_store_prune(
        ImageStore *s, bool all, char *const *keep_ids, char ***ret_lines, uint64_t *ret_freed) {
        _cleanup_close_ int lock_fd = -EBADF;
        _cleanup_strv_free_ char **lines = NULL;
        _cleanup_(index_done) Index index = {};
        Image **images = NULL;
        uint64_t freed = 0;
        bool changed = false;
        size_t n = 0;
        int r;

        r = image_store_lock(s, &lock_fd);
        if (r < 0)
                return r;
        r = image_store_list(s, &images, &n);
        if (r < 0)
                return r;
        r = oci_index_load(s->images_fd, &index.d, &index.n);
        if (r < 0)
                goto finish;

        for (size_t i = 0; i < n; i++) {
                Image *image = images[i];

                _cleanup_strv_free_ char **refs = NULL;

                /* Dangling: no tag (digest references do not count, as in Docker). */
                if ((!all && image->repo_tags) || strv_contains((char **)keep_ids, image->id))
                        continue;
                refs = image_references(image);
                if (!refs) {
                        r = -ENOMEM;
                        goto finish;
                }
                STRV_FOREACH (t, refs) {
                        _cleanup_free_ char *familiar = NULL;

                        r = reference_familiar(*t, &familiar);
                        if (r < 0)
                                goto finish;
                        r = line_add(&lines, "untagged", familiar);
                        if (r < 0)
                                goto finish;
                }
                r = line_add(&lines, "deleted", image->id);
                if (r < 0)
                        goto finish;
                for (size_t k = 0; k < index.n;)
                        if (streq(index.d[k].digest, image->manifest_digest) ||
                            (index.d[k].ref_name && strv_contains(refs, index.d[k].ref_name)))
                                index_drop(&index, k);
                        else
                                k++;
                changed = true;
        }

        if (changed) {
                r = oci_index_save(s->images_fd, index.d, index.n);
                if (r < 0)
                        goto finish;
                r = gc_locked(s, &freed);
                if (r < 0)
                        log_warning_errno(r, "Cannot collect unused blobs and layers: %m");
        }
        *ret_lines = TAKE_PTR(lines);
        if (ret_freed)
                *ret_freed = freed;
        r = 0;
finish:
        image_list_free(images, n);
        return r;
}
