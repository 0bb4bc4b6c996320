/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include "fileio.h"
#include "image-config.h"
#include "log.h"
#include "pull-internal.h"
#include "pull-platform.h"
#include "reference.h"
#include "strv.h"

#define MANIFEST_ACCEPT                                                                                     \
        "Accept: application/vnd.docker.distribution.manifest.v2+json, "                                    \
        "application/vnd.docker.distribution.manifest.list.v2+json, "                                       \
        "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json"

void pull_result_done(PullResult *r) {
        free(r->image_id);
        free(r->digest);
        *r = (PullResult){};
}

void pull_report(Pull *p, PullLayer *l, const char *status, uint64_t done, uint64_t total) {
        if (p->options->progress)
                p->options->progress(l->digest, status, done, total, p->options->userdata);
}

void pull_fail(Pull *p, int error) {
        if (p->error == 0)
                p->error = error < 0 ? error : -EIO;
        (void)sd_event_exit(p->event, p->error);
}

static void pull_done(Pull *p) {
        for (size_t i = 0; i < p->n_layers; i++)
                pull_layer_done(&p->layers[i]);
        free(p->layers);
        curl_event_free(p->curl);
        sd_event_unref(p->event);
        registry_client_free(p->client);
        transaction_free(p->transaction);
        safe_close(p->downloads_fd);
}

/* GET manifests/<ref> into memory, checked against ref when that is a digest. A mirror that does not
 * answer with the manifest hands over to the next endpoint. */
static int fetch_manifest(
        Pull *p,
        const char *ref,
        const char *name,
        char **ret,
        size_t *ret_size,
        char ret_digest[static DIGEST_STRING_LEN + 1]) {
        _cleanup_free_ char *path = NULL, *what = NULL;
        char *headers[] = {(char *)MANIFEST_ACCEPT, NULL};
        RegistryRequest req = REGISTRY_REQUEST_INIT("GET", NULL);
        int r;

        if (asprintf(&path, "manifests/%s", ref) < 0 ||
            asprintf(&what, "manifest for %s not found", name) < 0)
                return -ENOMEM;
        req.path = path;
        req.headers = headers;
        req.max_response = IMAGE_JSON_SIZE_MAX;
        for (;;) {
                _cleanup_(registry_response_done) RegistryResponse resp = {};

                r = registry_client_request(p->client, &req, &resp);
                if (r != -ECANCELED && (r < 0 || resp.status != 200) &&
                    registry_client_on_mirror(p->client) && registry_client_next_endpoint(p->client) >= 0)
                        continue;
                if (r < 0)
                        return r;
                if (resp.status != 200)
                        return registry_response_error(&resp, resp.status == 404 ? what : NULL);
                if (!resp.body || resp.body_size == 0)
                        return log_error_errno(EBADMSG, "Empty manifest for %s.", name);
                r = sha256_digest(resp.body, resp.body_size, ret_digest);
                if (r < 0)
                        return r;
                if (digest_is_valid(ref) && !streq(ref, ret_digest))
                        return log_error_errno(
                                EBADMSG, "Manifest %s does not match its digest (got %s).", ref, ret_digest);
                *ret_size = resp.body_size;
                *ret = TAKE_PTR(resp.body);
                return 0;
        }
}

/* GET blobs/<digest> of a small blob (the config) into memory, verified. */
static int fetch_small_blob(Pull *p, const char *digest, char **ret, size_t *ret_size) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL;
        RegistryRequest req = REGISTRY_REQUEST_INIT("GET", NULL);
        char actual[DIGEST_STRING_LEN + 1];
        int r;

        if (asprintf(&path, "blobs/%s", digest) < 0)
                return -ENOMEM;
        req.path = path;
        req.max_response = IMAGE_JSON_SIZE_MAX;
        r = registry_client_request(p->client, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200)
                return registry_response_error(&resp, NULL);
        r = sha256_digest(resp.body ?: "", resp.body_size, actual);
        if (r < 0)
                return r;
        if (!streq(actual, digest))
                return log_error_errno(
                        EBADMSG, "Blob %s does not match its digest (got %s).", digest, actual);
        *ret_size = resp.body_size;
        *ret = TAKE_PTR(resp.body);
        return 0;
}

/* The image manifest for reference: the one it names, or in a list the one for the platform. */
static int resolve_manifest(
        Pull *p,
        const char *ref,
        const char *name,
        const Platform *platform,
        char **ret_data,
        size_t *ret_size,
        char ret_listed_digest[static DIGEST_STRING_LEN + 1],
        char ret_digest[static DIGEST_STRING_LEN + 1],
        OciManifest **ret_manifest) {
        _cleanup_free_ char *data = NULL, *picked = NULL, *wanted = NULL;
        size_t size;
        int r;

        r = fetch_manifest(p, ref, name, &data, &size, ret_listed_digest);
        if (r < 0)
                return r;
        memcpy(ret_digest, ret_listed_digest, DIGEST_STRING_LEN + 1);
        r = oci_manifest_parse(data, size, ret_manifest);
        if (r == -EBADMSG) {
                /* A manifest list or an OCI index. */
                r = platform_pick_manifest(data, size, platform, &picked);
                if (r == -ENOENT) {
                        if (platform_to_string(platform, &wanted) < 0)
                                return -ENOMEM;
                        return log_error_errno(
                                r, "no matching manifest for %s in the manifest list entries", wanted);
                }
                if (r < 0)
                        return log_error_errno(r, "Invalid manifest list for %s.", name);
                free(data);
                data = NULL;
                r = fetch_manifest(p, picked, name, &data, &size, ret_digest);
                if (r < 0)
                        return r;
                r = oci_manifest_parse(data, size, ret_manifest);
        }
        if (r < 0)
                return log_error_errno(r, "Unsupported or invalid manifest for %s.", name);
        *ret_data = TAKE_PTR(data);
        *ret_size = size;
        return 0;
}

