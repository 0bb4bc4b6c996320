/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "error-set.h"
#include "macro.h"
#include "runtime-spec.h"
#include "strv.h"
#include "userns-spec.h"

static int id_from_json(const cJSON *v, uint32_t *ret) {
        if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 4294967295.0 ||
            v->valuedouble != (double)(uint32_t)v->valuedouble)
                return -EINVAL;
        *ret = (uint32_t)v->valuedouble;
        return 0;
}

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b) {
        return (uint64_t)a < (uint64_t)b + size_b && (uint64_t)b < (uint64_t)a + size_a;
}

static int parse_map(const cJSON *lnx, const char *key, IdMap *ret, char **error) {
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(lnx, key), *e;
        size_t n;

        if (!a || cJSON_IsNull(a))
                return 0;
        if (!cJSON_IsArray(a))
                return error_set(error, -EINVAL, "linux.%s: must be an array", key);
        n = (size_t)cJSON_GetArraySize(a);
        if (n == 0 || n > RUNTIME_SPEC_MAX_ID_MAPPINGS)
                return error_set(
                        error, -EINVAL, "linux.%s: 1…%u entries", key, RUNTIME_SPEC_MAX_ID_MAPPINGS);
        ret->entries = calloc(n, sizeof(IdMapping));
        if (!ret->entries)
                return -ENOMEM;

        cJSON_ArrayForEach (e, a) {
                IdMapping *m = &ret->entries[ret->n];

                if (!cJSON_IsObject(e) ||
                    id_from_json(cJSON_GetObjectItemCaseSensitive(e, "containerID"), &m->container_id) < 0 ||
                    id_from_json(cJSON_GetObjectItemCaseSensitive(e, "hostID"), &m->host_id) < 0 ||
                    id_from_json(cJSON_GetObjectItemCaseSensitive(e, "size"), &m->size) < 0)
                        return error_set(
                                error,
                                -EINVAL,
                                "linux.%s[%zu]: must be {\"containerID\", \"hostID\", \"size\"} of integers "
                                "0…4294967295",
                                key,
                                ret->n);
                if (m->size == 0 || (uint64_t)m->container_id + m->size > UINT32_MAX ||
                    (uint64_t)m->host_id + m->size > UINT32_MAX)
                        return error_set(
                                error, -EINVAL, "linux.%s[%zu]: size 0 or past the last id", key, ret->n);
                /* The kernel refuses overlapping lines; say which. */
                for (size_t i = 0; i < ret->n; i++)
                        if (ranges_overlap(
                                    ret->entries[i].container_id,
                                    m->container_id,
                                    ret->entries[i].size,
                                    m->size) ||
                            ranges_overlap(
                                    ret->entries[i].host_id, m->host_id, ret->entries[i].size, m->size))
                                return error_set(
                                        error, -EINVAL, "linux.%s[%zu]: overlaps entry %zu", key, ret->n, i);
                ret->n++;
        }
        return 0;
}

int runtime_spec_parse_id_mappings(const cJSON *lnx, RuntimeSpec *s, char **error) {
        int r;

        r = parse_map(lnx, "uidMappings", &s->uid_map, error);
        if (r < 0)
                return r;
        return parse_map(lnx, "gidMappings", &s->gid_map, error);
}

static bool maps_root(const IdMap *m) {
        for (size_t i = 0; i < m->n; i++)
                if (m->entries[i].container_id == 0)
                        return true;
        return false;
}

int runtime_spec_check_userns(const RuntimeSpec *s, char **error) {
        bool userns = s->namespace_flags & CLONE_NEWUSER;

        if (userns && (s->uid_map.n == 0 || s->gid_map.n == 0))
                return error_set(
                        error, -EINVAL, "linux.uidMappings, gidMappings: a user namespace needs both");
        if (!userns && (s->uid_map.n > 0 || s->gid_map.n > 0))
                return error_set(
                        error, -EINVAL, "linux.uidMappings, gidMappings: only with a \"user\" namespace");
        if (userns && (!maps_root(&s->uid_map) || !maps_root(&s->gid_map)))
                return error_set(error, -EINVAL, "linux.uidMappings, gidMappings: must map container id 0");
        for (size_t i = 0; i < s->n_mounts; i++) {
                const RuntimeMount *m = &s->mounts[i];

                if (!strv_contains(m->options, "idmap"))
                        continue;
                if (!streq(m->destination, "/") && !streq(m->type, "bind"))
                        return error_set(
                                error,
                                -EINVAL,
                                "mounts[%zu].options: \"idmap\" is supported on the \"/\" overlay and bind "
                                "mounts only",
                                i);
                if (!userns)
                        return error_set(
                                error,
                                -EINVAL,
                                "mounts[%zu].options: \"idmap\" needs a \"user\" namespace",
                                i);
        }
        return 0;
}

void runtime_spec_userns_done(RuntimeSpec *s) {
        free(s->uid_map.entries);
        free(s->gid_map.entries);
        s->uid_map = s->gid_map = (IdMap){};
}

int id_map_format(const IdMap *m, char **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < m->n; i++)
                fprintf(f,
                        "%" PRIu32 " %" PRIu32 " %" PRIu32 "\n",
                        m->entries[i].container_id,
                        m->entries[i].host_id,
                        m->entries[i].size);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}
