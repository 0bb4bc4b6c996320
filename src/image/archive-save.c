/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker save / podman save --format oci-archive, written with libarchive as one tar stream to an fd. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "archive-save.h"
#include "fileio.h"
#include "image-config.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "log.h"
#include "oci-layout.h"
#include "reference.h"
#include "strv.h"

#define COPY_BUFFER_SIZE (128U * 1024U)

static const char *const format_table[_IMAGE_ARCHIVE_FORMAT_MAX] = {
        [IMAGE_ARCHIVE_DOCKER] = "docker-archive",
        [IMAGE_ARCHIVE_OCI] = "oci-archive",
};

const char *image_archive_format_to_string(ImageArchiveFormat f) {
        return f >= 0 && f < _IMAGE_ARCHIVE_FORMAT_MAX ? format_table[f] : NULL;
}

ImageArchiveFormat image_archive_format_from_string(const char *s) {
        for (size_t i = 0; s && i < _IMAGE_ARCHIVE_FORMAT_MAX; i++)
                if (streq(s, format_table[i]))
                        return (ImageArchiveFormat)i;
        return _IMAGE_ARCHIVE_FORMAT_INVALID;
}

void save_set_done(SaveSet *s) {
        for (size_t i = 0; i < s->n; i++) {
                free(s->images[i].id);
                free(s->images[i].manifest_digest);
                strv_free(s->images[i].tags);
        }
        free(s->images);
        *s = (SaveSet){};
}

/* Adds the image (once) and tag (normalized, may be NULL) to the set. */
static int save_set_add(SaveSet *s, const Image *add, const char *tag) {
        SaveImage *image = NULL;

        for (size_t i = 0; i < s->n && !image; i++)
                if (streq(s->images[i].manifest_digest, add->manifest_digest))
                        image = &s->images[i];
        if (!image) {
                SaveImage *a = realloc(s->images, (s->n + 1) * sizeof(SaveImage));
                if (!a)
                        return -ENOMEM;
                s->images = a;
                image = &a[s->n];
                *image = (SaveImage){.id = strdup(add->id), .manifest_digest = strdup(add->manifest_digest)};
                s->n++;
                if (!image->id || !image->manifest_digest)
                        return -ENOMEM;
        }
        if (!tag || strv_contains(image->tags, tag))
                return 0;
        return strv_extend(&image->tags, tag);
}

/* "busybox" and "registry:5000/app" name a repository only; "busybox:1.36" and "app@sha256:…" more. */
static bool name_has_tag_or_digest(const char *name) {
        const char *slash = strrchr(name, '/');
        return strchr(name, '@') || strchr(slash ?: name, ':');
}

/* Every tag of the repository of normalized ("docker.io/library/busybox:latest" → all of
 * docker.io/library/busybox); returns how many were added. */
static int add_repository_tags(ImageStore *store, SaveSet *s, const char *normalized) {
        _cleanup_free_ char *repository = NULL;
        Image **images = NULL;
        size_t n = 0;
        int r, added = 0;

        r = reference_split(normalized, &repository, NULL, NULL);
        if (r < 0)
                return r;
        r = image_store_list(store, &images, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n && r >= 0; i++)
                STRV_FOREACH (tag, images[i]->repo_tags) {
                        _cleanup_free_ char *tag_repository = NULL;

                        r = reference_split(*tag, &tag_repository, NULL, NULL);
                        if (r < 0)
                                break;
                        if (!streq(tag_repository, repository))
                                continue;
                        r = save_set_add(s, images[i], *tag);
                        if (r < 0)
                                break;
                        added++;
                }
        image_list_free(images, n);
        return r < 0 ? r : added;
}

static int resolve_one(ImageStore *store, SaveSet *s, const char *name) {
        _cleanup_(image_freep) Image *image = NULL;
        _cleanup_free_ char *normalized = NULL;
        bool named = reference_normalize(name, &normalized) >= 0;
        int r;

        if (named && !name_has_tag_or_digest(name)) {
                r = add_repository_tags(store, s, normalized);
                if (r != 0)
                        return r;
        }
        r = image_store_get(store, name, &image);
        if (r < 0)
                return r;
        /* A tag given goes with the image; a digest or an id names the image only. */
        return save_set_add(
                s,
                image,
                named && !strchr(name, '@') && strv_contains(image->repo_tags, normalized) ? normalized
                                                                                           : NULL);
}

