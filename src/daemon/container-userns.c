/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "container-userns.h"
#include "error-set.h"
#include "fileio.h"
#include "json-util.h"
#include "macro.h"
#include "manager.h"

void container_userns_options_done(ContainerUsernsOptions *o) {
        free(o->mode);
        o->mode = NULL;
}

int container_userns_parse_mode(const char *mode, uint32_t *ret_size, char **ret_error) {
        const char *size;
        char *end;
        unsigned long v;

        if (isempty(mode) || streq(mode, "host")) {
                *ret_size = 0;
                return 0;
        }
        if (streq(mode, "auto")) {
                *ret_size = USERNS_SIZE_DEFAULT;
                return 0;
        }
        if (strncmp(mode, "auto:", 5) != 0 || strncmp(mode + 5, "size=", 5) != 0)
                return error_set(
                        ret_error, -EINVAL, "invalid USER mode %.64s: use host, auto or auto:size=N", mode);
        size = mode + 10;
        errno = 0;
        v = strtoul(size, &end, 10);
        if (errno != 0 || end == size || *end != 0 || size[0] < '1' || size[0] > '9' || v > USERNS_SIZE_MAX)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid USER mode %.64s: size must be 1 to %u",
                        mode,
                        USERNS_SIZE_MAX);
        *ret_size = (uint32_t)v;
        return 0;
}

static int allocate_one(
        uint32_t size,
        const char *file,
        const char *text,
        const SubidRange *used,
        size_t n_used,
        uint32_t *ret_start,
        char **ret_error) {
        _cleanup_free_ SubidRange *ranges = NULL;
        size_t n_ranges = 0;
        unsigned line = 0;
        int r;

        if (text) {
                r = subid_ranges_parse(text, strlen(text), SUBID_OWNER, &ranges, &n_ranges, &line);
                if (r == -EINVAL)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "%s:%u: not a valid \"name:start:count\" line for " SUBID_OWNER,
                                file,
                                line);
                if (r < 0)
                        return r;
        }
        if (n_ranges == 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "--userns=auto needs subordinate ids for \"" SUBID_OWNER "\" in %s, e.g. the line "
                        "\"" SUBID_OWNER ":1000000:1000000000\"",
                        file);
        r = subid_range_allocate(ranges, n_ranges, used, n_used, size, ret_start);
        if (r == -ENOSPC)
                return error_set(
                        ret_error,
                        -ENOSPC,
                        "no free range of %u ids left among those of " SUBID_OWNER " in %s",
                        size,
                        file);
        return r;
}

int container_userns_allocate(
        uint32_t size,
        const char *subuid_text,
        const char *subgid_text,
        const ContainerUserns *in_use,
        size_t n_in_use,
        ContainerUserns *ret,
        char **ret_error) {
        _cleanup_free_ SubidRange *uids = NULL, *gids = NULL;
        size_t n = 0;
        uint32_t uid_start, gid_start;
        int r;

        uids = calloc(n_in_use + 1, sizeof(SubidRange));
        gids = calloc(n_in_use + 1, sizeof(SubidRange));
        if (!uids || !gids)
                return -ENOMEM;
        for (size_t i = 0; i < n_in_use; i++) {
                if (in_use[i].size == 0)
                        continue;
                uids[n] = (SubidRange){.start = in_use[i].uid_start, .count = in_use[i].size};
                gids[n++] = (SubidRange){.start = in_use[i].gid_start, .count = in_use[i].size};
        }
        r = allocate_one(size, "/etc/subuid", subuid_text, uids, n, &uid_start, ret_error);
        if (r < 0)
                return r;
        r = allocate_one(size, "/etc/subgid", subgid_text, gids, n, &gid_start, ret_error);
        if (r < 0)
                return r;
        *ret = (ContainerUserns){.uid_start = uid_start, .gid_start = gid_start, .size = size};
        return 0;
}

int container_userns_to_json(const ContainerUserns *u, cJSON *state) {
        cJSON *o;

        if (u->size == 0)
                return 0;
        o = cJSON_AddObjectToObject(state, "Userns");
        if (!o || !cJSON_AddNumberToObject(o, "UidStart", u->uid_start) ||
            !cJSON_AddNumberToObject(o, "GidStart", u->gid_start) ||
            !cJSON_AddNumberToObject(o, "Size", u->size))
                return -ENOMEM;
        return 0;
}

