/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "container-devices.h"
#include "device-spec.h"
#include "error-set.h"
#include "macro.h"

/* As the runtime's limit for linux.devices (runtime-spec-host.h). */
#define DEVICES_MAX 4096U
#define ENUMERATE_DEPTH_MAX 8U

void container_devices_free(ContainerDevice *d, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(d[i].path_on_host);
                free(d[i].path_in_container);
        }
        free(d);
}

static int
device_from_stat(const char *host, const char *container, const struct stat *st, ContainerDevice *ret) {
        *ret = (ContainerDevice){
                .mode = st->st_mode & (S_IFMT | 07777),
                .major = major(st->st_rdev),
                .minor = minor(st->st_rdev),
                .permissions = "rwm",
        };
        ret->path_on_host = strdup(host);
        ret->path_in_container = strdup(container);
        if (!ret->path_on_host || !ret->path_in_container) {
                free(ret->path_on_host);
                free(ret->path_in_container);
                return -ENOMEM;
        }
        return 0;
}

int container_devices_resolve(char *const *specs, ContainerDevice **ret, size_t *ret_n, char **ret_error) {
        ContainerDevice *l = NULL;
        size_t n = 0;
        int r = 0;

        for (char *const *s = specs; s && *s; s++) {
                _cleanup_(device_spec_done) DeviceSpec spec = {};
                struct stat st;
                ContainerDevice *grown;

                r = device_spec_parse(*s, &spec, ret_error);
                if (r < 0)
                        break;
                if (stat(spec.path_on_host, &st) < 0) {
                        r = error_set(
                                ret_error,
                                -errno,
                                "error gathering device information while adding custom device \"%s\": %s",
                                spec.path_on_host,
                                errno == ENOENT ? "no such file or directory" : strerror(errno));
                        break;
                }
                if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
                        r = error_set(
                                ret_error,
                                -EINVAL,
                                "error gathering device information while adding custom device \"%s\": "
                                "not a device node",
                                spec.path_on_host);
                        break;
                }
                /* The runtime makes nodes in the container's own /dev tmpfs, never in the image's files. */
                if (strncmp(spec.path_in_container, "/dev/", 5) != 0) {
                        r = error_set(
                                ret_error,
                                -EINVAL,
                                "%s: a device goes below /dev in the container",
                                spec.path_in_container);
                        break;
                }
                if (n >= DEVICES_MAX) {
                        r = error_set(ret_error, -EINVAL, "more than %u devices", DEVICES_MAX);
                        break;
                }
                grown = realloc(l, (n + 1) * sizeof(ContainerDevice));
                if (!grown) {
                        r = -ENOMEM;
                        break;
                }
                l = grown;
                r = device_from_stat(spec.path_on_host, spec.path_in_container, &st, &l[n]);
                if (r < 0)
                        break;
                strcpy(l[n++].permissions, spec.permissions);
        }
        if (r < 0) {
                container_devices_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static int enumerate(const char *dir, unsigned depth, ContainerDevice **l, size_t *n) {
        static const char *const skipped[] = {"pts", "shm", "mqueue", "fd", ".udev", ".lxc", ".lxd-mounts"};
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        if (depth > ENUMERATE_DEPTH_MAX)
                return 0;
        d = opendir(dir);
        if (!d)
                return -errno;
        while ((de = readdir(d))) {
                _cleanup_free_ char *path = NULL;
                ContainerDevice *grown;
                struct stat st;
                bool skip = false;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                for (size_t i = 0; depth == 0 && i < ELEMENTSOF(skipped); i++)
                        skip = skip || streq(de->d_name, skipped[i]);
                if (skip)
                        continue;
                if (asprintf(&path, "%s/%s", dir, de->d_name) < 0)
                        return -ENOMEM;
                if (lstat(path, &st) < 0)
                        continue; /* gone meanwhile */
                if (S_ISDIR(st.st_mode)) {
                        r = enumerate(path, depth + 1, l, n);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
                        continue;
                if (*n >= DEVICES_MAX)
                        return -E2BIG;
                grown = realloc(*l, (*n + 1) * sizeof(ContainerDevice));
                if (!grown)
                        return -ENOMEM;
                *l = grown;
                r = device_from_stat(path, path, &st, &(*l)[*n]);
                if (r < 0)
                        return r;
                (*n)++;
        }
        return 0;
}

int container_devices_enumerate(const char *dir, ContainerDevice **ret, size_t *ret_n) {
        ContainerDevice *l = NULL;
        size_t n = 0;
        int r;

        r = enumerate(dir, 0, &l, &n);
        if (r < 0) {
                container_devices_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int container_devices_to_oci(const ContainerDevice *d, size_t n, cJSON *array) {
        for (size_t i = 0; i < n; i++) {
                cJSON *e = cJSON_CreateObject();

                if (!e || !cJSON_AddItemToArray(array, e))
                        return cJSON_Delete(e), -ENOMEM;
                if (!cJSON_AddStringToObject(e, "path", d[i].path_in_container) ||
                    !cJSON_AddStringToObject(e, "type", S_ISBLK(d[i].mode) ? "b" : "c") ||
                    !cJSON_AddNumberToObject(e, "major", d[i].major) ||
                    !cJSON_AddNumberToObject(e, "minor", d[i].minor) ||
                    !cJSON_AddNumberToObject(e, "fileMode", d[i].mode & 07777) ||
                    !cJSON_AddNumberToObject(e, "uid", 0) || !cJSON_AddNumberToObject(e, "gid", 0))
                        return -ENOMEM;
        }
        return 0;
}

int container_device_to_string(const ContainerDevice *d, char **ret) {
        return asprintf(ret, "%s:%s:%s", d->path_on_host, d->path_in_container, d->permissions) < 0 ? -ENOMEM
                                                                                                    : 0;
}
