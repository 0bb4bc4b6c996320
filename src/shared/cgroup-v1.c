/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-v1.h"
#include "fileio.h"
#include "macro.h"

#define CGROUP_FILE_MAX 4096U

bool cgroup_v1_has(const char *controller) {
        _cleanup_free_ char *path = NULL;
        struct stat st;

        if (asprintf(&path, CGROUP_V1_ROOT "/%s/cgroup.procs", controller) < 0)
                return false;
        return stat(path, &st) >= 0;
}

static int file_path(const char *controller, const char *cgroup, const char *file, char **ret) {
        return asprintf(ret, CGROUP_V1_ROOT "/%s%s/%s", controller, streq(cgroup, "/") ? "" : cgroup, file) <
                               0
                       ? -ENOMEM
                       : 0;
}

int cgroup_v1_remove(const char *controller, const char *cgroup) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, CGROUP_V1_ROOT "/%s%s", controller, cgroup) < 0)
                return -ENOMEM;
        if (rmdir(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int cgroup_v1_write(const char *controller, const char *cgroup, const char *file, const char *value) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(value);
        int r;

        r = file_path(controller, cgroup, file, &path);
        if (r < 0)
                return r;
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* One write: the kernel takes or refuses the value as a whole. */
        if (write(fd, value, n) != (ssize_t)n)
                return -errno;
        return 0;
}

int cgroup_v1_write_int64(const char *controller, const char *cgroup, const char *file, int64_t value) {
        char buf[32];

        (void)snprintf(buf, sizeof(buf), "%" PRIi64, value);
        return cgroup_v1_write(controller, cgroup, file, buf);
}

int cgroup_v1_read(const char *controller, const char *cgroup, const char *file, char **ret) {
        _cleanup_free_ char *path = NULL;
        int r;

        r = file_path(controller, cgroup, file, &path);
        if (r < 0)
                return r;
        r = read_full_file_at(AT_FDCWD, path, CGROUP_FILE_MAX, ret, NULL);
        if (r >= 0)
                (*ret)[strcspn(*ret, "\n")] = 0;
        return r;
}

int cgroup_v1_read_int64(const char *controller, const char *cgroup, const char *file, int64_t *ret) {
        _cleanup_free_ char *text = NULL;
        char *end;
        int r;

        r = cgroup_v1_read(controller, cgroup, file, &text);
        if (r < 0)
                return r;
        errno = 0;
        *ret = strtoll(text, &end, 10);
        return errno != 0 || end == text || *end != 0 ? -EINVAL : 0;
}

/* Gives the cpuset cgroup its parent's file when it has none yet. */
static int inherit(const char *cgroup, const char *parent, const char *file) {
        _cleanup_free_ char *own = NULL, *value = NULL;
        int r;

        r = cgroup_v1_read("cpuset", cgroup, file, &own);
        if (r < 0 || !isempty(own))
                return r;
        r = cgroup_v1_read("cpuset", parent, file, &value);
        if (r < 0)
                return r;
        return cgroup_v1_write("cpuset", cgroup, file, value);
}

int cgroup_v1_cpuset_make(const char *cgroup) {
        size_t n = strlen(cgroup);
        int r;

        /* Each component in turn, from the top: "/a", "/a/b", … */
        for (size_t i = 1; i <= n; i++) {
                _cleanup_free_ char *self = NULL, *parent = NULL, *dir = NULL;
                const char *slash;

                if (i < n && cgroup[i] != '/')
                        continue;
                self = strndup(cgroup, i);
                if (!self)
                        return -ENOMEM;
                slash = strrchr(self, '/');
                parent = slash == self ? strdup("/") : strndup(self, (size_t)(slash - self));
                if (!parent || asprintf(&dir, CGROUP_V1_ROOT "/cpuset%s", self) < 0)
                        return -ENOMEM;
                if (mkdir(dir, 0755) < 0 && errno != EEXIST)
                        return -errno;
                r = inherit(self, parent, "cpuset.cpus");
                if (r >= 0)
                        r = inherit(self, parent, "cpuset.mems");
                if (r < 0)
                        return r;
        }
        return 0;
}
