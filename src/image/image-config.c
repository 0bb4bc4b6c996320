/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "image-config.h"
#include "json-util.h"
#include "strv.h"

void image_config_done(ImageConfig *c) {
        if (!c)
                return;
        c->env = strv_free(c->env);
        c->cmd = strv_free(c->cmd);
        c->entrypoint = strv_free(c->entrypoint);
        free(c->working_dir);
        free(c->user);
        free(c->stop_signal);
        free(c->architecture);
        free(c->variant);
        free(c->os);
        free(c->author);
        free(c->comment);
        strv_free(c->labels);
        strv_free(c->exposed_ports);
        strv_free(c->volumes);
        strv_free(c->healthcheck.test);
        *c = (ImageConfig){};
}

/* A JSON document of at most IMAGE_JSON_SIZE_MAX bytes that is an array (array) or else an object. */
static int parse_json(const char *data, size_t size, bool array, cJSON **ret) {
        _cleanup_json_ cJSON *o = NULL;

        if (size > IMAGE_JSON_SIZE_MAX)
                return -EFBIG;
        o = cJSON_ParseWithLength(data, size);
        if (!o || !(array ? cJSON_IsArray(o) : cJSON_IsObject(o)))
                return -EBADMSG;
        *ret = TAKE_PTR(o);
        return 0;
}

static int strdup_optional(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int parse_2digits(const char *s, int *ret) {
        if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
                return -EINVAL;
        *ret = (s[0] - '0') * 10 + (s[1] - '0');
        return 0;
}

int parse_rfc3339_nsec(const char *s, uint64_t *ret_nsec) {
        struct tm tm = {};
        int year_hi, year_lo, offset_h = 0, offset_m = 0;
        uint64_t nsec = 0, scale = 100000000;
        const char *p;
        time_t t;

        if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
            s[13] != ':' || s[16] != ':')
                return -EINVAL;
        if (parse_2digits(s, &year_hi) < 0 || parse_2digits(s + 2, &year_lo) < 0 ||
            parse_2digits(s + 5, &tm.tm_mon) < 0 || parse_2digits(s + 8, &tm.tm_mday) < 0 ||
            parse_2digits(s + 11, &tm.tm_hour) < 0 || parse_2digits(s + 14, &tm.tm_min) < 0 ||
            parse_2digits(s + 17, &tm.tm_sec) < 0)
                return -EINVAL;
        tm.tm_year = year_hi * 100 + year_lo - 1900;
        tm.tm_mon -= 1;
        if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
            tm.tm_min > 59 || tm.tm_sec > 60)
                return -EINVAL;

        p = s + 19;
        if (*p == '.') {
                p++;
                if (*p < '0' || *p > '9')
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++) {
                        nsec += (uint64_t)(*p - '0') * scale;
                        scale /= 10;
                }
        }
        if (*p == 'Z' || *p == 'z')
                p++;
        else if (*p == '+' || *p == '-') {
                int sign = *p == '-' ? -1 : 1;
                if (parse_2digits(p + 1, &offset_h) < 0 || p[3] != ':' ||
                    parse_2digits(p + 4, &offset_m) < 0)
                        return -EINVAL;
                offset_h *= sign;
                offset_m *= sign;
                p += 6;
        } else
                return -EINVAL;
        if (*p != 0)
                return -EINVAL;

        t = timegm(&tm);
        t -= (time_t)offset_h * 3600 + (time_t)offset_m * 60;
        if (t < 0)
                return -ERANGE;
        *ret_nsec = (uint64_t)t * 1000000000U + nsec;
        return 0;
}

int parse_rfc3339(const char *s, uint64_t *ret_usec) {
        uint64_t nsec;
        int r = parse_rfc3339_nsec(s, &nsec);
        if (r < 0)
                return r;
        *ret_usec = nsec / 1000U;
        return 0;
}

static int get_strv_checked(const cJSON *o, const char *key, char ***ret) {
        int r = json_get_strv(o, key, ret);
        return r == -EINVAL ? -EBADMSG : r;
}

/* A duration or count of config.Healthcheck: absent, null or negative is 0 (not set). */
static uint64_t get_nonnegative(const cJSON *o, const char *key) {
        int64_t v = json_get_integer(o, key, 0);
        return v > 0 ? (uint64_t)v : 0;
}