int image_store_resolve_save(ImageStore *store, char **names, SaveSet *ret, const char **ret_bad_name) {
        _cleanup_(save_set_done) SaveSet s = {};
        int r;

        STRV_FOREACH (name, names) {
                r = resolve_one(store, &s, *name);
                if (r < 0) {
                        if (ret_bad_name)
                                *ret_bad_name = *name;
                        return r;
                }
        }
        if (s.n == 0)
                return -EINVAL;
        *ret = s;
        s = (SaveSet){};
        return 0;
}

typedef struct ArchiveWriter {
        struct archive *archive;
        int fd;
        time_t mtime;
        char **written; /* members already in the archive: shared layers and blobs go in once */
} ArchiveWriter;

/* Writes all of buf, also to a non-blocking fd. */
static int write_all(int fd, const void *buf, size_t n) {
        const char *p = buf;

        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct pollfd pfd = {.fd = fd, .events = POLLOUT};
                                if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
                                        return -errno;
                                continue;
                        }
                        return -errno;
                }
                p += k;
                n -= (size_t)k;
        }
        return 0;
}

static la_ssize_t on_archive_write(struct archive *a, void *userdata, const void *buf, size_t n) {
        ArchiveWriter *w = userdata;
        int r = write_all(w->fd, buf, n);

        if (r < 0) {
                archive_set_error(a, -r, "%s", strerror(-r));
                return -1;
        }
        return (la_ssize_t)n;
}

static void archive_writer_done(ArchiveWriter *w) {
        if (w->archive)
                archive_write_free(w->archive);
        strv_free(w->written);
}

static int archive_writer_open(ArchiveWriter *w, int fd, time_t mtime) {
        *w = (ArchiveWriter){.fd = fd, .mtime = mtime};
        w->archive = archive_write_new();
        if (!w->archive)
                return -ENOMEM;
        /* ustar where it suffices, pax headers where it does not (members over 8 GiB). */
        if (archive_write_set_format_pax_restricted(w->archive) != ARCHIVE_OK ||
            archive_write_set_bytes_in_last_block(w->archive, 1) != ARCHIVE_OK ||
            archive_write_open2(w->archive, w, NULL, on_archive_write, NULL, NULL) != ARCHIVE_OK)
                return log_error_errno(
                        EIO, "Cannot start the archive: %s", archive_error_string(w->archive));
        return 0;
}

static int archive_writer_failed(ArchiveWriter *w, const char *path) {
        int e = archive_errno(w->archive);
        return log_error_errno(
                e > 0 ? e : EIO,
                "Cannot write %s to the archive: %s",
                path,
                archive_error_string(w->archive));
}

/* Writes the header of a member; false when it is in the archive already. */
static int write_header(ArchiveWriter *w, const char *path, mode_t type, uint64_t size) {
        struct archive_entry *e;
        int r;

        if (strv_contains(w->written, path))
                return 0;
        r = strv_extend(&w->written, path);
        if (r < 0)
                return r;

        e = archive_entry_new();
        if (!e)
                return -ENOMEM;
        archive_entry_set_pathname(e, path);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
        archive_entry_set_size(e, type == AE_IFDIR ? 0 : (la_int64_t)size);
        archive_entry_set_mtime(e, w->mtime, 0);
        r = archive_write_header(w->archive, e);
        archive_entry_free(e);
        if (r != ARCHIVE_OK)
                return archive_writer_failed(w, path);
        return 1;
}

static int write_directory(ArchiveWriter *w, const char *path) {
        int r = write_header(w, path, AE_IFDIR, 0);
        return r < 0 ? r : 0;
}

static int write_data(ArchiveWriter *w, const char *path, const void *data, size_t size) {
        int r = write_header(w, path, AE_IFREG, size);
        if (r <= 0)
                return r;
        if (size > 0 && archive_write_data(w->archive, data, size) != (la_ssize_t)size)
                return archive_writer_failed(w, path);
        return 0;
}

static int write_json(ArchiveWriter *w, const char *path, const cJSON *o) {
        _cleanup_free_ char *text = cJSON_PrintUnformatted(o);
        if (!text)
                return -ENOMEM;
        return write_data(w, path, text, strlen(text));
}

