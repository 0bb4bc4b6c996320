/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "device-spec.h"
#include "error-set.h"
#include "macro.h"

#define DEVICE_PATH_MAX 4096U

void device_spec_done(DeviceSpec *d) {
        free(d->path_on_host);
        free(d->path_in_container);
        *d = (DeviceSpec){};
}

bool device_permissions_valid(const char *s) {
        bool seen[3] = {};

        if (isempty(s) || strlen(s) > 3)
                return false;
        for (; *s; s++) {
                const char *k = strchr("rwm", *s);
                if (!k || seen[k - "rwm"])
                        return false;
                seen[k - "rwm"] = true;
        }
        return true;
}

/* Docker's validateLinuxPath: absolute, and no ".." that would leave /dev. */
static bool path_valid(const char *p) {
        return p[0] == '/' && strlen(p) < DEVICE_PATH_MAX && !strstr(p, "/../") &&
               !(strlen(p) >= 3 && streq(p + strlen(p) - 3, "/.."));
}

int device_spec_parse(const char *s, DeviceSpec *ret, char **ret_error) {
        _cleanup_free_ char *copy = NULL;
        _cleanup_(device_spec_done) DeviceSpec d = {};
        const char *container = NULL, *permissions = "rwm";
        char *parts[3], *c;
        size_t n = 1;

        if (isempty(s))
                return error_set(ret_error, -EINVAL, "invalid device specification: %s", s ?: "");
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        parts[0] = copy;
        for (c = copy; (c = strchr(c, ':')); c++) {
                if (n == ELEMENTSOF(parts))
                        return error_set(ret_error, -EINVAL, "invalid device specification: %s", s);
                *c = 0;
                parts[n++] = c + 1;
        }
        /* As Docker's parseDevice: with two parts, the second is the permissions when it looks like them. */
        if (n == 3) {
                container = parts[1];
                permissions = parts[2];
        } else if (n == 2) {
                if (device_permissions_valid(parts[1]))
                        permissions = parts[1];
                else
                        container = parts[1];
        }
        if (!device_permissions_valid(permissions))
                return error_set(ret_error, -EINVAL, "bad mode specified: %s", permissions);
        if (!path_valid(parts[0]))
                return error_set(ret_error, -EINVAL, "%s is not an absolute path", parts[0]);
        if (container && !path_valid(container))
                return error_set(ret_error, -EINVAL, "%s is not an absolute path", container);

        d.path_on_host = strdup(parts[0]);
        d.path_in_container = strdup(container ?: parts[0]);
        if (!d.path_on_host || !d.path_in_container)
                return -ENOMEM;
        strcpy(d.permissions, permissions);
        *ret = d;
        d = (DeviceSpec){};
        return 0;
}
