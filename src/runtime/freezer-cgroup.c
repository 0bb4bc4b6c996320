/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "freezer-cgroup.h"
#include "macro.h"

#define PROC_CGROUP_MAX (64U * 1024U)

static bool controllers_contain(const char *list, size_t n, const char *name) {
        size_t len = strlen(name);

        for (const char *p = list; p < list + n;) {
                const char *comma = memchr(p, ',', (size_t)(list + n - p));
                size_t l = comma ? (size_t)(comma - p) : (size_t)(list + n - p);

                if (l == len && strncmp(p, name, len) == 0)
                        return true;
                if (!comma)
                        break;
                p = comma + 1;
        }
        return false;
}

int cgroup_paths_parse(const char *proc_cgroup, char **ret_unit, char **ret_freezer) {
        _cleanup_free_ char *systemd = NULL, *unified = NULL, *freezer = NULL;
        const char *line = proc_cgroup;

        /* "<id>:<controllers>:<path>" lines. */
        while (line && *line) {
                const char *end = strchrnul(line, '\n'), *c1, *c2;
                char **target = NULL;

                c1 = memchr(line, ':', (size_t)(end - line));
                c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
                if (c2 && *(c2 + 1) == '/') {
                        size_t n = (size_t)(c2 - c1 - 1);

                        if (controllers_contain(c1 + 1, n, "name=systemd"))
                                target = &systemd;
                        else if (controllers_contain(c1 + 1, n, "freezer"))
                                target = &freezer;
                        else if (n == 0 && c1 - line == 1 && line[0] == '0')
                                target = &unified;
                }
                if (target && !*target) {
                        *target = strndup(c2 + 1, (size_t)(end - c2 - 1));
                        if (!*target)
                                return -ENOMEM;
                }
                line = *end ? end + 1 : NULL;
        }

        *ret_unit = systemd ? TAKE_PTR(systemd) : TAKE_PTR(unified);
        *ret_freezer = TAKE_PTR(freezer);
        return 0;
}

static int read_paths(char **ret_unit, char **ret_freezer) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = 0;

        fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        text = malloc(PROC_CGROUP_MAX);
        if (!text)
                return -ENOMEM;
        for (;;) {
                ssize_t k = read(fd, text + n, PROC_CGROUP_MAX - 1 - n);
                if (k < 0)
                        return -errno;
                if (k == 0)
                        break;
                n += (size_t)k;
                if (n >= PROC_CGROUP_MAX - 1)
                        return -E2BIG;
        }
        text[n] = 0;
        return cgroup_paths_parse(text, ret_unit, ret_freezer);
}

static int write_pid(const char *cgroup) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;

        /* "0" is the writing process itself. */
        if (asprintf(&path, FREEZER_V1_ROOT "%s/cgroup.procs", streq(cgroup, "/") ? "" : cgroup) < 0)
                return -ENOMEM;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (write(fd, "0", 1) != 1)
                return -errno;
        return 0;
}

int freezer_join_unit(char **ret_origin) {
        _cleanup_free_ char *unit = NULL, *origin = NULL, *dir = NULL;
        struct stat st;
        int r;

        *ret_origin = NULL;
        if (stat(FREEZER_V1_ROOT "/freezer.state", &st) < 0 &&
            stat(FREEZER_V1_ROOT "/cgroup.procs", &st) < 0)
                return 0;
        r = read_paths(&unit, &origin);
        if (r < 0)
                return r;
        if (!unit || !origin || streq(unit, "/"))
                return 0;

        if (asprintf(&dir, FREEZER_V1_ROOT "%s", unit) < 0)
                return -ENOMEM;
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        r = write_pid(unit);
        if (r < 0)
                return r;
        *ret_origin = TAKE_PTR(origin);
        return 1;
}

int freezer_move_to(const char *origin) {
        return write_pid(origin);
}

int freezer_remove_unit(void) {
        _cleanup_free_ char *unit = NULL, *origin = NULL, *dir = NULL;
        int r;

        r = read_paths(&unit, &origin);
        if (r < 0)
                return r;
        if (!unit || !origin || streq(unit, "/"))
                return 0;
        if (asprintf(&dir, FREEZER_V1_ROOT "%s", unit) < 0)
                return -ENOMEM;
        if (rmdir(dir) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}
