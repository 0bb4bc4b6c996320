/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "netns.h"

int netns_create(const char *path) {
        _cleanup_close_ int fd = -EBADF, self = -EBADF;
        int r = 0;

        fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
        if (fd < 0)
                return log_error_errno(errno, "Failed to create %s: %m", path);
        self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return log_error_errno(errno, "Failed to open our network namespace: %m");
        if (unshare(CLONE_NEWNET) < 0)
                r = log_error_errno(errno, "Failed to create a network namespace: %m");
        else if (mount("/proc/self/ns/net", path, NULL, MS_BIND, NULL) < 0)
                r = log_error_errno(errno, "Failed to bind the network namespace to %s: %m", path);
        if (setns(self, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to return to our network namespace: %m");
        if (r < 0)
                (void)unlink(path);
        return r;
}

int netns_remove(const char *path) {
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
                return log_error_errno(errno, "Failed to unmount %s: %m", path);
        if (unlink(path) < 0 && errno != ENOENT)
                return log_error_errno(errno, "Failed to remove %s: %m", path);
        return 0;
}

int netns_run(const char *path, int (*fn)(void *userdata), void *userdata) {
        _cleanup_close_ int fd = -EBADF, self = -EBADF;
        int r;

        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (self < 0)
                return log_error_errno(errno, "Failed to open our network namespace: %m");
        if (setns(fd, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to enter %s: %m", path);
        r = fn(userdata);
        if (setns(self, CLONE_NEWNET) < 0)
                return log_error_errno(errno, "Failed to return to our network namespace: %m");
        return r;
}
