/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"
#include "fileio.h"
#include "json-util.h"
#include "oci-layout.h"

#define OCI_LAYOUT_FILE "oci-layout"
#define OCI_LAYOUT_CONTENT "{\"imageLayoutVersion\":\"1.0.0\"}"
#define INDEX_FILE "index.json"
#define EMPTY_INDEX "{\"schemaVersion\":2,\"manifests\":[]}"

static int blob_path(const char *digest, char ret[static sizeof("blobs/sha256/") + SHA256_HEX_LEN]) {
        const char *hex = digest_hex(digest);
        if (!hex)
                return -EINVAL;
        snprintf(ret, sizeof("blobs/sha256/") + SHA256_HEX_LEN, "blobs/sha256/%s", hex);
        return 0;
}

static int write_if_missing(int dir_fd, const char *name, const char *content) {
        if (faccessat(dir_fd, name, F_OK, AT_SYMLINK_NOFOLLOW) >= 0)
                return 0;
        if (errno != ENOENT)
                return -errno;
        return write_file_atomic_at(dir_fd, name, content, strlen(content), 0644);
}

int oci_layout_init(int images_fd) {
        int r;

        if (mkdirat(images_fd, "blobs", 0755) < 0 && errno != EEXIST)
                return -errno;
        if (mkdirat(images_fd, "blobs/sha256", 0755) < 0 && errno != EEXIST)
                return -errno;
        r = write_if_missing(images_fd, OCI_LAYOUT_FILE, OCI_LAYOUT_CONTENT);
        if (r < 0)
                return r;
        return write_if_missing(images_fd, INDEX_FILE, EMPTY_INDEX);
}

int oci_blob_read(int images_fd, const char *digest, size_t max_size, char **ret, size_t *ret_size) {
        char path[sizeof("blobs/sha256/") + SHA256_HEX_LEN], actual[DIGEST_STRING_LEN + 1];
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = blob_path(digest, path);
        if (r < 0)
                return r;
        r = read_full_file_at(images_fd, path, max_size, &data, &size);
        if (r < 0)
                return r;
        r = sha256_digest(data, size, actual);
        if (r < 0)
                return r;
        if (!streq(actual, digest))
                return -EBADMSG;
        *ret = TAKE_PTR(data);
        if (ret_size)
                *ret_size = size;
        return 0;
}

int oci_blob_open(int images_fd, const char *digest) {
        char path[sizeof("blobs/sha256/") + SHA256_HEX_LEN];
        int fd, r;

        r = blob_path(digest, path);
        if (r < 0)
                return r;
        fd = openat(images_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        return fd < 0 ? -errno : fd;
}

int oci_blob_commit(int from_dir_fd, const char *from_name, int images_fd, const char *digest) {
        char path[sizeof("blobs/sha256/") + SHA256_HEX_LEN];
        int r = blob_path(digest, path);
        if (r < 0)
                return r;
        /* Content-addressed: an existing blob of that name already has these bytes. */
        if (renameat2(from_dir_fd, from_name, images_fd, path, RENAME_NOREPLACE) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

int oci_index_load(int images_fd, OciDescriptor **ret, size_t *ret_n) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_full_file_at(images_fd, INDEX_FILE, IMAGE_JSON_SIZE_MAX, &data, &size);
        if (r < 0)
                return r;
        return oci_index_parse(data, size, ret, ret_n);
}

int oci_index_save(int images_fd, const OciDescriptor *d, size_t n) {
        _cleanup_json_ cJSON *root = cJSON_CreateObject();
        cJSON *manifests;

        if (!root || !cJSON_AddNumberToObject(root, "schemaVersion", 2) ||
            !cJSON_AddStringToObject(root, "mediaType", MEDIA_TYPE_OCI_INDEX) ||
            !(manifests = cJSON_AddArrayToObject(root, "manifests")))
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                cJSON *m = cJSON_CreateObject(), *annotations;
                if (!m)
                        return -ENOMEM;
                cJSON_AddItemToArray(manifests, m);
                if (!cJSON_AddStringToObject(m, "mediaType", d[i].media_type ?: MEDIA_TYPE_OCI_MANIFEST) ||
                    !cJSON_AddStringToObject(m, "digest", d[i].digest) ||
                    !cJSON_AddNumberToObject(m, "size", (double)d[i].size))
                        return -ENOMEM;
                if (d[i].ref_name) {
                        annotations = cJSON_AddObjectToObject(m, "annotations");
                        if (!annotations ||
                            !cJSON_AddStringToObject(annotations, ANNOTATION_REF_NAME, d[i].ref_name))
                                return -ENOMEM;
                }
        }
        return json_write_file_atomic_at(images_fd, INDEX_FILE, root);
}

static bool index_references(const OciDescriptor *d, size_t n, const char *digest) {
        for (size_t i = 0; i < n; i++)
                if (streq(d[i].digest, digest))
                        return true;
        return false;
}

static void index_remove(OciDescriptor *d, size_t *n, size_t i) {
        oci_descriptor_done(&d[i]);
        memmove(d + i, d + i + 1, (*n - i - 1) * sizeof(OciDescriptor));
        (*n)--;
}

static int
index_append(OciDescriptor **d, size_t *n, const char *digest, uint64_t size, const char *ref_name) {
        OciDescriptor *nd = realloc(*d, (*n + 1) * sizeof(OciDescriptor));
        if (!nd)
                return -ENOMEM;
        *d = nd;
        nd[*n] = (OciDescriptor){.size = size};
        nd[*n].digest = strdup(digest);
        nd[*n].media_type = strdup(MEDIA_TYPE_OCI_MANIFEST);
        nd[*n].ref_name = ref_name ? strdup(ref_name) : NULL;
        (*n)++;
        if (!nd[*n - 1].digest || !nd[*n - 1].media_type || (ref_name && !nd[*n - 1].ref_name))
                return -ENOMEM;
        return 0;
}

int oci_index_add(
        OciDescriptor **d,
        size_t *n,
        const char *manifest_digest,
        uint64_t manifest_size,
        char *const *tags) {
        int r;

        for (size_t t = 0; tags && tags[t]; t++) {
                _cleanup_free_ char *previous = NULL;
                uint64_t previous_size = 0;

                for (size_t i = 0; i < *n; i++) {
                        if (!streq_ptr((*d)[i].ref_name, tags[t]))
                                continue;
                        if (!streq((*d)[i].digest, manifest_digest)) {
                                previous = strdup((*d)[i].digest);
                                previous_size = (*d)[i].size;
                                if (!previous)
                                        return -ENOMEM;
                        }
                        index_remove(*d, n, i);
                        break;
                }
                if (previous && !index_references(*d, *n, previous)) {
                        r = index_append(d, n, previous, previous_size, NULL);
                        if (r < 0)
                                return r;
                }
                r = index_append(d, n, manifest_digest, manifest_size, tags[t]);
                if (r < 0)
                        return r;
        }

        if (tags && tags[0]) {
                /* Tagged now: drop its untagged entry. */
                for (size_t i = 0; i < *n;)
                        if (!(*d)[i].ref_name && streq((*d)[i].digest, manifest_digest))
                                index_remove(*d, n, i);
                        else
                                i++;
                return 0;
        }
        if (index_references(*d, *n, manifest_digest))
                return 0;
        return index_append(d, n, manifest_digest, manifest_size, NULL);
}
