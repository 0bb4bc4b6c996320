/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "error-set.h"
#include "strv.h"
#include "tmpfs-mount.h"

/* The mount flags and tmpfs parameters Docker lets through; the runtime knows each of them. */
static const char *const flag_options[] = {
        "ro",         "rw",          "exec",          "noexec",     "suid",
        "nosuid",     "dev",         "nodev",         "sync",       "async",
        "atime",      "noatime",     "diratime",      "nodiratime", "relatime",
        "norelatime", "strictatime", "nostrictatime", "private",    "rprivate",
        "shared",     "rshared",     "slave",         "rslave",     NULL,
};
static const char *const data_options[] = {
        "size",
        "mode",
        "uid",
        "gid",
        "nr_inodes",
        "nr_blocks",
        "mpol",
        "huge",
        NULL,
};

void tmpfs_mounts_free(TmpfsMount *m, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(m[i].destination);
                strv_free(m[i].options);
        }
        free(m);
}

static bool option_valid(const char *o) {
        const char *eq = strchr(o, '=');

        if (!eq)
                return strv_contains((char **)flag_options, o);
        for (size_t i = 0; data_options[i]; i++)
                if (strlen(data_options[i]) == (size_t)(eq - o) &&
                    strncmp(o, data_options[i], (size_t)(eq - o)) == 0)
                        return eq[1] != 0;
        return false;
}

char *mount_path_clean(const char *p, size_t n) {
        _cleanup_free_ char *out = malloc(n + 2);
        size_t k = 0;

        if (!out || n == 0 || p[0] != '/')
                return NULL;
        for (size_t i = 0; i < n;) {
                size_t len;

                while (i < n && p[i] == '/')
                        i++;
                len = strcspn(p + i, "/");
                if (len > n - i)
                        len = n - i;
                if (len == 0)
                        break;
                if (len == 2 && strncmp(p + i, "..", 2) == 0)
                        return NULL;
                if (!(len == 1 && p[i] == '.')) {
                        out[k++] = '/';
                        memcpy(out + k, p + i, len);
                        k += len;
                }
                i += len;
        }
        if (k == 0)
                out[k++] = '/';
        out[k] = 0;
        return TAKE_PTR(out);
}

int tmpfs_mount_parse(const char *spec, TmpfsMount *ret, char **ret_error) {
        _cleanup_strv_free_ char **options = NULL;
        _cleanup_free_ char *destination = NULL;
        const char *colon = strchr(spec, ':');
        size_t n = colon ? (size_t)(colon - spec) : strlen(spec);

        if (n > 4096 || strlen(spec) > 64 * 1024)
                return error_set(ret_error, -EINVAL, "invalid tmpfs mount: too long");
        if (n == 0 || spec[0] != '/')
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid mount path: '%.*s' mount path must be absolute",
                        (int)n,
                        spec);
        destination = mount_path_clean(spec, n);
        if (!destination)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid mount path: '%.*s' must not contain \"..\"",
                        (int)n,
                        spec);
        if (streq(destination, "/"))
                return error_set(ret_error, -EINVAL, "invalid mount path: '/' cannot be a tmpfs mount");

        if (strv_extend(&options, "noexec") < 0 || strv_extend(&options, "nosuid") < 0 ||
            strv_extend(&options, "nodev") < 0)
                return -ENOMEM;
        for (const char *p = colon ? colon + 1 : NULL; p && *p;) {
                _cleanup_free_ char *o = strndup(p, strcspn(p, ","));

                if (!o)
                        return -ENOMEM;
                p += strlen(o);
                if (*p == ',')
                        p++;
                if (isempty(o))
                        continue;
                if (!option_valid(o))
                        return error_set(ret_error, -EINVAL, "invalid tmpfs option \"%.64s\"", o);
                if (strv_consume(&options, TAKE_PTR(o)) < 0)
                        return -ENOMEM;
        }

        *ret = (TmpfsMount){.destination = TAKE_PTR(destination), .options = TAKE_PTR(options)};
        return 0;
}

int tmpfs_mounts_parse(char *const *specs, TmpfsMount **ret, size_t *ret_n, char **ret_error) {
        size_t n = strv_length(specs), k = 0;
        TmpfsMount *m;
        int r = 0;

        if (n > TMPFS_MOUNTS_MAX)
                return error_set(ret_error, -EINVAL, "more than %u tmpfs mounts", TMPFS_MOUNTS_MAX);
        m = calloc(n + 1, sizeof(TmpfsMount));
        if (!m)
                return -ENOMEM;
        for (; k < n && r >= 0; k++) {
                r = tmpfs_mount_parse(specs[k], &m[k], ret_error);
                for (size_t j = 0; r >= 0 && j < k; j++)
                        if (streq(m[j].destination, m[k].destination))
                                r = error_set(
                                        ret_error, -EINVAL, "Duplicate mount point: %s", m[k].destination);
        }
        if (r < 0) {
                tmpfs_mounts_free(m, k);
                return r;
        }
        *ret = m;
        *ret_n = n;
        return 0;
}