/* Copies the file at fd (from offset 0) into the archive as path; its bytes must hash to digest. */
static int write_file(ArchiveWriter *w, const char *path, int fd, const char *digest) {
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        _cleanup_free_ char *buf = NULL;
        char actual[DIGEST_STRING_LEN + 1];
        uint64_t left;
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return -errno;
        r = write_header(w, path, AE_IFREG, (uint64_t)st.st_size);
        if (r <= 0)
                return r;
        buf = malloc(COPY_BUFFER_SIZE);
        r = sha256_new(&h);
        if (r < 0 || !buf)
                return -ENOMEM;

        for (left = (uint64_t)st.st_size; left > 0;) {
                ssize_t k = pread(fd, buf, MIN(left, (uint64_t)COPY_BUFFER_SIZE), st.st_size - (off_t)left);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k < 0)
                        return log_error_errno(errno, "Cannot read %s: %m", digest);
                if (k == 0)
                        return log_error_errno(EIO, "Blob %s became shorter while it was saved.", digest);
                r = sha256_update(h, buf, (size_t)k);
                if (r < 0)
                        return r;
                if (archive_write_data(w->archive, buf, (size_t)k) != k)
                        return archive_writer_failed(w, path);
                left -= (uint64_t)k;
        }
        r = sha256_final(h, actual);
        if (r < 0)
                return r;
        if (!streq(actual, digest))
                return log_error_errno(EBADMSG, "Blob %s in the store does not match its digest.", digest);
        return 0;
}

static int open_blob(ImageStore *store, const char *digest, int *ret_fd) {
        int fd = oci_blob_open(store->images_fd, digest);
        if (fd < 0)
                return log_error_errno(fd, "Cannot open blob %s of the store: %m", digest);
        *ret_fd = fd;
        return 0;
}

/* One image of the set, read back from the store. */
typedef struct SavedImage {
        char *manifest;
        size_t manifest_size;
        OciManifest *parsed;
        char *config;
        size_t config_size;
        char **diff_ids;
        ImageConfig config_fields;
} SavedImage;

static void saved_image_done(SavedImage *i) {
        free(i->manifest);
        oci_manifest_free(i->parsed);
        free(i->config);
        strv_free(i->diff_ids);
        image_config_done(&i->config_fields);
}

static int saved_image_read(ImageStore *store, const char *manifest_digest, SavedImage *ret) {
        _cleanup_(saved_image_done) SavedImage i = {};
        int r;

        r = oci_blob_read(
                store->images_fd, manifest_digest, IMAGE_JSON_SIZE_MAX, &i.manifest, &i.manifest_size);
        if (r < 0)
                return log_error_errno(r, "Cannot read manifest %s from the store: %m", manifest_digest);
        r = oci_manifest_parse(i.manifest, i.manifest_size, &i.parsed);
        if (r < 0)
                return log_error_errno(r, "Manifest %s in the store is not valid: %m", manifest_digest);
        r = oci_blob_read(
                store->images_fd, i.parsed->config_digest, IMAGE_JSON_SIZE_MAX, &i.config, &i.config_size);
        if (r < 0)
                return log_error_errno(
                        r, "Cannot read config %s from the store: %m", i.parsed->config_digest);
        r = image_config_parse(i.config, i.config_size, &i.config_fields, &i.diff_ids);
        if (r < 0)
                return log_error_errno(
                        r, "Config %s in the store is not valid: %m", i.parsed->config_digest);
        if (strv_length(i.diff_ids) != i.parsed->n_layers)
                return log_error_errno(
                        EBADMSG, "Manifest %s and its config disagree on the layers.", manifest_digest);
        *ret = i;
        i = (SavedImage){};
        return 0;
}

/* The layer as the uncompressed tar a Docker archive holds: the stored blob when it is one, else the blob
 * decompressed into an unlinked file of the staging directory (a tar header needs the size first). */
static int open_layer_tar(ImageStore *store, const char *blob_digest, const char *diff_id, int *ret_fd) {
        _cleanup_close_ int blob_fd = -EBADF, tar_fd = -EBADF;
        _cleanup_free_ char *name = NULL;
        char actual[DIGEST_STRING_LEN + 1];
        static unsigned counter = 0;
        int r;

        r = open_blob(store, blob_digest, &blob_fd);
        if (r < 0)
                return r;
        if (streq(blob_digest, diff_id)) {
                *ret_fd = TAKE_FD(blob_fd);
                return 0;
        }

        if (asprintf(&name, "save-%d-%u", (int)getpid(), counter++) < 0)
                return -ENOMEM;
        tar_fd = openat(store->staging_fd, name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (tar_fd < 0)
                return log_error_errno(errno, "Cannot make a temporary file for layer %s: %m", diff_id);
        (void)unlinkat(store->staging_fd, name, 0);
        r = layer_diff_id(blob_fd, tar_fd, &store->layer_limits, actual);
        if (r < 0)
                return log_error_errno(r, "Cannot decompress layer %s: %m", blob_digest);
        if (!streq(actual, diff_id))
                return log_error_errno(
                        EBADMSG, "Layer %s does not match its DiffID %s.", blob_digest, diff_id);
        *ret_fd = TAKE_FD(tar_fd);
        return 0;
}

static int
write_docker_layer(ArchiveWriter *w, ImageStore *store, const char *blob_digest, const char *diff_id) {
        _cleanup_free_ char *dir = NULL, *version = NULL, *tar = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&dir, "%s/", digest_hex(diff_id)) < 0 ||
            asprintf(&version, "%s/VERSION", digest_hex(diff_id)) < 0 ||
            asprintf(&tar, "%s/layer.tar", digest_hex(diff_id)) < 0)
                return -ENOMEM;
        if (strv_contains(w->written, tar))
                return 0;
        r = open_layer_tar(store, blob_digest, diff_id, &fd);
        if (r < 0)
                return r;
        if ((r = write_directory(w, dir)) < 0 || (r = write_data(w, version, "1.0", 3)) < 0)
                return r;
        return write_file(w, tar, fd, diff_id);
}

