/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "container-host-config.h"
#include "error-set.h"
#include "json-util.h"
#include "strv.h"
#include "sysctl-spec.h"
#include "ulimit-spec.h"

#define GROUP_ADD_MAX 64U /* the runtime's limit of supplementary groups */
#define GROUP_NAME_MAX 256U

void container_host_options_done(ContainerHostOptions *o) {
        strv_free(o->devices);
        strv_free(o->group_add);
        strv_free(o->ulimits);
        strv_free(o->sysctls);
        *o = (ContainerHostOptions){};
}

void container_host_config_done(ContainerHostConfig *c) {
        container_devices_free(c->devices, c->n_devices);
        strv_free(c->group_add);
        strv_free(c->ulimits);
        strv_free(c->sysctls);
        *c = (ContainerHostConfig){};
}

static int check_group_add(char *const *groups, char **ret_error) {
        if (strv_length(groups) > GROUP_ADD_MAX)
                return error_set(ret_error, -EINVAL, "more than %u groups to add", GROUP_ADD_MAX);
        STRV_FOREACH (g, (char **)groups)
                if (isempty(*g) || strlen(*g) > GROUP_NAME_MAX || strpbrk(*g, ":,\n"))
                        return error_set(ret_error, -EINVAL, "invalid group name: \"%s\"", *g);
        return 0;
}

