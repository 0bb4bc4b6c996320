/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker load: a Docker archive (manifest.json + config + layer tars) or an OCI archive (oci-layout,
 * index.json, blobs/sha256/…), possibly compressed, read once from an fd that may be a pipe. Every
 * file is spooled into the transaction directory, hashed on the way, before anything is interpreted:
 * the order of members in the archive is not ours to choose. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"
#include "image-config.h"
#include "image-store-internal.h"
#include "log.h"
#include "reference.h"
#include "strv.h"
#include "tar-reader.h"

#define LINK_HOPS_MAX 8

typedef struct ArchiveFile {
        char *path;   /* normalized path inside the archive */
        char *file;   /* spooled copy in the transaction directory, NULL for links */
        char *target; /* normalized link target, for symlinks and hard links */
        char digest[DIGEST_STRING_LEN + 1];
        uint64_t size;
} ArchiveFile;

typedef struct ArchiveContents {
        ArchiveFile *files;
        size_t n;
} ArchiveContents;

static void archive_contents_done(ArchiveContents *c) {
        for (size_t i = 0; i < c->n; i++) {
                free(c->files[i].path);
                free(c->files[i].file);
                free(c->files[i].target);
        }
        free(c->files);
        *c = (ArchiveContents){};
}

/* Lexically resolves p (relative to the directory base, which may be NULL) to "a/b/c". */
static int archive_path_normalize(const char *base, const char *p, char **ret) {
        int r = tar_path_clean(base, p, false, ret);
        return r == -EPERM ? -EBADMSG : r;
}

static const ArchiveFile *archive_lookup(const ArchiveContents *c, const char *path) {
        _cleanup_free_ char *want = NULL;

        if (archive_path_normalize(NULL, path, &want) < 0)
                return NULL;
        for (unsigned hops = 0; hops <= LINK_HOPS_MAX; hops++) {
                const ArchiveFile *f = NULL;
                for (size_t i = 0; i < c->n && !f; i++)
                        if (streq(c->files[i].path, want))
                                f = &c->files[i];
                if (!f || f->file)
                        return f;
                free(want);
                want = strdup(f->target);
                if (!want)
                        return NULL;
        }
        return NULL;
}

static int spool_entry(Transaction *t, struct archive *a, ArchiveFile *f, uint64_t *budget) {
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = transaction_new_file(t, &f->file, &fd);
        if (r < 0)
                return r;
        r = tar_copy_hashed(a, fd, budget, &f->size, f->digest);
        if (r == -EBADMSG)
                return log_error_errno(
                        r, "Cannot read archive member %s: %s", f->path, archive_error_string(a));
        if (r == -EFBIG)
                return log_error_errno(r, "Archive is larger than the limit.");
        return r;
}

static int spool_archive(Transaction *t, int fd, ArchiveContents *c) {
        _cleanup_(archive_read_freep) struct archive *a = tar_reader_new(false);
        uint64_t budget = t->store->archive_size_max;
        int r;

        if (!a)
                return -ENOMEM;
        if (archive_read_open_fd(a, fd, TAR_READ_BLOCK_SIZE) != ARCHIVE_OK)
                return log_error_errno(EBADMSG, "Cannot read archive: %s", archive_error_string(a));

        for (;;) {
                struct archive_entry *e;
                ArchiveFile *f;
                _cleanup_free_ char *dir = NULL;

                r = archive_read_next_header(a, &e);
                if (r == ARCHIVE_EOF)
                        return 0;
                if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
                        return log_error_errno(
                                EBADMSG, "Not a valid image archive: %s", archive_error_string(a));
                if (archive_entry_filetype(e) != AE_IFREG && archive_entry_filetype(e) != AE_IFLNK &&
                    !archive_entry_hardlink(e))
                        continue;
                if (c->n >= IMAGE_ARCHIVE_ENTRIES_MAX)
                        return log_error_errno(
                                E2BIG, "Archive has more than %u files.", IMAGE_ARCHIVE_ENTRIES_MAX);

                f = realloc(c->files, (c->n + 1) * sizeof(ArchiveFile));
                if (!f)
                        return -ENOMEM;
                c->files = f;
                f = &c->files[c->n++];
                *f = (ArchiveFile){};

                r = archive_path_normalize(NULL, archive_entry_pathname(e), &f->path);
                if (r < 0)
                        return log_error_errno(r, "Archive member with a bad name.");
                if (archive_entry_hardlink(e))
                        r = archive_path_normalize(NULL, archive_entry_hardlink(e), &f->target);
                else if (archive_entry_filetype(e) == AE_IFLNK) {
                        /* Old docker save links identical layer.tar files to each other. */
                        const char *slash = strrchr(f->path, '/');
                        dir = slash ? strndup(f->path, (size_t)(slash - f->path)) : strdup("");
                        if (!dir)
                                return -ENOMEM;
                        r = archive_path_normalize(dir, archive_entry_symlink(e), &f->target);
                } else
                        r = spool_entry(t, a, f, &budget);
                if (r < 0)
                        return r;
        }
}

