/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <string.h>

#include "fileio.h"
#include "json-util.h"
#include "strv.h"

const char *json_get_string(const cJSON *o, const char *key) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t json_get_integer(const cJSON *o, const char *key, int64_t def) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        if (!cJSON_IsNumber(v))
                return def;
        if (v->valuedouble >= 9.2e18 || v->valuedouble <= -9.2e18)
                return def;
        return (int64_t)v->valuedouble;
}

bool json_get_bool(const cJSON *o, const char *key, bool def) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
        return cJSON_IsBool(v) ? cJSON_IsTrue(v) : def;
}

int json_get_strv(const cJSON *o, const char *key, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;
        const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key), *e;

        if (!a || cJSON_IsNull(a)) {
                *ret = NULL;
                return 0;
        }
        if (!cJSON_IsArray(a))
                return -EINVAL;
        cJSON_ArrayForEach (e, a) {
                if (!cJSON_IsString(e))
                        return -EINVAL;
                if (strv_extend(&l, e->valuestring) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

cJSON *json_from_strv(char *const *l) {
        cJSON *a = cJSON_CreateArray();
        if (!a)
                return NULL;
        for (size_t i = 0; l && l[i]; i++) {
                cJSON *s = cJSON_CreateString(l[i]);
                if (!s) {
                        cJSON_Delete(a);
                        return NULL;
                }
                cJSON_AddItemToArray(a, s);
        }
        return a;
}

int json_parse_file_at(int dir_fd, const char *path, size_t max_size, cJSON **ret) {
        _cleanup_free_ char *buf = NULL;
        size_t size;
        cJSON *o;
        int r;

        r = read_full_file_at(dir_fd, path, max_size, &buf, &size);
        if (r < 0)
                return r;
        o = cJSON_ParseWithLength(buf, size);
        if (!o)
                return -EINVAL;
        *ret = o;
        return 0;
}

int json_write_file_atomic_at(int dir_fd, const char *path, const cJSON *o) {
        _cleanup_free_ char *s = cJSON_PrintUnformatted(o);
        if (!s)
                return -ENOMEM;
        return write_file_atomic_at(dir_fd, path, s, strlen(s), 0644);
}