/* The keys of an object such as config.ExposedPorts or config.Volumes ({"80/tcp": {}}); absent or null is
 * an empty list. */
static int get_object_keys(const cJSON *o, const char *key, char ***ret) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, key), *e;
        _cleanup_strv_free_ char **keys = NULL;

        *ret = NULL;
        if (!m || cJSON_IsNull(m))
                return 0;
        if (!cJSON_IsObject(m))
                return -EBADMSG;
        cJSON_ArrayForEach (e, m)
                if (strv_extend(&keys, e->string) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(keys);
        return 0;
}

/* config.Labels: an object of strings, as key, value pairs. */
static int get_labels(const cJSON *config, char ***ret) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(config, "Labels"), *e;
        _cleanup_strv_free_ char **pairs = NULL;

        *ret = NULL;
        if (!m || cJSON_IsNull(m))
                return 0;
        if (!cJSON_IsObject(m))
                return -EBADMSG;
        cJSON_ArrayForEach (e, m) {
                if (!cJSON_IsString(e))
                        return -EBADMSG;
                if (strv_extend(&pairs, e->string) < 0 || strv_extend(&pairs, e->valuestring) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(pairs);
        return 0;
}

/* config.Healthcheck: {Test, Interval, Timeout, StartPeriod, Retries}. Whether Test makes sense is the
 * container's business (berthd warns and runs no check); only the types are checked here. */
static int parse_healthcheck(const cJSON *config, ImageHealthcheck *ret) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(config, "Healthcheck");
        int r;

        *ret = (ImageHealthcheck){};
        if (!h || cJSON_IsNull(h))
                return 0;
        if (!cJSON_IsObject(h))
                return -EBADMSG;
        r = get_strv_checked(h, "Test", &ret->test);
        if (r < 0)
                return r;
        ret->interval_ns = get_nonnegative(h, "Interval");
        ret->timeout_ns = get_nonnegative(h, "Timeout");
        ret->start_period_ns = get_nonnegative(h, "StartPeriod");
        ret->retries = (int64_t)MIN(get_nonnegative(h, "Retries"), (uint64_t)INT32_MAX);
        return 0;
}

int image_config_parse(const char *data, size_t size, ImageConfig *ret_config, char ***ret_diff_ids) {
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_strv_free_ char **diff_ids = NULL;
        ImageConfig c = {};
        const cJSON *config, *rootfs;
        const char *created;
        int r;

        r = parse_json(data, size, false, &root);
        if (r < 0)
                return r;

        rootfs = cJSON_GetObjectItemCaseSensitive(root, "rootfs");
        if (!cJSON_IsObject(rootfs) || !streq_ptr(json_get_string(rootfs, "type"), "layers"))
                return -EBADMSG;
        r = get_strv_checked(rootfs, "diff_ids", &diff_ids);
        if (r < 0)
                return r;
        if (strv_length(diff_ids) == 0 || strv_length(diff_ids) > IMAGE_LAYERS_MAX)
                return -EBADMSG;
        STRV_FOREACH (d, diff_ids)
                if (!digest_is_valid(*d))
                        return -EBADMSG;

        config = cJSON_GetObjectItemCaseSensitive(root, "config");
        if (config && !cJSON_IsNull(config) && !cJSON_IsObject(config))
                return -EBADMSG;

        if ((r = get_strv_checked(config, "Env", &c.env)) < 0 ||
            (r = get_strv_checked(config, "Cmd", &c.cmd)) < 0 ||
            (r = get_strv_checked(config, "Entrypoint", &c.entrypoint)) < 0 ||
            (r = strdup_optional(json_get_string(config, "WorkingDir"), &c.working_dir)) < 0 ||
            (r = strdup_optional(json_get_string(config, "User"), &c.user)) < 0 ||
            (r = strdup_optional(json_get_string(config, "StopSignal"), &c.stop_signal)) < 0 ||
            (r = strdup_optional(json_get_string(root, "architecture"), &c.architecture)) < 0 ||
            (r = strdup_optional(json_get_string(root, "variant"), &c.variant)) < 0 ||
            (r = strdup_optional(json_get_string(root, "os"), &c.os)) < 0 ||
            (r = strdup_optional(json_get_string(root, "author"), &c.author)) < 0 ||
            (r = strdup_optional(json_get_string(root, "comment"), &c.comment)) < 0 ||
            (r = get_labels(config, &c.labels)) < 0 ||
            (r = get_object_keys(config, "ExposedPorts", &c.exposed_ports)) < 0 ||
            (r = get_object_keys(config, "Volumes", &c.volumes)) < 0 ||
            (r = parse_healthcheck(config, &c.healthcheck)) < 0) {
                image_config_done(&c);
                return r;
        }

        created = json_get_string(root, "created");
        if (created && parse_rfc3339_nsec(created, &c.created_nsec) < 0)
                c.created_nsec = 0; /* An odd date is not worth refusing an image for. */
        c.created_usec = c.created_nsec / 1000U;

        if (ret_config)
                *ret_config = c;
        else
                image_config_done(&c);
        if (ret_diff_ids)
                *ret_diff_ids = TAKE_PTR(diff_ids);
        return 0;
}

