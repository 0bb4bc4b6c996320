/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "image-config.h"
#include "image-store-internal.h"
#include "log.h"
#include "reference.h"
#include "registry-pull.h"
#include "strv.h"

#define MANIFEST_ACCEPT                                                                                     \
        "Accept: application/vnd.docker.distribution.manifest.v2+json, "                                    \
        "application/vnd.docker.distribution.manifest.list.v2+json, "                                       \
        "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json"

int registry_pick_manifest(
        const char *data, size_t size, const char *os, const char *arch, char **ret_digest) {
        OciDescriptor *d = NULL;
        size_t n = 0;
        int r;

        r = oci_index_parse(data, size, &d, &n);
        if (r < 0)
                return r;
        r = -ENOENT;
        for (size_t i = 0; i < n && r == -ENOENT; i++)
                if (streq_ptr(d[i].platform_os, os) && streq_ptr(d[i].platform_architecture, arch)) {
                        *ret_digest = strdup(d[i].digest);
                        r = *ret_digest ? 0 : -ENOMEM;
                }
        oci_descriptors_free(d, n);
        return r;
}

static int json_strv(const cJSON *root, const char *key, char ***ret) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key), *e;

        if (!a)
                return 0;
        if (!cJSON_IsArray(a))
                return -EBADMSG;
        cJSON_ArrayForEach (e, a) {
                if (!cJSON_IsString(e))
                        return -EBADMSG;
                if (strv_extend(ret, e->valuestring) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int registry_options_load(const char *path, RegistryOptions *ret) {
        _cleanup_free_ char *data = NULL;
        cJSON *root;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, IMAGE_JSON_SIZE_MAX, &data, &size);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Cannot read %s: %m", path);
        root = cJSON_ParseWithLength(data, size);
        if (!cJSON_IsObject(root)) {
                cJSON_Delete(root);
                return log_error_errno(EBADMSG, "%s is not a JSON object.", path);
        }
        r = json_strv(root, "registry-mirrors", &ret->mirrors);
        if (r >= 0)
                r = json_strv(root, "insecure-registries", &ret->insecure);
        cJSON_Delete(root);
        if (r < 0)
                return log_error_errno(r, "Invalid registry settings in %s.", path);
        return 0;
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

typedef struct Fetch {
        char *buf; /* memory sink, when fd < 0 */
        size_t size, max;
        int fd; /* file sink */
        Sha256 *hash;
        int error;
} Fetch;

static size_t fetch_write(char *p, size_t sz, size_t nm, void *userdata) {
        Fetch *f = userdata;
        size_t n = sz * nm;

        if (f->size + n > f->max) {
                f->error = -EFBIG;
                return 0;
        }
        if (f->hash && sha256_update(f->hash, p, n) < 0) {
                f->error = -ENOMEM;
                return 0;
        }
        if (f->fd >= 0) {
                if (loop_write(f->fd, p, n) < 0) {
                        f->error = -EIO;
                        return 0;
                }
        } else {
                char *b = realloc(f->buf, f->size + n + 1);
                if (!b) {
                        f->error = -ENOMEM;
                        return 0;
                }
                f->buf = b;
                memcpy(f->buf + f->size, p, n);
                f->buf[f->size + n] = 0;
        }
        f->size += n;
        return n;
}

/* GET url into f; returns the HTTP status or a negative errno. */
static int http_get(const char *url, const char *accept, Fetch *f) {
        CURL *c;
        struct curl_slist *h = NULL;
        CURLcode cc;
        long status = 0;

        c = curl_easy_init();
        if (!c)
                return -ENOMEM;
        if (accept)
                h = curl_slist_append(NULL, accept);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(c, CURLOPT_MAXREDIRS, 8L);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fetch_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, f);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 30L);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "berth/" PACKAGE_VERSION);
        cc = curl_easy_perform(c);
        if (cc == CURLE_OK)
                curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
        curl_slist_free_all(h);
        if (f->error < 0)
                return f->error;
        switch (cc) {
        case CURLE_OK:
                return (int)status;
        case CURLE_COULDNT_CONNECT:
                return -ECONNREFUSED;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_OPERATION_TIMEDOUT:
                return -EHOSTUNREACH;
        default:
                return -EIO;
        }
}

static bool host_is_insecure(const char *host, const RegistryOptions *o) {
        if (strncmp(host, "localhost", 9) == 0 || strncmp(host, "127.", 4) == 0)
                return true;
        return o && strv_contains(o->insecure, host);
}

