/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image-config.h"
#include "image-remove.h"
#include "image-store-internal.h"
#include "json-util.h"
#include "log.h"
#include "oci-layout.h"
#include "reference.h"
#include "registry-client.h"
#include "registry-push.h"
#include "strv.h"

#define MEDIA_TYPE_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"

/* Answers to a PATCH or POST carry no more than a short error. */
#define PUSH_RESPONSE_MAX (64U * 1024U)

void push_result_done(PushResult *r) {
        free(r->image_id);
        free(r->digest);
        *r = (PushResult){};
}

/* One blob to push: a layer (progress shown) or the config. */
typedef struct PushBlob {
        const char *digest;  /* as the stored manifest names it */
        const char *diff_id; /* layers only */
        char *mount_from;    /* another repository of the registry that has it, or NULL */
        /* A pull skips the blob of a layer the store has unpacked already, so the store may lack it; then
         * another stored blob of the same layer (same DiffID) can go instead, in a rewritten manifest. */
        char *substitute;
        char *substitute_media_type;
        uint64_t substitute_size;
        bool layer;
        bool substituted;
} PushBlob;

typedef struct Push {
        ImageStore *store;
        const PushOptions *options;
        RegistryClient *client;
        char *domain;     /* "127.0.0.1:5000" */
        char *path;       /* "library/busybox" */
        char *repository; /* "127.0.0.1:5000/library/busybox" */
        char *tag;
        Image *image;
        char *manifest; /* the bytes to PUT */
        size_t manifest_size;
        char digest[DIGEST_STRING_LEN + 1]; /* theirs */
        char *media_type;
        OciManifest *parsed;
        PushBlob *blobs; /* layers bottom first, then the config */
        size_t n_blobs;
        bool uploaded;
} Push;

static void push_done(Push *p) {
        registry_client_free(p->client);
        free(p->domain);
        free(p->path);
        free(p->repository);
        free(p->tag);
        image_free(p->image);
        free(p->manifest);
        free(p->media_type);
        oci_manifest_free(p->parsed);
        for (size_t i = 0; i < p->n_blobs; i++) {
                free(p->blobs[i].mount_from);
                free(p->blobs[i].substitute);
                free(p->blobs[i].substitute_media_type);
        }
        free(p->blobs);
}

static void report(Push *p, const char *digest, const char *status, uint64_t done, uint64_t total) {
        if (p->options->progress)
                p->options->progress(digest, status, done, total, p->options->userdata);
}

/* The name to push to and the image it names in the store. */
static int push_resolve(Push *p, const char *reference) {
        _cleanup_free_ char *normalized = NULL, *digest = NULL;
        const char *slash;
        int r;

        r = reference_normalize(reference, &normalized);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return log_error_errno(r, "invalid reference format: %s", reference);
        r = reference_split(normalized, &p->repository, &p->tag, &digest);
        if (r < 0)
                return r;
        if (digest || !p->tag)
                return log_error_errno(EINVAL, "cannot push a digest reference: %s", reference);
        slash = strchr(p->repository, '/');
        p->domain = strndup(p->repository, (size_t)(slash - p->repository));
        p->path = strdup(slash + 1);
        if (!p->domain || !p->path)
                return -ENOMEM;

        r = image_store_get(p->store, normalized, &p->image);
        if (r == -ENOENT)
                return log_error_errno(r, "An image does not exist locally with the tag: %s", p->repository);
        if (r < 0)
                return log_error_errno(r, "Cannot look up %s: %m", reference);
        return 0;
}