/* Each ulimit once, normalized to NAME=SOFT:HARD; a later one of the same name replaces the earlier. */
static int resolve_ulimits(char *const *ulimits, char ***ret, char **ret_error) {
        _cleanup_strv_free_ char **l = NULL;
        int seen[RLIMIT_NLIMITS];
        size_t n = 0;

        STRV_FOREACH (s, (char **)ulimits) {
                char text[ULIMIT_STRING_MAX];
                UlimitSpec u;
                size_t i;
                int r;

                r = ulimit_spec_parse(*s, &u, ret_error);
                if (r < 0)
                        return r;
                /* config.json holds numbers as doubles: exact up to 2^53. */
                if ((u.soft != RLIM_INFINITY && u.soft >= (UINT64_C(1) << 53)) ||
                    (u.hard != RLIM_INFINITY && u.hard >= (UINT64_C(1) << 53)))
                        return error_set(ret_error, -EINVAL, "invalid ulimit value: %s", *s);
                ulimit_spec_to_string(&u, text);
                for (i = 0; i < n && seen[i] != u.resource; i++)
                        ;
                if (i < n) {
                        char *copy = strdup(text);
                        if (!copy)
                                return -ENOMEM;
                        free(l[i]);
                        l[i] = copy;
                        continue;
                }
                if (strv_extend(&l, text) < 0)
                        return -ENOMEM;
                seen[n++] = u.resource;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int resolve_sysctls(char *const *sysctls, char ***ret, char **ret_error) {
        _cleanup_strv_free_ char **l = NULL;

        STRV_FOREACH (s, (char **)sysctls) {
                _cleanup_free_ char *key = NULL, *value = NULL;
                int r;

                r = sysctl_spec_parse(*s, &key, &value, ret_error);
                if (r < 0)
                        return r;
                if (strv_extend(&l, *s) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int container_host_config_resolve(
        const ContainerHostOptions *o, bool privileged, ContainerHostConfig *ret, char **ret_error) {
        _cleanup_(container_host_config_done) ContainerHostConfig c = {
                .privileged = privileged,
                .shm_size = o->has_shm_size && o->shm_size > 0 ? o->shm_size : SHM_SIZE_DEFAULT,
                .init = o->init,
        };
        int r;

        r = container_devices_resolve(o->devices, &c.devices, &c.n_devices, ret_error);
        if (r < 0)
                return r;
        r = check_group_add(o->group_add, ret_error);
        if (r < 0)
                return r;
        c.group_add = strv_copy(o->group_add);
        if (o->group_add && !c.group_add)
                return -ENOMEM;
        r = resolve_ulimits(o->ulimits, &c.ulimits, ret_error);
        if (r < 0)
                return r;
        r = resolve_sysctls(o->sysctls, &c.sysctls, ret_error);
        if (r < 0)
                return r;

        *ret = c;
        c = (ContainerHostConfig){};
        return 0;
}

int container_host_config_check_host_network(
        const ContainerHostConfig *c, bool host_network, char **ret_error) {
        if (!host_network)
                return 0;
        STRV_FOREACH (s, c->sysctls)
                if (strncmp(*s, "net.", 4) == 0)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "sysctl \"%.*s\" is not allowed in the host network namespace",
                                (int)strcspn(*s, "="),
                                *s);
        return 0;
}

static bool add_strv(cJSON *o, const char *key, char *const *l) {
        cJSON *a = json_from_strv(l);

        if (!a || !cJSON_AddItemToObject(o, key, a)) {
                cJSON_Delete(a);
                return false;
        }
        return true;
}

int container_host_config_to_json(const ContainerHostConfig *c, cJSON *o) {
        _cleanup_strv_free_ char **devices = NULL;
        cJSON *h;

        for (size_t i = 0; i < c->n_devices; i++) {
                char *s;
                if (container_device_to_string(&c->devices[i], &s) < 0 || strv_consume(&devices, s) < 0)
                        return -ENOMEM;
        }
        h = cJSON_AddObjectToObject(o, "HostConfig");
        if (!h || !add_strv(h, "Devices", devices) ||
            !cJSON_AddBoolToObject(h, "Privileged", c->privileged) ||
            !add_strv(h, "GroupAdd", c->group_add) || !add_strv(h, "Ulimits", c->ulimits) ||
            !add_strv(h, "Sysctls", c->sysctls) ||
            !cJSON_AddNumberToObject(h, "ShmSize", (double)c->shm_size) ||
            !cJSON_AddBoolToObject(h, "Init", c->init))
                return -ENOMEM;
        return 0;
}

int container_host_config_from_json(const cJSON *o, ContainerHostConfig *ret) {
        _cleanup_(container_host_config_done) ContainerHostConfig c = {.shm_size = SHM_SIZE_DEFAULT};
        _cleanup_strv_free_ char **devices = NULL;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "HostConfig");
        int64_t shm;
        int r;

        if (h) {
                if (!cJSON_IsObject(h))
                        return -EINVAL;
                if ((r = json_get_strv(h, "Devices", &devices)) < 0 ||
                    (r = json_get_strv(h, "GroupAdd", &c.group_add)) < 0 ||
                    (r = json_get_strv(h, "Ulimits", &c.ulimits)) < 0 ||
                    (r = json_get_strv(h, "Sysctls", &c.sysctls)) < 0)
                        return r;
                c.privileged = json_get_bool(h, "Privileged", false);
                c.init = json_get_bool(h, "Init", false);
                shm = json_get_integer(h, "ShmSize", SHM_SIZE_DEFAULT);
                c.shm_size = shm > 0 ? (uint64_t)shm : SHM_SIZE_DEFAULT;
        }
        /* Only what the unit needs: the paths and permissions (the nodes are in config.json). */
        c.devices = calloc(strv_length(devices) ?: 1, sizeof(ContainerDevice));
        if (!c.devices)
                return -ENOMEM;
        STRV_FOREACH (s, devices) {
                ContainerDevice *d = &c.devices[c.n_devices];
                char *first = strchr(*s, ':'), *last = strrchr(*s, ':');

                if (!first || first == last || strlen(last + 1) > 3)
                        return -EINVAL;
                d->path_on_host = strndup(*s, first - *s);
                d->path_in_container = strndup(first + 1, last - first - 1);
                c.n_devices++;
                if (!d->path_on_host || !d->path_in_container)
                        return -ENOMEM;
                strcpy(d->permissions, last + 1);
        }
        *ret = c;
        c = (ContainerHostConfig){};
        return 0;
}

static int add_rlimits(const ContainerHostConfig *c, cJSON *process) {
        cJSON *a;

        if (!c->ulimits)
                return 0;
        a = cJSON_AddArrayToObject(process, "rlimits");
        if (!a)
                return -ENOMEM;
        STRV_FOREACH (s, c->ulimits) {
                cJSON *e = cJSON_CreateObject();
                UlimitSpec u;

                if (ulimit_spec_parse(*s, &u, NULL) < 0)
                        return cJSON_Delete(e), -EINVAL;
                if (!e || !cJSON_AddItemToArray(a, e))
                        return cJSON_Delete(e), -ENOMEM;
                /* RLIM_INFINITY becomes 2^64 as a JSON number, which the runtime reads back as such. */
                if (!cJSON_AddStringToObject(e, "type", ulimit_resource_to_oci_name(u.resource)) ||
                    !cJSON_AddNumberToObject(e, "soft", (double)u.soft) ||
                    !cJSON_AddNumberToObject(e, "hard", (double)u.hard))
                        return -ENOMEM;
        }
        return 0;
}

static int add_sysctls(const ContainerHostConfig *c, cJSON *lnx) {
        cJSON *o;

        if (!c->sysctls)
                return 0;
        o = cJSON_AddObjectToObject(lnx, "sysctl");
        if (!o)
                return -ENOMEM;
        STRV_FOREACH (s, c->sysctls) {
                _cleanup_free_ char *key = NULL;
                const char *eq = strchr(*s, '=');

                if (!eq)
                        return -EINVAL;
                key = strndup(*s, eq - *s);
                if (!key)
                        return -ENOMEM;
                cJSON_DeleteItemFromObjectCaseSensitive(o, key); /* the last one wins */
                if (!cJSON_AddStringToObject(o, key, eq + 1))
                        return -ENOMEM;
        }
        return 0;
}

static int add_devices(const ContainerHostConfig *c, cJSON *lnx) {
        ContainerDevice *all = NULL;
        size_t n_all = 0;
        cJSON *a;
        int r;

        if (!c->privileged && c->n_devices == 0)
                return 0;
        a = cJSON_AddArrayToObject(lnx, "devices");
        if (!a)
                return -ENOMEM;
        if (c->privileged) {
                r = container_devices_enumerate("/dev", &all, &n_all);
                if (r < 0)
                        return r;
                r = container_devices_to_oci(all, n_all, a);
                container_devices_free(all, n_all);
                if (r < 0)
                        return r;
        }
        return container_devices_to_oci(c->devices, c->n_devices, a);
}

int container_host_config_to_spec(const ContainerHostConfig *c, cJSON *spec) {
        cJSON *process = cJSON_GetObjectItemCaseSensitive(spec, "process"),
              *lnx = cJSON_GetObjectItemCaseSensitive(spec, "linux"),
              *annotations = cJSON_GetObjectItemCaseSensitive(spec, "annotations");
        int r;

        if (!process || !lnx || !annotations)
                return -EINVAL;
        r = add_rlimits(c, process);
        if (r < 0)
                return r;
        r = add_sysctls(c, lnx);
        if (r < 0)
                return r;
        r = add_devices(c, lnx);
        if (r < 0)
                return r;
        if (c->group_add) {
                _cleanup_free_ char *groups = strv_join(c->group_add, ",");
                if (!groups || !cJSON_AddStringToObject(annotations, "org.berth.group-add", groups))
                        return -ENOMEM;
        }
        if (c->init && !cJSON_AddStringToObject(annotations, "org.berth.init", "true"))
                return -ENOMEM;
        return 0;
}

int container_host_config_device_allow(
        const ContainerHostConfig *c, char ***ret_paths, char ***ret_permissions) {
        _cleanup_strv_free_ char **paths = NULL, **permissions = NULL;

        for (size_t i = 0; i < c->n_devices; i++) {
                char p[5];

                (void)snprintf(
                        p,
                        sizeof(p),
                        "%s%s",
                        c->devices[i].permissions,
                        strchr(c->devices[i].permissions, 'm') ? "" : "m");
                if (strv_extend(&paths, c->devices[i].path_on_host) < 0 || strv_extend(&permissions, p) < 0)
                        return -ENOMEM;
        }
        *ret_paths = TAKE_PTR(paths);
        *ret_permissions = TAKE_PTR(permissions);
        return 0;
}
