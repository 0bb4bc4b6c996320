/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sched.h>
#include <string.h>
#include <sys/stat.h>

#include "error-set.h"
#include "runtime-spec.h"
#include "sysctl-spec.h"
#include "ulimit-spec.h"

#define TWO_TO_THE_64 18446744073709551616.0
#define TWO_TO_THE_53 9007199254740992.0

void runtime_spec_host_done(RuntimeSpec *s) {
        for (size_t i = 0; i < s->n_sysctls; i++) {
                free(s->sysctls[i].path);
                free(s->sysctls[i].value);
        }
        free(s->sysctls);
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        free(s->rlimits);
}

/* An array (or nothing) of at most max objects, of which *ret gets room for all. */
static int get_array(
        const cJSON *o,
        const char *key,
        const char *where,
        size_t max,
        size_t size,
        void **ret,
        char **error) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
        size_t n;

        *ret = NULL;
        if (!a || cJSON_IsNull(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "%s%s: must be an array", where, key);
        n = (size_t)cJSON_GetArraySize(a);
        if (n > max)
                return error_set(error, -EINVAL, "%s%s: more than %zu entries", where, key, max);
        if (n == 0)
                return 0;
        *ret = calloc(n, size);
        return *ret ? 1 : -ENOMEM;
}

static int get_limit(const cJSON *e, const char *key, size_t i, uint64_t *ret, char **error) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

        if (!cJSON_IsNumber(v) || v->valuedouble < 0 ||
            (v->valuedouble != TWO_TO_THE_64 &&
             (v->valuedouble >= TWO_TO_THE_53 || v->valuedouble != (double)(uint64_t)v->valuedouble)))
                return error_set(
                        error,
                        -EINVAL,
                        "process.rlimits[%zu].%s: must be an integer 0…2^53 or 2^64",
                        i,
                        key);
        *ret = v->valuedouble == TWO_TO_THE_64 ? RLIM_INFINITY : (uint64_t)v->valuedouble;
        return 0;
}

int runtime_spec_parse_rlimits(const cJSON *process, RuntimeSpec *s, char **error) {
        const cJSON *e;
        void *l;
        int r;

        r = get_array(
                process, "rlimits", "process.", RUNTIME_SPEC_MAX_RLIMITS, sizeof(RuntimeRlimit), &l, error);
        if (r <= 0)
                return r;
        s->rlimits = l;
        cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(process, "rlimits")) {
                size_t i = s->n_rlimits;
                RuntimeRlimit *rl = &s->rlimits[i];
                const cJSON *type = cJSON_GetObjectItemCaseSensitive(e, "type");

                rl->resource =
                        cJSON_IsString(type) ? ulimit_resource_from_oci_name(type->valuestring) : -EINVAL;
                if (rl->resource < 0)
                        return error_set(error, -EINVAL, "process.rlimits[%zu].type: unknown", i);
                for (size_t j = 0; j < i; j++)
                        if (s->rlimits[j].resource == rl->resource)
                                return error_set(
                                        error, -EINVAL, "process.rlimits[%zu].type: given twice", i);
                r = get_limit(e, "soft", i, &rl->soft, error);
                if (r < 0)
                        return r;
                r = get_limit(e, "hard", i, &rl->hard, error);
                if (r < 0)
                        return r;
                if (rl->soft > rl->hard)
                        return error_set(error, -EINVAL, "process.rlimits[%zu]: soft above hard", i);
                s->n_rlimits++;
        }
        return 0;
}

/* A sysctl of a namespace the container shares with the host would change the host: refused. */
static const char *shared_namespace(const RuntimeSpec *s, const char *key) {
        if (strncmp(key, "net.", 4) == 0)
                return (s->namespace_flags & CLONE_NEWNET) || s->netns_path ? NULL : "network";
        if (streq(key, "kernel.domainname"))
                return s->namespace_flags & CLONE_NEWUTS ? NULL : "UTS";
        return s->namespace_flags & CLONE_NEWIPC ? NULL : "IPC";
}

