/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "strv.h"
#include "volume-copy-up.h"

/* Deeper trees than this are not copied further: the image is outside input. */
#define COPY_UP_DEPTH_MAX 256U

static int open_in_root(int root_fd, const char *path, int flags) {
        struct open_how how = {
                .flags = (uint64_t)(flags | O_CLOEXEC),
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

        return fd < 0 ? -errno : fd;
}

/* The image's root: its only layer, or a detached read-only overlay of its layers. */
static int open_image_root(char *const *layer_dirs) {
        _cleanup_free_ char *lower = NULL;
        _cleanup_close_ int fs_fd = -EBADF;
        size_t n = strv_length(layer_dirs);
        int mnt;

        if (n == 0)
                return -ENOENT;
        if (n == 1) {
                int fd = open(layer_dirs[0], O_DIRECTORY | O_RDONLY | O_CLOEXEC);
                return fd < 0 ? -errno : fd;
        }
        for (size_t i = n; i > 0; i--) {
                char *t;
                if (asprintf(&t, "%s%s%s", lower ?: "", lower ? ":" : "", layer_dirs[i - 1]) < 0)
                        return -ENOMEM;
                free(lower);
                lower = t;
        }
        fs_fd = fsopen("overlay", FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return -errno;
        if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
            fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
                return -errno;
        mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
        return mnt < 0 ? -errno : mnt;
}

static int copy_owner_mode(int fd, const struct stat *st) {
        if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
                return -errno;
        return 0;
}

static int copy_times(int dir_fd, const char *name, const struct stat *st) {
        struct timespec ts[2] = {st->st_atim, st->st_mtim};

        return utimensat(dir_fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int copy_file(int src_dir, int dst_dir, const char *name, const struct stat *st) {
        _cleanup_close_ int in = -EBADF, out = -EBADF;

        in = openat(src_dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (in < 0)
                return -errno;
        out = openat(dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (out < 0)
                return -errno;
        for (;;) {
                ssize_t k = copy_file_range(in, NULL, out, NULL, 1U << 30, 0);
                if (k < 0) {
                        char buf[65536];

                        if (errno != EXDEV && errno != EINVAL && errno != EOPNOTSUPP)
                                return -errno;
                        /* Across file systems on older kernels: plain reads and writes. */
                        while ((k = read(in, buf, sizeof(buf))) > 0)
                                if (loop_write(out, buf, (size_t)k) < 0)
                                        return -EIO;
                        if (k < 0)
                                return -errno;
                        break;
                }
                if (k == 0)
                        break;
        }
        return copy_owner_mode(out, st);
}

static int copy_dir(int src, int dst, unsigned depth) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r;

        if (depth > COPY_UP_DEPTH_MAX)
                return -ELOOP;
        fd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(src, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int s = -EBADF, t = -EBADF;

                        if (mkdirat(dst, de->d_name, 0700) < 0)
                                return -errno;
                        s = openat(src, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        t = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
                        if (s < 0 || t < 0)
                                return -errno;
                        r = copy_dir(s, t, depth + 1);
                        if (r < 0)
                                return r;
                        r = copy_owner_mode(t, &st);
                } else if (S_ISREG(st.st_mode))
                        r = copy_file(src, dst, de->d_name, &st);
                else if (S_ISLNK(st.st_mode)) {
                        char target[PATH_MAX];
                        ssize_t k = readlinkat(src, de->d_name, target, sizeof(target) - 1);

                        if (k < 0)
                                return -errno;
                        target[k] = 0;
                        if (symlinkat(target, dst, de->d_name) < 0 ||
                            fchownat(dst, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                                return -errno;
                        r = 0;
                } else {
                        if (mknodat(dst, de->d_name, st.st_mode, st.st_rdev) < 0 ||
                            fchownat(dst, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                                return -errno;
                        r = 0;
                }
                if (r >= 0)
                        r = copy_times(dst, de->d_name, &st);
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The image's directory at path in *ret_fd (which keeps the detached overlay), or -EBADF when the image has
 * none there. */
static int open_image_dir(char *const *layer_dirs, const char *path, int *ret_fd) {
        _cleanup_close_ int root = open_image_root(layer_dirs);
        int fd;

        if (root < 0)
                return root;
        fd = open_in_root(root, path, O_RDONLY | O_DIRECTORY);
        if (fd < 0 && fd != -ENOENT && fd != -ENOTDIR)
                return fd;
        *ret_fd = fd < 0 ? -EBADF : fd;
        return 0;
}

int volume_copy_up_has_content(char *const *layer_dirs, const char *path) {
        _cleanup_close_ int src = -EBADF;
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int r;

        r = open_image_dir(layer_dirs, path, &src);
        if (r < 0 || src < 0)
                return r;
        d = fdopendir(src);
        if (!d)
                return -errno;
        TAKE_FD(src);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        return 1;
        return 0;
}

int volume_copy_up(char *const *layer_dirs, const char *path, const char *destination) {
        _cleanup_close_ int src = -EBADF, dst = -EBADF;
        struct stat st;
        int r;

        r = open_image_dir(layer_dirs, path, &src);
        if (r < 0 || src < 0)
                return r;
        dst = open(destination, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        if (dst < 0)
                return -errno;
        if (fstat(src, &st) < 0)
                return -errno;
        r = copy_dir(src, dst, 0);
        if (r < 0)
                return r;
        return copy_owner_mode(dst, &st);
}