int container_userns_from_json(const cJSON *state, ContainerUserns *ret) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(state, "Userns");
        int64_t uid, gid, size;

        if (!o) {
                *ret = (ContainerUserns){};
                return 0;
        }
        uid = json_get_integer(o, "UidStart", -1);
        gid = json_get_integer(o, "GidStart", -1);
        size = json_get_integer(o, "Size", -1);
        if (!cJSON_IsObject(o) || uid < 1 || gid < 1 || size < 1 || size > USERNS_SIZE_MAX ||
            uid + size > UINT32_MAX || gid + size > UINT32_MAX)
                return -EINVAL;
        *ret = (ContainerUserns){
                .uid_start = (uint32_t)uid, .gid_start = (uint32_t)gid, .size = (uint32_t)size};
        return 0;
}

static int add_mapping(cJSON *lnx, const char *key, uint32_t host_start, uint32_t size) {
        cJSON *a, *m;

        a = cJSON_AddArrayToObject(lnx, key);
        m = cJSON_CreateObject();
        if (!a || !m || !cJSON_AddItemToArray(a, m)) {
                cJSON_Delete(m);
                return -ENOMEM;
        }
        if (!cJSON_AddNumberToObject(m, "containerID", 0) ||
            !cJSON_AddNumberToObject(m, "hostID", host_start) || !cJSON_AddNumberToObject(m, "size", size))
                return -ENOMEM;
        return 0;
}