/* Whether name already points at the image of manifest_digest; then its id. */
static bool up_to_date(ImageStore *store, const char *name, const char *manifest_digest, char **ret_id) {
        _cleanup_(image_freep) Image *image = NULL;

        if (image_store_get(store, name, &image) < 0 || !streq_ptr(image->manifest_digest, manifest_digest))
                return false;
        *ret_id = TAKE_PTR(image->id);
        return true;
}

static int open_downloads_dir(ImageStore *store, int *ret) {
        _cleanup_free_ char *path = NULL;
        int fd;

        if (asprintf(&path, "%s/" PULL_DOWNLOADS_DIR, store->state_dir) < 0)
                return -ENOMEM;
        if (mkdir(path, 0700) < 0 && errno != EEXIST)
                return -errno;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        *ret = fd;
        return 0;
}

/* Partial downloads nobody resumed for a long time (the image is gone from its registry, say): those
 * that no pull holds go. */
static void remove_stale_downloads(int dir_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        struct timespec now;
        int fd;

        fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0 || clock_gettime(CLOCK_REALTIME, &now) < 0 || !(d = fdopendir(fd))) {
                safe_close(fd);
                return;
        }
        while ((de = readdir(d))) {
                _cleanup_close_ int blob_fd = -EBADF;
                struct stat st;

                if (!sha256_hex_is_valid(de->d_name))
                        continue;
                blob_fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                if (blob_fd < 0 || fstat(blob_fd, &st) < 0 ||
                    st.st_mtim.tv_sec + PULL_DOWNLOADS_KEEP_SEC > now.tv_sec ||
                    flock(blob_fd, LOCK_EX | LOCK_NB) < 0)
                        continue;
                (void)unlinkat(dirfd(d), de->d_name, 0);
        }
}

static int on_cancel(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        pull_fail(userdata, -ECANCELED);
        return 0;
}

/* The layers of the image: those the store has are reported, the others wait for a download slot. */
static int layers_init(Pull *p, const OciManifest *m, char **diff_ids) {
        p->layers = calloc(m->n_layers, sizeof(PullLayer));
        if (!p->layers)
                return -ENOMEM;
        for (size_t i = 0; i < m->n_layers; i++) {
                PullLayer *l = &p->layers[p->n_layers++];
                int r;

                *l = (PullLayer){.pull = p, .blob_fd = -EBADF, .size = m->layer_sizes[i]};
                snprintf(l->digest, sizeof(l->digest), "%s", m->layer_digests[i]);
                snprintf(l->diff_id, sizeof(l->diff_id), "%s", diff_ids[i]);
                r = chain_id_next(i == 0 ? NULL : p->layers[i - 1].chain_id, diff_ids[i], l->chain_id);
                if (r < 0)
                        return r;
                l->state = transaction_has_layer(p->transaction, l->chain_id) ? PULL_LAYER_PRESENT
                                                                              : PULL_LAYER_WAITING;
                pull_report(p, l, l->state == PULL_LAYER_PRESENT ? "Already exists" : "Waiting", 0, l->size);
        }
        return 0;
}

/* Downloads and unpacks the layers on an event loop of our own. */
static int layers_run(Pull *p) {
        _cleanup_(sd_event_source_disable_unrefp) sd_event_source *cancel = NULL;
        int r;

        r = sd_event_new(&p->event);
        if (r < 0)
                return r;
        r = curl_event_new(p->event, pull_layer_download_done, &p->curl);
        if (r < 0)
                return r;
        if (p->options->cancel_fd >= 0) {
                r = sd_event_add_io(p->event, &cancel, p->options->cancel_fd, EPOLLIN, on_cancel, p);
                if (r < 0)
                        return r;
        }
        pull_layers_schedule(p);
        r = sd_event_loop(p->event);
        if (r < 0)
                return r;
        return p->error;
}

/* Docker's check when --platform names one and the registry has a single image. */
static int check_platform(const char *name, const ImageConfig *config, const Platform *platform) {
        _cleanup_free_ char *wanted = NULL;

        if (streq_ptr(config->os, platform->os) && streq_ptr(config->architecture, platform->architecture))
                return 0;
        if (platform_to_string(platform, &wanted) < 0)
                return -ENOMEM;
        return log_error_errno(
                EINVAL,
                "image with reference %s was found but does not match the specified platform: wanted %s, "
                "actual: %s/%s",
                name,
                wanted,
                config->os ?: "unknown",
                config->architecture ?: "unknown");
}