static int push_read_manifest(Push *p) {
        _cleanup_json_ cJSON *root = NULL;
        int r;

        r = oci_blob_read(
                p->store->images_fd,
                p->image->manifest_digest,
                IMAGE_JSON_SIZE_MAX,
                &p->manifest,
                &p->manifest_size);
        if (r < 0)
                return log_error_errno(
                        r, "Cannot read manifest %s from the store: %m", p->image->manifest_digest);
        r = oci_manifest_parse(p->manifest, p->manifest_size, &p->parsed);
        if (r < 0)
                return log_error_errno(
                        r, "Manifest %s in the store is not valid: %m", p->image->manifest_digest);
        root = cJSON_ParseWithLength(p->manifest, p->manifest_size);
        p->media_type = strdup(json_get_string(root, "mediaType") ?: MEDIA_TYPE_OCI_MANIFEST);
        if (!p->media_type)
                return -ENOMEM;

        if (strv_length(p->image->diff_ids) != p->parsed->n_layers)
                return log_error_errno(
                        EBADMSG,
                        "Manifest %s and its config disagree on the layers.",
                        p->image->manifest_digest);
        snprintf(p->digest, sizeof(p->digest), "%s", p->image->manifest_digest);

        p->blobs = calloc(p->parsed->n_layers + 1, sizeof(PushBlob));
        if (!p->blobs)
                return -ENOMEM;
        for (size_t i = 0; i < p->parsed->n_layers; i++)
                p->blobs[p->n_blobs++] = (PushBlob){
                        .digest = p->parsed->layer_digests[i],
                        .diff_id = p->image->diff_ids[i],
                        .layer = true};
        p->blobs[p->n_blobs++] = (PushBlob){.digest = p->parsed->config_digest};
        return 0;
}

static bool store_has_blob(Push *p, const char *digest) {
        int fd = oci_blob_open(p->store->images_fd, digest);
        safe_close(fd);
        return fd >= 0;
}

static bool manifest_has_blob(const OciManifest *m, const char *digest) {
        if (streq(m->config_digest, digest))
                return true;
        for (size_t i = 0; i < m->n_layers; i++)
                if (streq(m->layer_digests[i], digest))
                        return true;
        return false;
}

/* Another repository of this registry that image (which has the blob) was pulled from or pushed to. */
static void find_mount_source(Push *p, const Image *image, const OciManifest *m) {
        STRV_FOREACH (rd, image->repo_digests) {
                _cleanup_free_ char *repository = NULL;
                const char *slash;

                if (reference_split(*rd, &repository, NULL, NULL) < 0)
                        continue;
                slash = strchr(repository, '/');
                if (!slash || strncmp(repository, p->domain, (size_t)(slash - repository)) != 0 ||
                    p->domain[slash - repository] != 0 || streq(slash + 1, p->path))
                        continue;
                for (size_t i = 0; i < p->n_blobs; i++)
                        if (!p->blobs[i].mount_from && manifest_has_blob(m, p->blobs[i].digest))
                                p->blobs[i].mount_from = strdup(slash + 1);
        }
}

/* For our layers whose blob the store lacks: a stored blob of image that holds the same layer. */
static void find_substitutes(Push *p, const Image *image, const char *manifest, size_t size) {
        _cleanup_json_ cJSON *root = cJSON_ParseWithLength(manifest, size);
        const cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");

        for (size_t i = 0; i < p->n_blobs; i++) {
                PushBlob *b = &p->blobs[i];
                size_t k = 0;

                if (!b->layer || b->substitute || store_has_blob(p, b->digest))
                        continue;
                STRV_FOREACH (d, image->diff_ids) {
                        const cJSON *l = cJSON_GetArrayItem(layers, (int)k++);
                        const char *digest = json_get_string(l, "digest"),
                                   *type = json_get_string(l, "mediaType");
                        int64_t blob_size = json_get_integer(l, "size", -1);

                        if (!streq(*d, b->diff_id) || !digest || !type || blob_size < 0 ||
                            !store_has_blob(p, digest))
                                continue;
                        b->substitute = strdup(digest);
                        b->substitute_media_type = strdup(type);
                        b->substitute_size = (uint64_t)blob_size;
                        break;
                }
        }
}

static void push_find_sources(Push *p) {
        Image **images = NULL;
        size_t n = 0;

        if (image_store_list(p->store, &images, &n) < 0)
                return;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(oci_manifest_freep) OciManifest *m = NULL;
                _cleanup_free_ char *data = NULL;
                size_t size;

                if (oci_blob_read(
                            p->store->images_fd,
                            images[i]->manifest_digest,
                            IMAGE_JSON_SIZE_MAX,
                            &data,
                            &size) < 0 ||
                    oci_manifest_parse(data, size, &m) < 0)
                        continue;
                find_mount_source(p, images[i], m);
                find_substitutes(p, images[i], data, size);
        }
        image_list_free(images, n);
}

static int blob_exists(Push *p, const char *digest, bool *ret) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("HEAD", NULL);
        int r;

        if (asprintf(&path, "blobs/%s", digest) < 0)
                return -ENOMEM;
        req.path = path;
        r = registry_client_request(p->client, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200 && resp.status != 404)
                return registry_response_error(&resp, NULL);
        *ret = resp.status == 200;
        return 0;
}

