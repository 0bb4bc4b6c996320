/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "error-set.h"
#include "macro.h"
#include "sysctl-spec.h"

#define SYSCTL_KEY_MAX 256U

static bool key_syntax_valid(const char *key) {
        size_t n = strlen(key);

        if (n == 0 || n > SYSCTL_KEY_MAX || key[0] == '.' || key[n - 1] == '.' || strstr(key, ".."))
                return false;
        return strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == n;
}

bool sysctl_key_namespaced(const char *key) {
        static const char *const names[] = {
                "kernel.msgmax",
                "kernel.msgmnb",
                "kernel.msgmni",
                "kernel.sem",
                "kernel.shmall",
                "kernel.shmmax",
                "kernel.shmmni",
                "kernel.shm_rmid_forced",
                "kernel.domainname",
        };

        if (!key || !key_syntax_valid(key))
                return false;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (streq(key, names[i]))
                        return true;
        return strncmp(key, "net.", 4) == 0 || strncmp(key, "fs.mqueue.", 10) == 0;
}

int sysctl_spec_parse(const char *s, char **ret_key, char **ret_value, char **ret_error) {
        _cleanup_free_ char *key = NULL, *value = NULL;
        const char *eq = s ? strchr(s, '=') : NULL;

        if (!eq)
                return error_set(ret_error, -EINVAL, "sysctl '%s' is not whitelisted", s ?: "");
        key = strndup(s, eq - s);
        if (!key)
                return -ENOMEM;
        if (!sysctl_key_namespaced(key))
                return error_set(ret_error, -EINVAL, "sysctl '%s' is not whitelisted", s);
        if (strchr(eq + 1, '\n') || strlen(eq + 1) > SYSCTL_VALUE_MAX)
                return error_set(ret_error, -EINVAL, "sysctl '%s': invalid value", key);
        value = strdup(eq + 1);
        if (!value)
                return -ENOMEM;
        *ret_key = TAKE_PTR(key);
        *ret_value = TAKE_PTR(value);
        return 0;
}

char *sysctl_key_to_path(const char *key) {
        char *p;

        if (asprintf(&p, "/proc/sys/%s", key) < 0)
                return NULL;
        for (char *c = p + STRLEN("/proc/sys/"); *c; c++)
                if (*c == '.')
                        *c = '/';
        return p;
}
