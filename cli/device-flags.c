/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "bus-options.h"
#include "device-flags.h"
#include "device-spec.h"
#include "json-util.h"
#include "log.h"
#include "parse-size.h"
#include "strv.h"
#include "sysctl-spec.h"
#include "ulimit-spec.h"

void device_flags_done(DeviceFlags *f) {
        strv_free(f->devices);
        strv_free(f->group_add);
        strv_free(f->ulimits);
        strv_free(f->sysctls);
        *f = (DeviceFlags){};
}

static int invalid(const char *arg, const char *flag, const char *error) {
        return log_error_errno(
                EINVAL, "invalid argument \"%s\" for \"%s\" flag: %s", arg, flag, error ?: "invalid");
}

int device_flags_parse(DeviceFlags *f, int flag, const char *arg) {
        _cleanup_free_ char *error = NULL, *key = NULL, *value = NULL;
        _cleanup_(device_spec_done) DeviceSpec device = {};
        UlimitSpec ulimit;
        char ***list;
        int r;

        switch (flag) {
        case DEVICE_FLAG_DEVICE:
                r = device_spec_parse(arg, &device, &error);
                if (r == -EINVAL)
                        return invalid(arg, "--device", error);
                list = &f->devices;
                break;
        case DEVICE_FLAG_GROUP_ADD:
                r = 0;
                list = &f->group_add;
                break;
        case DEVICE_FLAG_ULIMIT:
                r = ulimit_spec_parse(arg, &ulimit, &error);
                if (r == -EINVAL)
                        return invalid(arg, "--ulimit", error);
                list = &f->ulimits;
                break;
        case DEVICE_FLAG_SYSCTL:
                r = sysctl_spec_parse(arg, &key, &value, &error);
                if (r == -EINVAL)
                        return invalid(arg, "--sysctl", error);
                list = &f->sysctls;
                break;
        case DEVICE_FLAG_SHM_SIZE:
                r = parse_size(arg, &f->shm_size);
                if (r < 0) {
                        _cleanup_free_ char *msg = NULL;
                        if (asprintf(&msg, "invalid size: '%s'", arg) < 0)
                                return log_oom();
                        return invalid(arg, "--shm-size", msg);
                }
                f->has_shm_size = true;
                return 0;
        case DEVICE_FLAG_INIT:
                f->init = true;
                return 0;
        default:
                return -EINVAL;
        }
        if (r < 0)
                return log_oom();
        return strv_extend(list, arg) < 0 ? log_oom() : 0;
}

int device_flags_append(sd_bus_message *m, const DeviceFlags *f) {
        int r;

        r = bus_append_strv_option(m, "Devices", f->devices);
        if (r >= 0)
                r = bus_append_strv_option(m, "GroupAdd", f->group_add);
        if (r >= 0)
                r = bus_append_strv_option(m, "Ulimits", f->ulimits);
        if (r >= 0)
                r = bus_append_strv_option(m, "Sysctls", f->sysctls);
        if (r >= 0 && f->has_shm_size)
                r = sd_bus_message_append(m, "{sv}", "ShmSize", "t", f->shm_size);
        if (r >= 0 && f->init)
                r = sd_bus_message_append(m, "{sv}", "Init", "b", 1);
        return r;
}

/* [{"PathOnHost": …, "PathInContainer": …, "CgroupPermissions": …}] from "HOST:CONTAINER:PERMISSIONS". */
static cJSON *devices_json(const cJSON *devices) {
        cJSON *a = cJSON_CreateArray(), *e;

        if (!a)
                return NULL;
        cJSON_ArrayForEach (e, devices) {
                const char *s = cJSON_GetStringValue(e), *first, *last;
                _cleanup_free_ char *host = NULL, *container = NULL;
                cJSON *d;

                if (!s || !(first = strchr(s, ':')) || (last = strrchr(s, ':')) == first)
                        continue;
                host = strndup(s, first - s);
                container = strndup(first + 1, last - first - 1);
                d = cJSON_CreateObject();
                if (!host || !container || !d || !cJSON_AddItemToArray(a, d) ||
                    !cJSON_AddStringToObject(d, "PathOnHost", host) ||
                    !cJSON_AddStringToObject(d, "PathInContainer", container) ||
                    !cJSON_AddStringToObject(d, "CgroupPermissions", last + 1)) {
                        cJSON_Delete(a);
                        return NULL;
                }
        }
        return a;
}

/* [{"Name": "nofile", "Hard": 2048, "Soft": 1024}] from "nofile=1024:2048"; null when there are none. */
static cJSON *ulimits_json(const cJSON *ulimits) {
        cJSON *a, *e;

        if (cJSON_GetArraySize(ulimits) == 0)
                return cJSON_CreateNull();
        a = cJSON_CreateArray();
        if (!a)
                return NULL;
        cJSON_ArrayForEach (e, ulimits) {
                UlimitSpec u;
                cJSON *o;

                if (!cJSON_GetStringValue(e) || ulimit_spec_parse(e->valuestring, &u, NULL) < 0)
                        continue;
                o = cJSON_CreateObject();
                if (!o || !cJSON_AddItemToArray(a, o) ||
                    !cJSON_AddStringToObject(o, "Name", ulimit_resource_to_name(u.resource)) ||
                    !cJSON_AddNumberToObject(o, "Hard", u.hard == RLIM_INFINITY ? -1 : (double)u.hard) ||
                    !cJSON_AddNumberToObject(o, "Soft", u.soft == RLIM_INFINITY ? -1 : (double)u.soft)) {
                        cJSON_Delete(a);
                        return NULL;
                }
        }
        return a;
}

static cJSON *copy_or_null(const cJSON *v) {
        return cJSON_GetArraySize(v) > 0 ? cJSON_Duplicate(v, true) : cJSON_CreateNull();
}

int device_inspect_json(const cJSON *p, cJSON *host) {
        const cJSON *sysctls = cJSON_GetObjectItemCaseSensitive(p, "Sysctls");
        cJSON *v;

        v = devices_json(cJSON_GetObjectItemCaseSensitive(p, "Devices"));
        if (!v || !cJSON_AddItemToObject(host, "Devices", v))
                return cJSON_Delete(v), -ENOMEM;
        v = copy_or_null(cJSON_GetObjectItemCaseSensitive(p, "GroupAdd"));
        if (!v || !cJSON_AddItemToObject(host, "GroupAdd", v))
                return cJSON_Delete(v), -ENOMEM;
        v = ulimits_json(cJSON_GetObjectItemCaseSensitive(p, "Ulimits"));
        if (!v || !cJSON_AddItemToObject(host, "Ulimits", v))
                return cJSON_Delete(v), -ENOMEM;
        /* Docker leaves Sysctls and Init out unless they were given. */
        if (cJSON_GetArraySize(sysctls) > 0) {
                v = cJSON_Duplicate(sysctls, true);
                if (!v || !cJSON_AddItemToObject(host, "Sysctls", v))
                        return cJSON_Delete(v), -ENOMEM;
        }
        if (!cJSON_AddNumberToObject(host, "ShmSize", (double)json_get_integer(p, "ShmSize", 0)) ||
            !cJSON_AddBoolToObject(host, "Privileged", json_get_bool(p, "Privileged", false)))
                return -ENOMEM;
        if (json_get_bool(p, "Init", false) && !cJSON_AddBoolToObject(host, "Init", true))
                return -ENOMEM;
        return 0;
}