/* The upload URL of an answer: "/v2/…" and absolute URLs are taken as they are. */
static int take_location(const RegistryResponse *resp, char **ret) {
        const char *location = registry_response_header(resp, "Location");

        if (isempty(location))
                return log_error_errno(EPROTO, "The registry did not say where to upload (no Location).");
        free(*ret);
        *ret = strdup(location);
        return *ret ? 0 : -ENOMEM;
}

/* POST blobs/uploads/ (with mount_from: ?mount=&from=). 201: mounted. 202: an upload session at
 * *ret_location. A refused mount (another status) is not an error: the blob is uploaded instead. */
static int
upload_start(Push *p, const char *digest, const char *mount_from, bool *ret_mounted, char **ret_location) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("POST", NULL);
        int r;

        *ret_mounted = false;
        if (mount_from)
                r = asprintf(&path, "blobs/uploads/?mount=%s&from=%s", digest, mount_from);
        else
                r = asprintf(&path, "blobs/uploads/");
        if (r < 0)
                return -ENOMEM;
        req.path = path;
        req.max_response = PUSH_RESPONSE_MAX;
        r = registry_client_request(p->client, &req, &resp);
        if (r < 0)
                return r;
        if (mount_from && resp.status == 201) {
                *ret_mounted = true;
                return 0;
        }
        if (resp.status != 202) {
                if (mount_from) {
                        log_debug(
                                "Mounting %s from %s refused (%ld), uploading it.",
                                digest,
                                mount_from,
                                resp.status);
                        return upload_start(p, digest, NULL, ret_mounted, ret_location);
                }
                return registry_response_error(&resp, NULL);
        }
        return take_location(&resp, ret_location);
}

/* PUT ?digest= ends the upload at location. */
static int upload_finish(Push *p, const char *digest, const char *location) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("PUT", NULL);
        const char *confirmed;
        int r;

        if (asprintf(&path, "%s%sdigest=%s", location, strchr(location, '?') ? "&" : "?", digest) < 0)
                return -ENOMEM;
        req.path = path;
        req.max_response = PUSH_RESPONSE_MAX;
        r = registry_client_request(p->client, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status != 201)
                return registry_response_error(&resp, NULL);
        confirmed = registry_response_header(&resp, "Docker-Content-Digest");
        if (confirmed && !streq(confirmed, digest))
                return log_error_errno(EBADMSG, "The registry stored blob %s as %s.", digest, confirmed);
        return 0;
}

/* PATCH chunk by chunk (each answer says where the next goes), then PUT ?digest=. Progress goes to the
 * layer b, which digest (b's or its substitute) is the blob of. */
static int
upload_blob(Push *p, const PushBlob *b, const char *digest, int fd, uint64_t size, char **location) {
        uint64_t chunk = p->options->chunk_size ?: PUSH_CHUNK_SIZE;
        int r;

        for (uint64_t offset = 0; offset < size;) {
                _cleanup_(registry_response_done) RegistryResponse resp = {};
                uint64_t n = MIN(chunk, size - offset);
                char range[64];
                char *headers[] = {"Content-Type: application/octet-stream", range, NULL};
                RegistryRequest req = REGISTRY_REQUEST_INIT("PATCH", *location);

                snprintf(
                        range, sizeof(range), "Content-Range: %" PRIu64 "-%" PRIu64, offset, offset + n - 1);
                req.headers = headers;
                req.body_fd = fd;
                req.body_offset = offset;
                req.body_size = n;
                req.max_response = PUSH_RESPONSE_MAX;
                r = registry_client_request(p->client, &req, &resp);
                if (r < 0)
                        return r;
                if (resp.status != 202)
                        return registry_response_error(&resp, NULL);
                r = take_location(&resp, location);
                if (r < 0)
                        return r;
                offset += n;
                if (b->layer)
                        report(p, b->digest, "Pushing", offset, size);
        }
        return upload_finish(p, digest, *location);
}

static int report_mounted(Push *p, const PushBlob *b, const char *from, uint64_t size) {
        _cleanup_free_ char *status = NULL;

        if (!b->layer)
                return 0;
        if (asprintf(&status, "Mounted from %s", from) < 0)
                return -ENOMEM;
        report(p, b->digest, status, size, size);
        return 0;
}