OciManifest *oci_manifest_free(OciManifest *m) {
        if (!m)
                return NULL;
        free(m->config_digest);
        strv_free(m->layer_digests);
        free(m->layer_sizes);
        free(m);
        return NULL;
}

int oci_manifest_parse(const char *data, size_t size, OciManifest **ret) {
        _cleanup_json_ cJSON *root = NULL;
        _cleanup_(oci_manifest_freep) OciManifest *m = NULL;
        const cJSON *config, *layers, *l;
        const char *media_type, *digest;
        int r;

        r = parse_json(data, size, false, &root);
        if (r < 0)
                return r;
        if (json_get_integer(root, "schemaVersion", 0) != 2)
                return -EBADMSG;
        media_type = json_get_string(root, "mediaType");
        if (media_type &&
            (streq(media_type, MEDIA_TYPE_OCI_INDEX) || streq(media_type, MEDIA_TYPE_DOCKER_MANIFEST_LIST)))
                return -EBADMSG;

        m = calloc(1, sizeof(OciManifest));
        if (!m)
                return -ENOMEM;

        config = cJSON_GetObjectItemCaseSensitive(root, "config");
        digest = json_get_string(config, "digest");
        if (!digest_is_valid(digest))
                return -EBADMSG;
        m->config_digest = strdup(digest);
        if (!m->config_digest)
                return -ENOMEM;

        layers = cJSON_GetObjectItemCaseSensitive(root, "layers");
        if (!cJSON_IsArray(layers))
                return -EBADMSG;
        cJSON_ArrayForEach (l, layers) {
                int64_t layer_size = json_get_integer(l, "size", 0);
                uint64_t *sizes;

                digest = json_get_string(l, "digest");
                if (!digest_is_valid(digest) || layer_size < 0 || m->n_layers >= IMAGE_LAYERS_MAX)
                        return -EBADMSG;
                if (strv_extend(&m->layer_digests, digest) < 0)
                        return -ENOMEM;
                sizes = realloc(m->layer_sizes, (m->n_layers + 1) * sizeof(uint64_t));
                if (!sizes)
                        return -ENOMEM;
                m->layer_sizes = sizes;
                m->layer_sizes[m->n_layers++] = (uint64_t)layer_size;
        }
        if (m->n_layers == 0)
                return -EBADMSG;

        *ret = TAKE_PTR(m);
        return 0;
}

void oci_descriptor_done(OciDescriptor *d) {
        free(d->media_type);
        free(d->digest);
        free(d->ref_name);
        free(d->image_name);
        free(d->platform_os);
        free(d->platform_architecture);
        free(d->platform_variant);
        *d = (OciDescriptor){};
}

void oci_descriptors_free(OciDescriptor *d, size_t n) {
        for (size_t i = 0; d && i < n; i++)
                oci_descriptor_done(&d[i]);
        free(d);
}