/* The base URL (".../v2/<name>") of repository "docker.io/library/busybox". */
static int registry_base(const char *repository, const RegistryOptions *o, char **ret) {
        _cleanup_free_ char *host = NULL;
        const char *slash = strchr(repository, '/');

        if (!slash)
                return -EINVAL;
        host = strndup(repository, slash - repository);
        if (!host)
                return -ENOMEM;
        if (streq(host, "docker.io")) {
                if (o && o->mirrors && o->mirrors[0]) {
                        const char *m = o->mirrors[0];
                        size_t l = strlen(m);
                        while (l > 0 && m[l - 1] == '/')
                                l--;
                        return asprintf(ret, "%.*s/v2/%s", (int)l, m, slash + 1) < 0 ? -ENOMEM : 0;
                }
                return asprintf(ret, "https://registry-1.docker.io/v2/%s", slash + 1) < 0 ? -ENOMEM : 0;
        }
        return asprintf(
                       ret, "%s://%s/v2/%s", host_is_insecure(host, o) ? "http" : "https", host, slash + 1) <
                               0
                       ? -ENOMEM
                       : 0;
}

static int http_error(int status, const char *what, const char *reference) {
        if (status == 404)
                return log_error_errno(
                        ENOENT, "manifest for %s not found: manifest unknown: manifest unknown", reference);
        if (status == -ECONNREFUSED || status == -EHOSTUNREACH)
                return log_error_errno(status, "Cannot connect to the registry for %s: %m", reference);
        if (status < 0)
                return log_error_errno(status, "Cannot fetch %s of %s: %m", what, reference);
        return log_error_errno(EPROTO, "Registry answered %d for %s of %s.", status, what, reference);
}

/* Fetches a manifest (by tag or digest) into memory, checked against digest when that is known. */
static int fetch_manifest(
        const char *base,
        const char *ref,
        const char *reference,
        char **ret,
        size_t *ret_size,
        char ret_digest[static DIGEST_STRING_LEN + 1]) {
        _cleanup_free_ char *url = NULL;
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        Fetch f = {.fd = -EBADF, .max = IMAGE_JSON_SIZE_MAX};
        int r;

        if (asprintf(&url, "%s/manifests/%s", base, ref) < 0)
                return -ENOMEM;
        r = sha256_new(&h);
        if (r < 0)
                return r;
        f.hash = h;
        r = http_get(url, MANIFEST_ACCEPT, &f);
        if (r != 200) {
                free(f.buf);
                return http_error(r, "the manifest", reference);
        }
        r = sha256_final(TAKE_PTR(h), ret_digest);
        if (r < 0) {
                free(f.buf);
                return r;
        }
        if (digest_is_valid(ref) && !streq(ref, ret_digest)) {
                free(f.buf);
                return log_error_errno(EBADMSG, "Manifest %s does not match its digest.", ref);
        }
        if (!f.buf) {
                free(f.buf);
                return log_error_errno(EBADMSG, "Empty manifest for %s.", reference);
        }
        *ret = f.buf;
        *ret_size = f.size;
        return 0;
}

/* Downloads blob digest into a new file of the transaction, verified. */
static int
fetch_blob(Transaction *t, const char *base, const char *digest, const char *reference, char **ret_file) {
        _cleanup_free_ char *url = NULL, *file = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        char actual[DIGEST_STRING_LEN + 1];
        Fetch f = {.max = t->store->archive_size_max};
        int r;

        if (asprintf(&url, "%s/blobs/%s", base, digest) < 0)
                return -ENOMEM;
        r = transaction_new_file(t, &file, &fd);
        if (r < 0)
                return r;
        r = sha256_new(&h);
        if (r < 0)
                return r;
        f.fd = fd;
        f.hash = h;
        r = http_get(url, NULL, &f);
        if (r != 200)
                return http_error(r, "a blob", reference);
        r = sha256_final(TAKE_PTR(h), actual);
        if (r < 0)
                return r;
        if (!streq(actual, digest))
                return log_error_errno(
                        EBADMSG, "Blob %s does not match its digest (got %s).", digest, actual);
        *ret_file = TAKE_PTR(file);
        return 0;
}

