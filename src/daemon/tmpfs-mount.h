/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* --tmpfs PATH[:OPTIONS], Docker's HostConfig.Tmpfs: a tmpfs mounted at PATH, with Docker's defaults
 * noexec, nosuid and nodev before the options given (a later option wins: "exec" undoes "noexec"). */

#define TMPFS_MOUNTS_MAX 64U

typedef struct TmpfsMount {
        char *destination; /* absolute, without "..", "." or a trailing "/" */
        char **options;
} TmpfsMount;

/* The first n bytes of p as a clean absolute path: "/a//b/./" → "/a/b"; NULL for a relative path or
 * one with "..". */
char *mount_path_clean(const char *p, size_t n);

void tmpfs_mounts_free(TmpfsMount *m, size_t n);

/* On -EINVAL, ret_error says why in Docker's words. */
int tmpfs_mount_parse(const char *spec, TmpfsMount *ret, char **ret_error);

/* Every PATH[:OPTIONS] of specs; a destination given twice is refused. */
int tmpfs_mounts_parse(char *const *specs, TmpfsMount **ret, size_t *ret_n, char **ret_error);