int oci_index_parse(const char *data, size_t size, OciDescriptor **ret, size_t *ret_n) {
        _cleanup_json_ cJSON *root = NULL;
        OciDescriptor *d = NULL;
        const cJSON *manifests, *e;
        size_t n = 0, count;
        int r;

        r = parse_json(data, size, false, &root);
        if (r < 0)
                return r;
        if (json_get_integer(root, "schemaVersion", 0) != 2)
                return -EBADMSG;
        manifests = cJSON_GetObjectItemCaseSensitive(root, "manifests");
        if (!manifests || cJSON_IsNull(manifests)) {
                *ret = NULL;
                *ret_n = 0;
                return 0;
        }
        if (!cJSON_IsArray(manifests))
                return -EBADMSG;
        count = (size_t)cJSON_GetArraySize(manifests);
        if (count > IMAGE_INDEX_ENTRIES_MAX)
                return -EBADMSG;
        d = calloc(MAX(count, 1U), sizeof(OciDescriptor));
        if (!d)
                return -ENOMEM;

        cJSON_ArrayForEach (e, manifests) {
                const cJSON *annotations = cJSON_GetObjectItemCaseSensitive(e, "annotations");
                const cJSON *platform = cJSON_GetObjectItemCaseSensitive(e, "platform");
                const char *digest = json_get_string(e, "digest");
                int64_t sz = json_get_integer(e, "size", 0);
                OciDescriptor *o;

                if (!cJSON_IsObject(e) || !digest_is_valid(digest) || sz < 0 || n >= count) {
                        r = -EBADMSG;
                        goto fail;
                }
                o = &d[n++];
                o->size = (uint64_t)sz;
                if ((r = strdup_optional(digest, &o->digest)) < 0 ||
                    (r = strdup_optional(json_get_string(e, "mediaType"), &o->media_type)) < 0 ||
                    (r = strdup_optional(json_get_string(annotations, ANNOTATION_REF_NAME), &o->ref_name)) <
                            0 ||
                    (r = strdup_optional(
                             json_get_string(annotations, ANNOTATION_CONTAINERD_NAME), &o->image_name)) <
                            0 ||
                    (r = strdup_optional(json_get_string(platform, "os"), &o->platform_os)) < 0 ||
                    (r = strdup_optional(
                             json_get_string(platform, "architecture"), &o->platform_architecture)) < 0 ||
                    (r = strdup_optional(json_get_string(platform, "variant"), &o->platform_variant)) < 0)
                        goto fail;
        }

        *ret = d;
        *ret_n = n;
        return 0;
fail:
        oci_descriptors_free(d, n);
        return r;
}

void docker_manifest_entries_free(DockerManifestEntry *e, size_t n) {
        for (size_t i = 0; e && i < n; i++) {
                free(e[i].config);
                strv_free(e[i].repo_tags);
                strv_free(e[i].layers);
        }
        free(e);
}

int docker_manifest_parse(const char *data, size_t size, DockerManifestEntry **ret, size_t *ret_n) {
        _cleanup_json_ cJSON *root = NULL;
        DockerManifestEntry *entries = NULL;
        const cJSON *e;
        size_t n = 0, count;
        int r;

        r = parse_json(data, size, true, &root);
        if (r < 0)
                return r;
        count = (size_t)cJSON_GetArraySize(root);
        if (count == 0 || count > IMAGE_INDEX_ENTRIES_MAX)
                return -EBADMSG;
        entries = calloc(count, sizeof(DockerManifestEntry));
        if (!entries)
                return -ENOMEM;

        cJSON_ArrayForEach (e, root) {
                const char *config = json_get_string(e, "Config");
                DockerManifestEntry *m;

                if (!cJSON_IsObject(e) || isempty(config) || n >= count) {
                        r = -EBADMSG;
                        goto fail;
                }
                m = &entries[n++];
                if ((r = strdup_optional(config, &m->config)) < 0 ||
                    (r = get_strv_checked(e, "RepoTags", &m->repo_tags)) < 0 ||
                    (r = get_strv_checked(e, "Layers", &m->layers)) < 0)
                        goto fail;
                if (strv_length(m->layers) == 0 || strv_length(m->layers) > IMAGE_LAYERS_MAX) {
                        r = -EBADMSG;
                        goto fail;
                }
        }

        *ret = entries;
        *ret_n = n;
        return 0;
fail:
        docker_manifest_entries_free(entries, n);
        return r;
}