int image_store_pull(ImageStore *store, const char *reference, const PullOptions *options, PullResult *ret) {
        _cleanup_(pull_done) Pull p = {.store = store, .options = options, .downloads_fd = -EBADF};
        _cleanup_(oci_manifest_freep) OciManifest *m = NULL;
        _cleanup_(image_config_done) ImageConfig config = {};
        _cleanup_(platform_done) Platform platform = {};
        _cleanup_free_ char *normalized = NULL, *repository = NULL, *tag = NULL, *digest = NULL,
                            *name = NULL, *data = NULL, *config_data = NULL, *repo_digest = NULL, *id = NULL;
        _cleanup_strv_free_ char **diff_ids = NULL, **tags = NULL;
        char listed_digest[DIGEST_STRING_LEN + 1], manifest_digest[DIGEST_STRING_LEN + 1],
                config_digest[DIGEST_STRING_LEN + 1];
        const char *path;
        size_t size = 0, config_size = 0;
        int r;

        r = reference_normalize(reference, &normalized);
        if (r < 0)
                return log_error_errno(r, "invalid reference format: %s", reference);
        r = reference_split(normalized, &repository, &tag, &digest);
        if (r < 0)
                return r;
        r = reference_familiar(normalized, &name);
        if (r < 0)
                return r;
        r = platform_parse(options->platform, &platform);
        if (r < 0)
                return log_error_errno(r, "invalid platform: %s", options->platform);
        path = strchr(repository, '/');
        if (!path)
                return -EINVAL;
        {
                _cleanup_free_ char *domain = strndup(repository, path - repository);
                if (!domain)
                        return -ENOMEM;
                r = registry_client_new(
                        options->registry, domain, path + 1, REGISTRY_ACCESS_PULL, options->auth, &p.client);
                if (r < 0)
                        return r;
        }
        registry_client_set_cancel_fd(p.client, options->cancel_fd);

        r = resolve_manifest(
                &p, digest ?: tag, name, &platform, &data, &size, listed_digest, manifest_digest, &m);
        if (r < 0)
                return r;
        /* What the reference named (a manifest list's own digest for a list), as RepoDigests show it. */
        if (asprintf(&repo_digest, "%s@%s", repository, listed_digest) < 0)
                return -ENOMEM;
        if (up_to_date(store, normalized, manifest_digest, &id)) {
                *ret = (PullResult){.image_id = TAKE_PTR(id), .digest = strdup(listed_digest)};
                return ret->digest ? 0 : -ENOMEM;
        }

        r = fetch_small_blob(&p, m->config_digest, &config_data, &config_size);
        if (r < 0)
                return r;
        r = image_config_parse(config_data, config_size, &config, &diff_ids);
        if (r < 0)
                return log_error_errno(r, "Invalid image config %s.", m->config_digest);
        if (strv_length(diff_ids) != m->n_layers)
                return log_error_errno(
                        EBADMSG,
                        "Image config %s and its manifest disagree on the layers.",
                        m->config_digest);
        if (!isempty(options->platform) && streq(listed_digest, manifest_digest)) {
                r = check_platform(name, &config, &platform);
                if (r < 0)
                        return r;
        }

        /* What a killed pull left behind goes now, not at berthd's next start. */
        image_store_remove_dead_transactions(store);
        r = transaction_begin(store, &p.transaction);
        if (r < 0)
                return log_error_errno(r, "Cannot stage the image: %m");
        r = open_downloads_dir(store, &p.downloads_fd);
        if (r < 0)
                return log_error_errno(r, "Cannot open the download directory: %m");
        remove_stale_downloads(p.downloads_fd);
        p.max_running = options->registry && options->registry->max_concurrent_downloads > 0
                                ? options->registry->max_concurrent_downloads
                                : REGISTRY_DOWNLOADS_DEFAULT;
        r = layers_init(&p, m, diff_ids);
        if (r < 0)
                return r;
        r = layers_run(&p);
        if (r < 0)
                return r;

        if (tag && strv_extend(&tags, normalized) < 0)
                return -ENOMEM;
        if ((r = transaction_add_blob_data(p.transaction, config_data, config_size, config_digest)) < 0 ||
            (r = transaction_add_blob_data(p.transaction, data, size, manifest_digest)) < 0 ||
            (r = transaction_add_image(p.transaction, manifest_digest, size, tags)) < 0 ||
            (r = transaction_add_repo_digest(p.transaction, manifest_digest, repo_digest)) < 0)
                return log_error_errno(r, "Cannot stage the image: %m");
        r = transaction_commit(p.transaction);
        if (r < 0)
                return log_error_errno(r, "Cannot commit the pulled image: %m");
        pull_layers_forget_downloads(&p);

        *ret = (PullResult){
                .image_id = strdup(m->config_digest),
                .digest = strdup(listed_digest),
                .updated = true,
        };
        if (!ret->image_id || !ret->digest) {
                pull_result_done(ret);
                return -ENOMEM;
        }
        return 0;
}