/* The store lacks b's blob: the registry may mount it from where it came from, else b's substitute goes. */
static int
push_missing_blob(Push *p, PushBlob *b, const char **ret_digest, int *ret_fd, char **ret_location) {
        _cleanup_free_ char *location = NULL;
        bool exists = false, mounted = false;
        int fd, r;

        if (b->mount_from) {
                r = upload_start(p, b->digest, b->mount_from, &mounted, &location);
                if (r < 0)
                        return r;
                if (mounted) {
                        p->uploaded = true;
                        *ret_fd = -EBADF;
                        return report_mounted(p, b, b->mount_from, 0);
                }
        }
        if (!b->substitute)
                return log_error_errno(
                        ENOENT,
                        "Layer %s is not in the store (the pull that brought the image had the layer "
                        "unpacked "
                        "already) and %s cannot mount it.",
                        b->digest,
                        p->domain);

        /* The manifest will name the substitute. */
        b->substituted = true;
        r = blob_exists(p, b->substitute, &exists);
        if (r < 0)
                return r;
        if (exists) {
                report(p, b->digest, "Layer already exists", 0, 0);
                *ret_fd = -EBADF;
                return 0;
        }
        fd = oci_blob_open(p->store->images_fd, b->substitute);
        if (fd < 0)
                return log_error_errno(fd, "Cannot open blob %s of the store: %m", b->substitute);
        *ret_digest = b->substitute;
        *ret_fd = fd;
        *ret_location = TAKE_PTR(location);
        return 0;
}

static int push_blob(Push *p, PushBlob *b) {
        _cleanup_free_ char *location = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *digest = b->digest;
        bool exists = false, mounted = false;
        struct stat st;
        int r;

        r = blob_exists(p, b->digest, &exists);
        if (r < 0)
                return r;
        if (exists) {
                if (b->layer)
                        report(p, b->digest, "Layer already exists", 0, 0);
                return 0;
        }

        fd = oci_blob_open(p->store->images_fd, b->digest);
        if (fd == -ENOENT && b->layer) {
                r = push_missing_blob(p, b, &digest, &fd, &location);
                if (r < 0 || fd < 0)
                        return r;
        } else if (fd < 0)
                return log_error_errno(fd, "Cannot open blob %s of the store: %m", b->digest);
        if (fstat(fd, &st) < 0)
                return -errno;

        if (!location) {
                r = upload_start(p, digest, digest == b->digest ? b->mount_from : NULL, &mounted, &location);
                if (r < 0)
                        return r;
        }
        p->uploaded = true;
        if (mounted)
                return report_mounted(p, b, b->mount_from, (uint64_t)st.st_size);

        if (b->layer)
                report(p, b->digest, "Pushing", 0, (uint64_t)st.st_size);
        r = upload_blob(p, b, digest, fd, (uint64_t)st.st_size, &location);
        if (r < 0)
                return r;
        if (b->layer)
                report(p, b->digest, "Pushed", (uint64_t)st.st_size, (uint64_t)st.st_size);
        return 0;
}

/* "application/vnd.docker.image.rootfs.diff.tar.gzip" for a gzip layer in a Docker manifest, and so on:
 * the media type of a layer compressed as layer_type says, for a manifest of manifest_type. */
static const char *layer_media_type(const char *manifest_type, const char *layer_type) {
        bool docker = streq(manifest_type, MEDIA_TYPE_DOCKER_MANIFEST);

        if (strstr(layer_type, "zstd"))
                return MEDIA_TYPE_OCI_LAYER "+zstd";
        if (strstr(layer_type, "gzip"))
                return docker ? MEDIA_TYPE_DOCKER_LAYER ".gzip" : MEDIA_TYPE_OCI_LAYER "+gzip";
        return docker ? MEDIA_TYPE_DOCKER_LAYER : MEDIA_TYPE_OCI_LAYER;
}

/* The stored manifest with the substitutes in place of the blobs the store lacks: a new manifest of the
 * same image (same config, same layers), as Docker writes one on every push. */