int image_store_pull(
        ImageStore *store,
        const char *reference,
        const RegistryOptions *options,
        char **ret_id,
        char **ret_manifest_digest) {
        _cleanup_(transaction_freep) Transaction *t = NULL;
        _cleanup_(oci_manifest_freep) OciManifest *m = NULL;
        _cleanup_free_ char *normalized = NULL, *repository = NULL, *tag = NULL, *digest = NULL,
                            *base = NULL, *data = NULL, *picked = NULL, *config_file = NULL, *config = NULL;
        _cleanup_strv_free_ char **diff_ids = NULL, **tags = NULL;
        char manifest_digest[DIGEST_STRING_LEN + 1], chain[DIGEST_STRING_LEN + 1];
        size_t size, config_size;
        int r;

        r = reference_normalize(reference, &normalized);
        if (r < 0)
                return log_error_errno(r, "invalid reference format: %s", reference);
        r = reference_split(normalized, &repository, &tag, &digest);
        if (r < 0)
                return r;
        r = registry_base(repository, options, &base);
        if (r < 0)
                return r;

        r = fetch_manifest(base, digest ?: tag, reference, &data, &size, manifest_digest);
        if (r < 0)
                return r;
        r = oci_manifest_parse(data, size, &m);
        if (r == -EBADMSG) {
                /* A manifest list or an OCI index: the image for this machine. */
                r = registry_pick_manifest(data, size, "linux", host_architecture(), &picked);
                if (r == -ENOENT)
                        return log_error_errno(
                                r,
                                "no matching manifest for linux/%s in the manifest list entries",
                                host_architecture());
                if (r < 0)
                        return log_error_errno(r, "Invalid manifest for %s.", reference);
                free(data);
                data = NULL;
                r = fetch_manifest(base, picked, reference, &data, &size, manifest_digest);
                if (r < 0)
                        return r;
                r = oci_manifest_parse(data, size, &m);
        }
        if (r < 0)
                return log_error_errno(r, "Invalid manifest for %s.", reference);

        r = transaction_begin(store, &t);
        if (r < 0)
                return log_error_errno(r, "Cannot stage the image: %m");

        r = fetch_blob(t, base, m->config_digest, reference, &config_file);
        if (r < 0)
                return r;
        r = read_full_file_at(t->dir_fd, config_file, IMAGE_JSON_SIZE_MAX, &config, &config_size);
        if (r < 0)
                return r;
        r = image_config_parse(config, config_size, NULL, &diff_ids);
        if (r < 0)
                return log_error_errno(r, "Invalid image config %s.", m->config_digest);
        if (strv_length(diff_ids) != m->n_layers)
                return log_error_errno(
                        EBADMSG,
                        "Image config %s and its manifest disagree on the layers.",
                        m->config_digest);

        for (size_t i = 0; i < m->n_layers; i++) {
                _cleanup_free_ char *file = NULL;
                _cleanup_close_ int fd = -EBADF;
                char actual[DIGEST_STRING_LEN + 1];

                r = chain_id_next(i == 0 ? NULL : chain, diff_ids[i], chain);
                if (r < 0)
                        return r;
                r = fetch_blob(t, base, m->layer_digests[i], reference, &file);
                if (r < 0)
                        return r;
                fd = openat(t->dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
                if (fd < 0)
                        return -errno;
                r = layer_diff_id(fd, -EBADF, &t->store->layer_limits, actual);
                if (r < 0)
                        return log_error_errno(r, "Cannot read layer %s: %m", m->layer_digests[i]);
                if (!streq(actual, diff_ids[i]))
                        return log_error_errno(
                                EBADMSG,
                                "Layer %s does not match its DiffID %s.",
                                m->layer_digests[i],
                                diff_ids[i]);
                r = transaction_add_blob_file(t, file, m->layer_digests[i]);
                if (r < 0)
                        return r;
                r = transaction_add_layer(t, fd, diff_ids[i], chain);
                if (r < 0)
                        return r;
        }

        if (tag) {
                r = strv_extend(&tags, normalized);
                if (r < 0)
                        return r;
        }
        if ((r = transaction_add_blob_file(t, config_file, m->config_digest)) < 0 ||
            (r = transaction_add_blob_data(t, data, size, manifest_digest)) < 0 ||
            (r = transaction_add_image(t, manifest_digest, size, tags)) < 0)
                return r;
        r = transaction_commit(t);
        if (r < 0)
                return log_error_errno(r, "Cannot commit the pulled image: %m");

        if (ret_id) {
                *ret_id = strdup(m->config_digest);
                if (!*ret_id)
                        return -ENOMEM;
        }
        if (ret_manifest_digest) {
                *ret_manifest_digest = strdup(manifest_digest);
                if (!*ret_manifest_digest)
                        return -ENOMEM;
        }
        return 0;
}
