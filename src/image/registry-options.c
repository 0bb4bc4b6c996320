/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "registry-options.h"
#include "strv.h"

#define DAEMON_JSON_SIZE_MAX (1024U * 1024U)
#define DOCKER_HUB "docker.io"

void registry_options_done(RegistryOptions *o) {
        o->mirrors = strv_free(o->mirrors);
        for (size_t i = 0; i < o->n_registries; i++) {
                free(o->registries[i].registry);
                strv_free(o->registries[i].mirrors);
        }
        free(o->registries);
        o->registries = NULL;
        o->n_registries = 0;
        o->insecure = strv_free(o->insecure);
}

static int json_strings(const cJSON *root, const char *key, char ***ret) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key), *e;

        if (!a || cJSON_IsNull(a))
                return 0;
        if (!cJSON_IsArray(a))
                return log_error_errno(EINVAL, "daemon.json: \"%s\" must be an array of strings.", key);
        cJSON_ArrayForEach (e, a) {
                if (!cJSON_IsString(e) || isempty(e->valuestring))
                        return log_error_errno(
                                EINVAL, "daemon.json: \"%s\" must be an array of strings.", key);
                if (strv_extend(ret, e->valuestring) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/* Docker's ValidateMirror: an http(s) URL with nothing after the host but an optional "/". */
static int mirror_normalize(char *url) {
        const char *host;
        size_t n = strlen(url);

        if (strncmp(url, "http://", 7) == 0)
                host = url + 7;
        else if (strncmp(url, "https://", 8) == 0)
                host = url + 8;
        else
                return log_error_errno(
                        EINVAL, "daemon.json: invalid mirror: unsupported scheme in \"%s\".", url);
        if (n > 0 && url[n - 1] == '/')
                url[--n] = 0;
        if (isempty(host) || strpbrk(host, "/?#@ \t\n"))
                return log_error_errno(
                        EINVAL,
                        "daemon.json: invalid mirror: path, query, or fragment at end of \"%s\".",
                        url);
        return 0;
}

static int mirrors_normalize(char **mirrors) {
        STRV_FOREACH (m, mirrors) {
                int r = mirror_normalize(*m);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* "registries": {"quay.io": {"mirrors": [...]}} */
static int parse_registries(const cJSON *root, RegistryOptions *o) {
        const cJSON *regs = cJSON_GetObjectItemCaseSensitive(root, "registries"), *e;
        int r;

        if (!regs || cJSON_IsNull(regs))
                return 0;
        if (!cJSON_IsObject(regs))
                return log_error_errno(EINVAL, "daemon.json: \"registries\" must be an object.");
        cJSON_ArrayForEach (e, regs) {
                RegistryMirrors *m;

                if (isempty(e->string) || strpbrk(e->string, "/ \t\n") || !cJSON_IsObject(e))
                        return log_error_errno(
                                EINVAL,
                                "daemon.json: \"registries\" maps registry names to objects (\"%s\").",
                                e->string ?: "");
                m = realloc(o->registries, (o->n_registries + 1) * sizeof(RegistryMirrors));
                if (!m)
                        return -ENOMEM;
                o->registries = m;
                m = &o->registries[o->n_registries];
                *m = (RegistryMirrors){.registry = strdup(e->string)};
                if (!m->registry)
                        return -ENOMEM;
                o->n_registries++;
                r = json_strings(e, "mirrors", &m->mirrors);
                if (r < 0)
                        return r;
                r = mirrors_normalize(m->mirrors);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* Docker drops a scheme written in front of an insecure registry, with a warning. */
static int insecure_normalize(char **insecure) {
        STRV_FOREACH (i, insecure) {
                size_t skip = strncmp(*i, "http://", 7) == 0 ? 7 : strncmp(*i, "https://", 8) == 0 ? 8 : 0;
                size_t n;

                memmove(*i, *i + skip, strlen(*i + skip) + 1);
                n = strlen(*i);
                if (n > 0 && (*i)[n - 1] == '/')
                        (*i)[--n] = 0;
                if (n == 0 || strpbrk(*i, "?#@ \t\n"))
                        return log_error_errno(EINVAL, "daemon.json: invalid insecure registry \"%s\".", *i);
        }
        return 0;
}

static int parse_unsigned(const cJSON *root, const char *key, uint64_t min, uint64_t max, uint64_t *ret) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

        if (!v || cJSON_IsNull(v))
                return 0;
        /* cJSON keeps numbers as doubles: integers up to 2^53 are exact. */
        /* The range first: converting a double outside uint64_t's range is undefined. */
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= (double)min && v->valuedouble <= (double)max) ||
            v->valuedouble != (double)(uint64_t)v->valuedouble)
                return log_error_errno(
                        EINVAL,
                        "daemon.json: \"%s\" must be an integer from %" PRIu64 " to %" PRIu64 ".",
                        key,
                        min,
                        max);
        *ret = (uint64_t)v->valuedouble;
        return 0;
}

int registry_options_parse(const char *data, size_t size, RegistryOptions *ret) {
        _cleanup_(registry_options_done) RegistryOptions o = {
                .max_concurrent_downloads = REGISTRY_DOWNLOADS_DEFAULT,
        };
        _cleanup_json_ cJSON *root = NULL;
        uint64_t downloads = REGISTRY_DOWNLOADS_DEFAULT;
        int r;

        root = cJSON_ParseWithLength(data, size);
        if (!cJSON_IsObject(root))
                return log_error_errno(EINVAL, "daemon.json is not a JSON object.");
        if ((r = json_strings(root, "registry-mirrors", &o.mirrors)) < 0 ||
            (r = mirrors_normalize(o.mirrors)) < 0 || (r = parse_registries(root, &o)) < 0 ||
            (r = json_strings(root, "insecure-registries", &o.insecure)) < 0 ||
            (r = insecure_normalize(o.insecure)) < 0 ||
            (r = parse_unsigned(root, "max-concurrent-downloads", 1, REGISTRY_DOWNLOADS_MAX, &downloads)) <
                    0 ||
            (r = parse_unsigned(root, "max-layer-size", 1, UINT64_C(1) << 53, &o.max_layer_size)) < 0)
                return r;
        o.max_concurrent_downloads = (unsigned)downloads;
        *ret = o;
        o = (RegistryOptions){};
        return 0;
}

int registry_options_load(const char *path, RegistryOptions *ret) {
        _cleanup_free_ char *data = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, DAEMON_JSON_SIZE_MAX, &data, &size);
        if (r == -ENOENT) {
                *ret = (RegistryOptions){.max_concurrent_downloads = REGISTRY_DOWNLOADS_DEFAULT};
                return 0;
        }
        if (r < 0)
                return log_error_errno(r, "Cannot read %s: %m", path);
        r = registry_options_parse(data, size, ret);
        if (r < 0)
                return log_error_errno(r, "Invalid registry settings in %s.", path);
        return 0;
}

int registry_options_mirrors(const RegistryOptions *o, const char *registry, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        if (o && streq(registry, DOCKER_HUB))
                STRV_FOREACH (m, o->mirrors)
                        if (!strv_contains(l, *m) && strv_extend(&l, *m) < 0)
                                return -ENOMEM;
        for (size_t i = 0; o && i < o->n_registries; i++)
                if (streq(o->registries[i].registry, registry))
                        STRV_FOREACH (m, o->registries[i].mirrors)
                                if (!strv_contains(l, *m) && strv_extend(&l, *m) < 0)
                                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

/* host:port → host; "[::1]:5000" → "::1". buf has room for any host. */
static const char *host_without_port(const char *host, char *buf, size_t size) {
        const char *end;

        if (host[0] == '[') {
                end = strchr(host, ']');
                if (!end || (size_t)(end - host - 1) >= size)
                        return NULL;
                memcpy(buf, host + 1, end - host - 1);
                buf[end - host - 1] = 0;
                return buf;
        }
        end = strchr(host, ':');
        if (end && strchr(end + 1, ':'))
                end = NULL; /* a bare IPv6 address */
        if (!end)
                end = host + strlen(host);
        if ((size_t)(end - host) >= size)
                return NULL;
        memcpy(buf, host, end - host);
        buf[end - host] = 0;
        return buf;
}

/* Whether the IP literal ip lies in the network cidr ("10.0.0.0/8", "fd00::/8"). */
static bool cidr_contains(const char *cidr, const char *ip) {
        unsigned char net[16], addr[16];
        char prefix_text[INET6_ADDRSTRLEN];
        const char *slash = strchr(cidr, '/');
        char *end;
        unsigned long bits;
        int family;
        size_t len;

        if (!slash || (size_t)(slash - cidr) >= sizeof(prefix_text))
                return false;
        memcpy(prefix_text, cidr, slash - cidr);
        prefix_text[slash - cidr] = 0;
        family = strchr(prefix_text, ':') ? AF_INET6 : AF_INET;
        len = family == AF_INET6 ? 16 : 4;
        errno = 0;
        bits = strtoul(slash + 1, &end, 10);
        if (errno != 0 || *end || end == slash + 1 || bits > len * 8)
                return false;
        if (inet_pton(family, prefix_text, net) != 1 || inet_pton(family, ip, addr) != 1)
                return false;
        for (size_t i = 0; i < len && bits > 0; i++, bits = bits >= 8 ? bits - 8 : 0) {
                unsigned char mask = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
                if ((net[i] & mask) != (addr[i] & mask))
                        return false;
        }
        return true;
}

bool registry_options_is_insecure(const RegistryOptions *o, const char *host) {
        char buf[256];
        const char *bare;

        if (!o || !host)
                return false;
        if (strv_contains(o->insecure, host))
                return true;
        bare = host_without_port(host, buf, sizeof(buf));
        if (!bare)
                return false;
        STRV_FOREACH (i, o->insecure)
                if (strchr(*i, '/') && cidr_contains(*i, bare))
                        return true;
        return false;
}