static int push_rewrite_manifest(Push *p) {
        _cleanup_json_ cJSON *root = cJSON_ParseWithLength(p->manifest, p->manifest_size);
        cJSON *layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
        char *text;
        int r;

        for (size_t i = 0; i < p->n_blobs; i++) {
                const PushBlob *b = &p->blobs[i];
                cJSON *l = cJSON_GetArrayItem(layers, (int)i);

                if (!b->substituted)
                        continue;
                if (!l ||
                    !cJSON_ReplaceItemInObjectCaseSensitive(
                            l, "digest", cJSON_CreateString(b->substitute)) ||
                    !cJSON_ReplaceItemInObjectCaseSensitive(
                            l, "size", cJSON_CreateNumber((double)b->substitute_size)) ||
                    !cJSON_ReplaceItemInObjectCaseSensitive(
                            l,
                            "mediaType",
                            cJSON_CreateString(layer_media_type(p->media_type, b->substitute_media_type))))
                        return -ENOMEM;
        }
        text = cJSON_PrintUnformatted(root);
        if (!text)
                return -ENOMEM;
        free(p->manifest);
        p->manifest = text;
        p->manifest_size = strlen(text);
        r = sha256_digest(p->manifest, p->manifest_size, p->digest);
        if (r < 0)
                return r;
        log_debug(
                "Pushing %s as manifest %s: the store lacks blobs of %s.",
                p->image->id,
                p->digest,
                p->image->manifest_digest);
        return 0;
}

static int push_manifest(Push *p) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL, *content_type = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("PUT", NULL);
        char *headers[] = {NULL, NULL};
        const char *confirmed;
        int r;

        for (size_t i = 0; i < p->n_blobs; i++)
                if (p->blobs[i].substituted) {
                        r = push_rewrite_manifest(p);
                        if (r < 0)
                                return r;
                        break;
                }

        if (asprintf(&path, "manifests/%s", p->tag) < 0 ||
            asprintf(&content_type, "Content-Type: %s", p->media_type) < 0)
                return -ENOMEM;
        headers[0] = content_type;
        req.path = path;
        req.headers = headers;
        req.body = p->manifest;
        req.body_size = p->manifest_size;
        req.max_response = PUSH_RESPONSE_MAX;
        r = registry_client_request(p->client, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status != 201)
                return registry_response_error(&resp, NULL);
        confirmed = registry_response_header(&resp, "Docker-Content-Digest");
        if (confirmed && !streq(confirmed, p->digest))
                return log_error_errno(
                        EBADMSG, "The registry stored manifest %s as %s.", p->digest, confirmed);
        return 0;
}

int image_store_push(ImageStore *store, const char *reference, const PushOptions *options, PushResult *ret) {
        _cleanup_(push_done) Push p = {.store = store, .options = options};
        _cleanup_free_ char *repo_digest = NULL;
        int r;

        r = push_resolve(&p, reference);
        if (r < 0)
                return r;
        r = push_read_manifest(&p);
        if (r < 0)
                return r;
        push_find_sources(&p);

        r = registry_client_new(
                options->registry, p.domain, p.path, REGISTRY_ACCESS_PUSH, options->auth, &p.client);
        if (r < 0)
                return r;
        if (options->cancel_fd >= 0)
                registry_client_set_cancel_fd(p.client, options->cancel_fd);
        r = registry_client_connect(p.client);
        if (r < 0)
                return r;

        /* Docker lists the top layer first. */
        for (size_t i = p.n_blobs; i > 0; i--)
                if (p.blobs[i - 1].layer)
                        report(&p, p.blobs[i - 1].digest, "Preparing", 0, 0);
        for (size_t i = 0; i < p.n_blobs; i++) {
                r = push_blob(&p, &p.blobs[i]);
                if (r < 0)
                        return r;
        }
        r = push_manifest(&p);
        if (r < 0)
                return r;
        report(&p, p.digest, "Manifest pushed", p.manifest_size, p.manifest_size);

        /* Docker shows where an image went in its RepoDigests; a later push to another repository of the
         * registry mounts from here. */
        if (asprintf(&repo_digest, "%s@%s", p.repository, p.digest) < 0)
                return -ENOMEM;
        r = image_store_add_repo_digest(store, p.image->id, repo_digest);
        if (r < 0)
                log_warning_errno(r, "Cannot record %s: %m", repo_digest);

        *ret = (PushResult){
                .image_id = strdup(p.image->id),
                .digest = strdup(p.digest),
                .manifest_size = p.manifest_size,
                .uploaded = p.uploaded,
        };
        if (!ret->image_id || !ret->digest) {
                push_result_done(ret);
                return -ENOMEM;
        }
        return 0;
}
