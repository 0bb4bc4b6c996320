/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "lease-dir.h"

#define OWNER_MAX 128U

static int read_owner(int dir_fd, const char *name, char ret[static OWNER_MAX]) {
        _cleanup_close_ int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        ssize_t n;

        if (fd < 0)
                return -errno;
        n = read(fd, ret, OWNER_MAX - 1);
        if (n < 0)
                return -errno;
        ret[n] = 0;
        return 0;
}

int lease_acquire(int dir_fd, const char *name, const char *owner) {
        _cleanup_close_ int fd = -EBADF;
        char current[OWNER_MAX];
        int r;

        if (strlen(owner) >= OWNER_MAX)
                return -EINVAL;
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0) {
                if (errno != EEXIST)
                        return -errno;
                r = read_owner(dir_fd, name, current);
                if (r < 0)
                        return r;
                return streq(current, owner) ? 0 : -EADDRINUSE;
        }
        r = loop_write(fd, owner, strlen(owner));
        if (r < 0) {
                (void)unlinkat(dir_fd, name, 0);
                return r;
        }
        return 0;
}

int lease_release_owner(int dir_fd, const char *owner) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = fcntl(dir_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        rewinddir(d);
        while ((de = readdir(d))) {
                char current[OWNER_MAX];

                if (de->d_name[0] == '.')
                        continue;
                if (read_owner(dir_fd, de->d_name, current) >= 0 && streq(current, owner) &&
                    unlinkat(dir_fd, de->d_name, 0) < 0 && errno != ENOENT)
                        return -errno;
        }
        return 0;
}

int ipam_allocate(int dir_fd, const Subnet *subnet, const char *owner, uint32_t *ret) {
        uint32_t hosts = (1U << (32 - subnet->prefixlen)) - 1;

        for (uint32_t i = 1; i < hosts; i++) {
                uint32_t ip = subnet->network + i;
                char name[16];
                int r;

                if (ip == subnet->gateway)
                        continue;
                ip_to_string(ip, name);
                r = lease_acquire(dir_fd, name, owner);
                if (r == -EADDRINUSE)
                        continue;
                if (r < 0)
                        return r;
                *ret = ip;
                return 0;
        }
        return -ENOSPC;
}