/* Is path a file directly in the bundle (hostname, hosts, resolv.conf)? */
static bool in_bundle(const char *path, const char *bundle) {
        size_t n = strlen(bundle);
        return path && strncmp(path, bundle, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

/* "idmap" on the "/" overlay, so that the runtime mounts the image's layers idmapped (userns.h in
 * src/runtime), and on the binds of the container's own files in the bundle, so that they are its root's
 * as in Docker. Volumes and host paths keep their owners. */
static int add_idmap_options(cJSON *spec, const char *bundle) {
        const cJSON *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts"), *m;
        bool rootfs = false;

        cJSON_ArrayForEach (m, mounts) {
                cJSON *options = cJSON_GetObjectItemCaseSensitive(m, "options");
                bool is_root = streq_ptr(json_get_string(m, "destination"), "/");

                if (!is_root && !(streq_ptr(json_get_string(m, "type"), "bind") &&
                                  in_bundle(json_get_string(m, "source"), bundle)))
                        continue;
                if (!cJSON_IsArray(options))
                        return -EINVAL;
                if (!cJSON_AddItemToArray(options, cJSON_CreateString("idmap")))
                        return -ENOMEM;
                rootfs = rootfs || is_root;
        }
        return rootfs ? 0 : -EINVAL;
}

/* A user namespace may mount a sysfs only as read-only as the one it sees (a read-only /sys on the host
 * locks it so), and its root could change nothing there anyway. */
static int sysfs_read_only(cJSON *spec) {
        const cJSON *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts"), *m;

        cJSON_ArrayForEach (m, mounts) {
                cJSON *options = cJSON_GetObjectItemCaseSensitive(m, "options");
                const cJSON *o;
                bool ro = false;

                if (!streq_ptr(json_get_string(m, "type"), "sysfs"))
                        continue;
                if (!cJSON_IsArray(options))
                        return -EINVAL;
                cJSON_ArrayForEach (o, options)
                        ro = ro || streq_ptr(cJSON_GetStringValue(o), "ro");
                if (!ro && !cJSON_AddItemToArray(options, cJSON_CreateString("ro")))
                        return -ENOMEM;
        }
        return 0;
}

/* A user namespace cannot mknod(): each --device becomes a bind mount of the host's node instead of an
 * entry of linux.devices, as runc does. Inside, the node keeps its host owner (nobody, unless it is one of
 * the container's ids) and mode; the unit's device policy applies as before. */
static int devices_to_binds(cJSON *spec, const ContainerDevice *devices, size_t n_devices) {
        cJSON *lnx = cJSON_GetObjectItemCaseSensitive(spec, "linux"),
              *mounts = cJSON_GetObjectItemCaseSensitive(spec, "mounts");
        const char *const options[] = {"bind", "nosuid", "noexec", NULL};

        if (n_devices == 0)
                return 0;
        if (!cJSON_IsArray(mounts))
                return -EINVAL;
        /* Without --privileged (refused with a user namespace) it holds the --device nodes only. */
        cJSON_DeleteItemFromObjectCaseSensitive(lnx, "devices");
        for (size_t i = 0; i < n_devices; i++) {
                cJSON *m = cJSON_CreateObject(), *o = json_from_strv((char **)options);

                if (!m || !o || !cJSON_AddItemToArray(mounts, m)) {
                        cJSON_Delete(m);
                        cJSON_Delete(o);
                        return -ENOMEM;
                }
                if (!cJSON_AddItemToObject(m, "options", o)) {
                        cJSON_Delete(o);
                        return -ENOMEM;
                }
                if (!cJSON_AddStringToObject(m, "destination", devices[i].path_in_container) ||
                    !cJSON_AddStringToObject(m, "type", "bind") ||
                    !cJSON_AddStringToObject(m, "source", devices[i].path_on_host))
                        return -ENOMEM;
        }
        return 0;
}

int container_userns_add_to_spec(
        const ContainerUserns *u,
        const char *bundle,
        const ContainerDevice *devices,
        size_t n_devices,
        cJSON *spec) {
        cJSON *lnx = cJSON_GetObjectItemCaseSensitive(spec, "linux"), *namespaces, *ns;
        int r;

        if (u->size == 0)
                return 0;
        namespaces = cJSON_GetObjectItemCaseSensitive(lnx, "namespaces");
        if (!cJSON_IsArray(namespaces))
                return -EINVAL;
        ns = cJSON_CreateObject();
        if (!ns || !cJSON_AddItemToArray(namespaces, ns)) {
                cJSON_Delete(ns);
                return -ENOMEM;
        }
        if (!cJSON_AddStringToObject(ns, "type", "user"))
                return -ENOMEM;
        r = add_mapping(lnx, "uidMappings", u->uid_start, u->size);
        if (r < 0)
                return r;
        r = add_mapping(lnx, "gidMappings", u->gid_start, u->size);
        if (r < 0)
                return r;
        r = sysfs_read_only(spec);
        if (r < 0)
                return r;
        r = devices_to_binds(spec, devices, n_devices);
        if (r < 0)
                return r;
        return add_idmap_options(spec, bundle);
}

int container_userns_prepare_bundle(const ContainerUserns *u, const char *bundle) {
        _cleanup_close_ int fd = -EBADF;

        if (u->size == 0)
                return 0;
        fd = open(bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (fd < 0)
                return -errno;
        if (fchownat(fd, "upper", u->uid_start, u->gid_start, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

const char *container_userns_mode_string(const ContainerUserns *u) {
        return u->size > 0 ? "auto" : "";
}

static int read_subid_file(const char *path, char **ret) {
        int r = read_full_file_at(AT_FDCWD, path, SUBID_FILE_MAX, ret, NULL);
        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        return r;
}

int container_userns_pick(
        Manager *m, const ContainerUsernsOptions *o, ContainerUserns *ret, char **ret_error) {
        _cleanup_free_ char *subuid = NULL, *subgid = NULL;
        _cleanup_free_ ContainerUserns *in_use = NULL;
        size_t n = 0;
        uint32_t size;
        int r;

        r = container_userns_parse_mode(o->mode, &size, ret_error);
        if (r < 0)
                return r;
        if (size == 0) {
                *ret = (ContainerUserns){};
                return 0;
        }
        r = read_subid_file("/etc/subuid", &subuid);
        if (r < 0)
                return error_set(ret_error, r, "/etc/subuid: %s", strerror(-r));
        r = read_subid_file("/etc/subgid", &subgid);
        if (r < 0)
                return error_set(ret_error, r, "/etc/subgid: %s", strerror(-r));

        /* Those being created too: they have their ranges already. */
        for (Container *c = m->containers; c; c = c->next)
                n++;
        for (Container *c = m->creating; c; c = c->next)
                n++;
        in_use = calloc(n + 1, sizeof(ContainerUserns));
        if (!in_use)
                return -ENOMEM;
        n = 0;
        for (Container *c = m->containers; c; c = c->next)
                in_use[n++] = c->userns;
        for (Container *c = m->creating; c; c = c->next)
                in_use[n++] = c->userns;
        return container_userns_allocate(size, subuid, subgid, in_use, n, ret, ret_error);
}