/* manifest.json entry and repositories entries of one image (familiar names, as docker save). */
static int docker_describe(const SaveImage *s, const SavedImage *i, cJSON *manifest, cJSON *repositories) {
        cJSON *entry = cJSON_CreateObject(), *tags, *layers;
        _cleanup_free_ char *config = NULL;
        const char *top = digest_hex(i->diff_ids[i->parsed->n_layers - 1]);

        if (!entry)
                return -ENOMEM;
        cJSON_AddItemToArray(manifest, entry);
        if (asprintf(&config, "%s.json", digest_hex(i->parsed->config_digest)) < 0 ||
            !cJSON_AddStringToObject(entry, "Config", config))
                return -ENOMEM;
        tags = s->tags ? cJSON_AddArrayToObject(entry, "RepoTags")
                       : cJSON_AddNullToObject(entry, "RepoTags");
        layers = cJSON_AddArrayToObject(entry, "Layers");
        if (!tags || !layers)
                return -ENOMEM;

        STRV_FOREACH (t, s->tags) {
                _cleanup_free_ char *familiar = NULL, *repository = NULL, *tag = NULL;
                cJSON *repo;
                int r;

                if ((r = reference_familiar(*t, &familiar)) < 0 ||
                    (r = reference_split(familiar, &repository, &tag, NULL)) < 0)
                        return r;
                if (!cJSON_AddItemToArray(tags, cJSON_CreateString(familiar)))
                        return -ENOMEM;
                repo = cJSON_GetObjectItemCaseSensitive(repositories, repository)
                               ?: cJSON_AddObjectToObject(repositories, repository);
                if (!repo || !tag)
                        return -ENOMEM;
                cJSON_DeleteItemFromObjectCaseSensitive(repo, tag);
                if (!cJSON_AddStringToObject(repo, tag, top))
                        return -ENOMEM;
        }
        for (size_t l = 0; l < i->parsed->n_layers; l++) {
                _cleanup_free_ char *path = NULL;
                if (asprintf(&path, "%s/layer.tar", digest_hex(i->diff_ids[l])) < 0 ||
                    !cJSON_AddItemToArray(layers, cJSON_CreateString(path)))
                        return -ENOMEM;
        }
        return 0;
}

static int write_docker_image(
        ArchiveWriter *w,
        ImageStore *store,
        const SaveImage *s,
        const SavedImage *i,
        cJSON *manifest,
        cJSON *repositories) {
        _cleanup_free_ char *config = NULL;
        int r;

        for (size_t l = 0; l < i->parsed->n_layers; l++) {
                r = write_docker_layer(w, store, i->parsed->layer_digests[l], i->diff_ids[l]);
                if (r < 0)
                        return r;
        }
        if (asprintf(&config, "%s.json", digest_hex(i->parsed->config_digest)) < 0)
                return -ENOMEM;
        r = write_data(w, config, i->config, i->config_size);
        if (r < 0)
                return r;
        return docker_describe(s, i, manifest, repositories);
}

static int write_oci_blob(ArchiveWriter *w, ImageStore *store, const char *digest) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        if (asprintf(&path, "blobs/sha256/%s", digest_hex(digest)) < 0)
                return -ENOMEM;
        if (strv_contains(w->written, path))
                return 0;
        r = open_blob(store, digest, &fd);
        if (r < 0)
                return r;
        return write_file(w, path, fd, digest);
}

/* The index.json entries of one image: one per tag, with the names containerd and the OCI spec use; one
 * without names when it has no tag. */