int runtime_spec_parse_sysctl(const cJSON *lnx, RuntimeSpec *s, char **error) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(lnx, "sysctl"), *e;
        size_t n;

        if (!o || cJSON_IsNull(o))
                return 0;
        if (!cJSON_IsObject(o))
                return error_set(error, -EINVAL, "linux.sysctl: must be an object");
        n = (size_t)cJSON_GetArraySize(o);
        if (n > RUNTIME_SPEC_MAX_SYSCTLS)
                return error_set(
                        error, -EINVAL, "linux.sysctl: more than %u entries", RUNTIME_SPEC_MAX_SYSCTLS);
        if (n == 0)
                return 0;
        s->sysctls = calloc(n, sizeof(RuntimeSysctl));
        if (!s->sysctls)
                return -ENOMEM;
        cJSON_ArrayForEach (e, o) {
                RuntimeSysctl *sc = &s->sysctls[s->n_sysctls];

                /* Only what lives in the container's own namespaces: never a host-wide setting. */
                if (!sysctl_key_namespaced(e->string))
                        return error_set(
                                error,
                                -EINVAL,
                                "linux.sysctl: \"%.64s\" is not a namespaced sysctl",
                                e->string);
                if (shared_namespace(s, e->string))
                        return error_set(
                                error,
                                -EINVAL,
                                "linux.sysctl: \"%s\" is not allowed in the host's %s namespace",
                                e->string,
                                shared_namespace(s, e->string));
                if (!cJSON_IsString(e) || strchr(e->valuestring, '\n') ||
                    strlen(e->valuestring) > SYSCTL_VALUE_MAX)
                        return error_set(
                                error, -EINVAL, "linux.sysctl.%s: must be a one-line string", e->string);
                sc->path = sysctl_key_to_path(e->string);
                sc->value = strdup(e->valuestring);
                s->n_sysctls++;
                if (!sc->path || !sc->value)
                        return -ENOMEM;
        }
        return 0;
}

static int get_u32(const cJSON *e, const char *key, uint32_t max, uint32_t *ret) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);

        if (!v)
                return 0; /* absent: 0, as OCI's defaults for uid, gid and fileMode */
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > max ||
            v->valuedouble != (double)(uint32_t)v->valuedouble)
                return -EINVAL;
        *ret = (uint32_t)v->valuedouble;
        return 0;
}

int runtime_spec_parse_devices(const cJSON *lnx, RuntimeSpec *s, char **error) {
        const cJSON *e;
        void *l;
        int r;

        r = get_array(lnx, "devices", "linux.", RUNTIME_SPEC_MAX_DEVICES, sizeof(RuntimeDevice), &l, error);
        if (r <= 0)
                return r;
        s->devices = l;
        cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive(lnx, "devices")) {
                size_t i = s->n_devices;
                RuntimeDevice *d = &s->devices[i];
                const cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path"),
                            *type = cJSON_GetObjectItemCaseSensitive(e, "type");
                uint32_t major = 0, minor = 0, mode = 0, uid = 0, gid = 0;

                /* Only below /dev, the tmpfs the runtime fills: a node elsewhere would land in the image. */
                if (!cJSON_IsString(path) || strncmp(path->valuestring, "/dev/", 5) != 0 ||
                    strlen(path->valuestring) > RUNTIME_SPEC_MAX_PATH_LEN ||
                    strstr(path->valuestring, "/.."))
                        return error_set(
                                error, -EINVAL, "linux.devices[%zu].path: must be a path below /dev", i);
                if (!cJSON_IsString(type) ||
                    (!streq(type->valuestring, "c") && !streq(type->valuestring, "b")))
                        return error_set(
                                error, -EINVAL, "linux.devices[%zu].type: must be \"c\" or \"b\"", i);
                if (get_u32(e, "major", 4095, &major) < 0 || get_u32(e, "minor", 1048575, &minor) < 0 ||
                    get_u32(e, "fileMode", 07777, &mode) < 0 ||
                    get_u32(e, "uid", UINT32_MAX - 1, &uid) < 0 ||
                    get_u32(e, "gid", UINT32_MAX - 1, &gid) < 0)
                        return error_set(
                                error,
                                -EINVAL,
                                "linux.devices[%zu]: major, minor, fileMode, uid or gid out of range",
                                i);
                d->path = strdup(path->valuestring);
                if (!d->path)
                        return -ENOMEM;
                d->mode = (streq(type->valuestring, "c") ? S_IFCHR : S_IFBLK) | mode;
                d->major = major;
                d->minor = minor;
                d->uid = uid;
                d->gid = gid;
                s->n_devices++;
        }
        return 0;
}