static int read_member(Transaction *t, const ArchiveFile *f, char **ret, size_t *ret_size) {
        int r = read_full_file_at(t->dir_fd, f->file, IMAGE_JSON_SIZE_MAX, ret, ret_size);
        if (r == -EFBIG)
                return log_error_errno(r, "%s is larger than %u bytes.", f->path, IMAGE_JSON_SIZE_MAX);
        return r;
}

static int loaded_add(char ***loaded, char *const *tags, const char *id) {
        int r;

        if (strv_length(tags) == 0)
                return strv_contains(*loaded, id) ? 0 : strv_extend(loaded, id);
        for (size_t i = 0; tags[i]; i++) {
                char *familiar = NULL;
                r = reference_familiar(tags[i], &familiar);
                if (r < 0)
                        return r;
                if (strv_contains(*loaded, familiar)) {
                        free(familiar);
                        continue;
                }
                r = strv_consume(loaded, familiar);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Stages one layer blob whose bytes are in f: checks the DiffID, unpacks it. With uncompressed_blob the
 * blob stored is the uncompressed tar (its digest is the DiffID), as our generated manifests say. */
static int stage_layer(
        Transaction *t,
        const ArchiveFile *f,
        const char *blob_digest,
        const char *diff_id,
        const char *chain_id,
        bool uncompressed_blob,
        uint64_t *ret_blob_size) {
        _cleanup_close_ int fd = -EBADF, tar_fd = -EBADF;
        _cleanup_free_ char *tar_file = NULL;
        char actual[DIGEST_STRING_LEN + 1];
        struct stat st;
        int r;

        fd = openat(t->dir_fd, f->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;

        if (streq(f->digest, diff_id)) {
                /* An uncompressed tar: its digest, verified while spooling, is the DiffID. */
                r = transaction_add_blob_file(t, f->file, diff_id);
                if (r < 0)
                        return r;
                *ret_blob_size = f->size;
                return transaction_add_layer(t, fd, diff_id, chain_id);
        }

        if (uncompressed_blob) {
                r = transaction_new_file(t, &tar_file, &tar_fd);
                if (r < 0)
                        return r;
        }
        r = layer_diff_id(fd, tar_fd, &t->store->layer_limits, actual);
        if (r < 0)
                return log_error_errno(r, "Cannot read layer %s: %m", f->path);
        if (!streq(actual, diff_id))
                return log_error_errno(EBADMSG, "Layer %s does not match its digest %s.", f->path, diff_id);

        if (uncompressed_blob) {
                if (fstat(tar_fd, &st) < 0)
                        return -errno;
                *ret_blob_size = (uint64_t)st.st_size;
                r = transaction_add_blob_file(t, tar_file, diff_id);
        } else {
                *ret_blob_size = f->size;
                r = transaction_add_blob_file(t, f->file, blob_digest);
        }
        if (r < 0)
                return r;
        return transaction_add_layer(t, fd, diff_id, chain_id);
}

static int normalize_tags(char *const *tags, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        for (size_t i = 0; tags && tags[i]; i++) {
                char *n = NULL;
                r = reference_normalize(tags[i], &n);
                if (r < 0)
                        return log_error_errno(r, "Invalid image name \"%s\" in archive.", tags[i]);
                r = strv_consume(&l, n);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int load_docker_entry(
        Transaction *t, const ArchiveContents *c, const DockerManifestEntry *entry, char ***loaded) {
        _cleanup_strv_free_ char **diff_ids = NULL, **tags = NULL;
        _cleanup_free_ char *config = NULL;
        _cleanup_free_ uint64_t *sizes = NULL;
        char chain[DIGEST_STRING_LEN + 1];
        const ArchiveFile *cf;
        size_t config_size, n;
        int r;

        cf = archive_lookup(c, entry->config);
        if (!cf)
                return log_error_errno(
                        EBADMSG, "manifest.json refers to %s, which is not in the archive.", entry->config);
        r = read_member(t, cf, &config, &config_size);
        if (r < 0)
                return r;
        r = image_config_parse(config, config_size, NULL, &diff_ids);
        if (r < 0)
                return log_error_errno(r, "Invalid image config %s.", entry->config);
        n = strv_length(diff_ids);
        if (strv_length(entry->layers) != n)
                return log_error_errno(
                        EBADMSG,
                        "Image config %s lists %zu layers, manifest.json %zu.",
                        entry->config,
                        n,
                        strv_length(entry->layers));
        r = normalize_tags(entry->repo_tags, &tags);
        if (r < 0)
                return r;

        sizes = calloc(n, sizeof(uint64_t));
        if (!sizes)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const ArchiveFile *lf = archive_lookup(c, entry->layers[i]);
                if (!lf)
                        return log_error_errno(
                                EBADMSG,
                                "manifest.json refers to layer %s, which is not in the archive.",
                                entry->layers[i]);
                r = chain_id_next(i == 0 ? NULL : chain, diff_ids[i], chain);
                if (r < 0)
                        return r;
                r = stage_layer(t, lf, NULL, diff_ids[i], chain, true, &sizes[i]);
                if (r < 0)
                        return r;
        }

        r = transaction_add_blob_file(t, cf->file, cf->digest);
        if (r < 0)
                return r;
        /* docker save has no OCI manifest: write one, so that the store stays a valid OCI layout. */
        r = transaction_add_image_manifest(t, cf->digest, cf->size, diff_ids, sizes, n, tags);
        if (r < 0)
                return r;
        return loaded_add(loaded, tags, cf->digest);
}

static int
load_docker(Transaction *t, const ArchiveContents *c, const ArchiveFile *manifest_json, char ***loaded) {
        _cleanup_free_ char *data = NULL;
        DockerManifestEntry *entries = NULL;
        size_t size, n = 0;
        int r;

        r = read_member(t, manifest_json, &data, &size);
        if (r < 0)
                return r;
        r = docker_manifest_parse(data, size, &entries, &n);
        if (r < 0)
                return log_error_errno(r, "Invalid manifest.json in archive.");
        for (size_t i = 0; i < n && r >= 0; i++)
                r = load_docker_entry(t, c, &entries[i], loaded);
        docker_manifest_entries_free(entries, n);
        return r;
}

static int oci_archive_blob(const ArchiveContents *c, const char *digest, const ArchiveFile **ret) {
        _cleanup_free_ char *path = NULL;
        const ArchiveFile *f;

        if (asprintf(&path, "blobs/sha256/%s", digest_hex(digest)) < 0)
                return -ENOMEM;
        f = archive_lookup(c, path);
        if (!f)
                return log_error_errno(EBADMSG, "Blob %s is not in the archive.", digest);
        if (!streq(f->digest, digest))
                return log_error_errno(EBADMSG, "Blob %s does not match its digest.", digest);
        *ret = f;
        return 0;
}

static int load_oci_manifest(
        Transaction *t,
        const ArchiveContents *c,
        const char *manifest_digest,
        char *const *tags,
        char ***loaded) {
        _cleanup_(oci_manifest_freep) OciManifest *m = NULL;
        _cleanup_strv_free_ char **diff_ids = NULL;
        _cleanup_free_ char *data = NULL, *config = NULL;
        const ArchiveFile *mf, *cf;
        char chain[DIGEST_STRING_LEN + 1];
        size_t size;
        int r;

        r = oci_archive_blob(c, manifest_digest, &mf);
        if (r < 0)
                return r;
        r = read_member(t, mf, &data, &size);
        if (r < 0)
                return r;
        r = oci_manifest_parse(data, size, &m);
        if (r < 0)
                return log_error_errno(r, "Invalid image manifest %s.", manifest_digest);
        r = oci_archive_blob(c, m->config_digest, &cf);
        if (r < 0)
                return r;
        r = read_member(t, cf, &config, &size);
        if (r < 0)
                return r;
        r = image_config_parse(config, size, NULL, &diff_ids);
        if (r < 0)
                return log_error_errno(r, "Invalid image config %s.", m->config_digest);
        if (strv_length(diff_ids) != m->n_layers)
                return log_error_errno(
                        EBADMSG,
                        "Image config %s lists %zu layers, its manifest %zu.",
                        m->config_digest,
                        strv_length(diff_ids),
                        m->n_layers);

        for (size_t i = 0; i < m->n_layers; i++) {
                const ArchiveFile *lf;
                uint64_t blob_size;

                r = oci_archive_blob(c, m->layer_digests[i], &lf);
                if (r < 0)
                        return r;
                r = chain_id_next(i == 0 ? NULL : chain, diff_ids[i], chain);
                if (r < 0)
                        return r;
                r = stage_layer(t, lf, m->layer_digests[i], diff_ids[i], chain, false, &blob_size);
                if (r < 0)
                        return r;
        }
        if ((r = transaction_add_blob_file(t, cf->file, cf->digest)) < 0 ||
            (r = transaction_add_blob_file(t, mf->file, mf->digest)) < 0 ||
            (r = transaction_add_image(t, mf->digest, mf->size, tags)) < 0)
                return r;
        return loaded_add(loaded, tags, cf->digest);
}

static const char *host_architecture(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#else
        return "";
#endif
}

/* A multi-platform index in the archive: the manifest for this machine. */
static int pick_platform(Transaction *t, const ArchiveContents *c, const char *index_digest, char **ret) {
        _cleanup_free_ char *data = NULL;
        const ArchiveFile *f;
        OciDescriptor *d = NULL;
        size_t size, n = 0;
        int r;

        r = oci_archive_blob(c, index_digest, &f);
        if (r < 0)
                return r;
        r = read_member(t, f, &data, &size);
        if (r < 0)
                return r;
        r = oci_index_parse(data, size, &d, &n);
        if (r < 0)
                return log_error_errno(r, "Invalid image index %s.", index_digest);
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++)
                if (streq_ptr(d[i].platform_os, "linux") &&
                    streq_ptr(d[i].platform_architecture, host_architecture())) {
                        *ret = strdup(d[i].digest);
                        r = *ret ? 0 : -ENOMEM;
                }
        oci_descriptors_free(d, n);
        if (r == -ENOENT)
                return log_error_errno(
                        r, "Image index %s has no image for linux/%s.", index_digest, host_architecture());
        return r;
}

static int
load_oci(Transaction *t, const ArchiveContents *c, const ArchiveFile *index_json, char ***loaded) {
        _cleanup_free_ char *data = NULL;
        OciDescriptor *d = NULL;
        size_t size, n = 0;
        int r;

        r = read_member(t, index_json, &data, &size);
        if (r < 0)
                return r;
        r = oci_index_parse(data, size, &d, &n);
        if (r < 0)
                return log_error_errno(r, "Invalid index.json in archive.");
        if (n == 0)
                r = log_error_errno(EBADMSG, "index.json in archive lists no image.");

        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_strv_free_ char **tags = NULL;
                _cleanup_free_ char *manifest = NULL;
                /* ref.name is often a bare tag ("latest") that names no repository: such an image
                 * loads untagged unless io.containerd.image.name gives the full name. */
                const char *name =
                        d[i].image_name
                                ?: (d[i].ref_name && strpbrk(d[i].ref_name, "/:") ? d[i].ref_name : NULL);

                if (name) {
                        char *normalized = NULL;
                        r = reference_normalize(name, &normalized);
                        if (r < 0) {
                                r = log_error_errno(r, "Invalid image name \"%s\" in index.json.", name);
                                break;
                        }
                        r = strv_consume(&tags, normalized);
                        if (r < 0)
                                break;
                }
                if (streq_ptr(d[i].media_type, MEDIA_TYPE_OCI_INDEX) ||
                    streq_ptr(d[i].media_type, MEDIA_TYPE_DOCKER_MANIFEST_LIST)) {
                        r = pick_platform(t, c, d[i].digest, &manifest);
                        if (r < 0)
                                break;
                }
                r = load_oci_manifest(t, c, manifest ?: d[i].digest, tags, loaded);
        }
        oci_descriptors_free(d, n);
        return r;
}

int image_store_load_archive(ImageStore *store, int fd, char ***ret_loaded) {
        _cleanup_(transaction_freep) Transaction *t = NULL;
        _cleanup_(archive_contents_done) ArchiveContents c = {};
        _cleanup_strv_free_ char **loaded = NULL;
        const ArchiveFile *f;
        int r;

        r = transaction_begin(store, &t);
        if (r < 0)
                return log_error_errno(r, "Cannot stage the archive: %m");
        r = spool_archive(t, fd, &c);
        if (r < 0)
                return r;

        /* Docker ≥ 25 writes both; its manifest.json is the one that names the tags. */
        if ((f = archive_lookup(&c, "manifest.json")))
                r = load_docker(t, &c, f, &loaded);
        else if ((f = archive_lookup(&c, "index.json")))
                r = load_oci(t, &c, f, &loaded);
        else
                r = log_error_errno(
                        EBADMSG,
                        "Archive is neither a Docker nor an OCI image archive (no manifest.json, no "
                        "index.json).");
        if (r < 0)
                return r;

        r = transaction_commit(t);
        if (r < 0)
                return log_error_errno(r, "Cannot commit the loaded images: %m");
        if (ret_loaded)
                *ret_loaded = TAKE_PTR(loaded);
        return 0;
}