static int oci_describe(const SaveImage *s, const SavedImage *i, cJSON *manifests) {
        _cleanup_json_ cJSON *parsed = cJSON_ParseWithLength(i->manifest, i->manifest_size);
        const char *media_type = json_get_string(parsed, "mediaType") ?: MEDIA_TYPE_OCI_MANIFEST;
        size_t n = MAX(strv_length(s->tags), 1U);

        for (size_t t = 0; t < n; t++) {
                cJSON *d = cJSON_CreateObject(), *annotations;
                _cleanup_free_ char *tag = NULL;
                int r;

                if (!d)
                        return -ENOMEM;
                cJSON_AddItemToArray(manifests, d);
                if (!cJSON_AddStringToObject(d, "mediaType", media_type) ||
                    !cJSON_AddStringToObject(d, "digest", s->manifest_digest) ||
                    !cJSON_AddNumberToObject(d, "size", (double)i->manifest_size))
                        return -ENOMEM;
                if (!s->tags)
                        continue;
                r = reference_split(s->tags[t], NULL, &tag, NULL);
                if (r < 0)
                        return r;
                annotations = cJSON_AddObjectToObject(d, "annotations");
                if (!annotations || !tag ||
                    !cJSON_AddStringToObject(annotations, ANNOTATION_CONTAINERD_NAME, s->tags[t]) ||
                    !cJSON_AddStringToObject(annotations, ANNOTATION_REF_NAME, tag))
                        return -ENOMEM;
        }
        return 0;
}

static int write_oci_image(
        ArchiveWriter *w, ImageStore *store, const SaveImage *s, const SavedImage *i, cJSON *manifests) {
        int r;

        for (size_t l = 0; l < i->parsed->n_layers; l++) {
                r = write_oci_blob(w, store, i->parsed->layer_digests[l]);
                if (r < 0)
                        return r;
        }
        if ((r = write_oci_blob(w, store, i->parsed->config_digest)) < 0 ||
            (r = write_oci_blob(w, store, s->manifest_digest)) < 0)
                return r;
        return oci_describe(s, i, manifests);
}

int image_store_write_archive(ImageStore *store, const SaveSet *set, ImageArchiveFormat format, int fd) {
        _cleanup_(archive_writer_done) ArchiveWriter w = {};
        _cleanup_json_ cJSON *manifest = cJSON_CreateArray(), *repositories = cJSON_CreateObject(),
                             *index = cJSON_CreateObject();
        SavedImage *images = NULL;
        uint64_t newest = 0;
        cJSON *manifests = NULL;
        int r;

        if (!manifest || !repositories || !index)
                return -ENOMEM;
        images = calloc(set->n, sizeof(SavedImage));
        if (!images)
                return -ENOMEM;
        for (size_t i = 0; i < set->n; i++) {
                r = saved_image_read(store, set->images[i].manifest_digest, &images[i]);
                if (r < 0)
                        goto finish;
                newest = MAX(newest, images[i].config_fields.created_usec);
        }

        /* Members carry the newest image's creation time: the same images give the same bytes. */
        r = archive_writer_open(&w, fd, (time_t)(newest / 1000000U));
        if (r < 0)
                goto finish;

        if (format == IMAGE_ARCHIVE_OCI) {
                r = write_data(&w, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
                if (r >= 0)
                        r = write_directory(&w, "blobs/");
                if (r >= 0)
                        r = write_directory(&w, "blobs/sha256/");
                if (r >= 0 && (!cJSON_AddNumberToObject(index, "schemaVersion", 2) ||
                               !cJSON_AddStringToObject(index, "mediaType", MEDIA_TYPE_OCI_INDEX) ||
                               !(manifests = cJSON_AddArrayToObject(index, "manifests"))))
                        r = -ENOMEM;
                for (size_t i = 0; i < set->n && r >= 0; i++)
                        r = write_oci_image(&w, store, &set->images[i], &images[i], manifests);
                if (r >= 0)
                        r = write_json(&w, "index.json", index);
        } else {
                r = 0;
                for (size_t i = 0; i < set->n && r >= 0; i++)
                        r = write_docker_image(
                                &w, store, &set->images[i], &images[i], manifest, repositories);
                if (r >= 0)
                        r = write_json(&w, "manifest.json", manifest);
                if (r >= 0)
                        r = write_json(&w, "repositories", repositories);
        }
        if (r >= 0 && archive_write_close(w.archive) != ARCHIVE_OK)
                r = archive_writer_failed(&w, "the end");
finish:
        for (size_t i = 0; i < set->n; i++)
                saved_image_done(&images[i]);
        free(images);
        return r;
}
