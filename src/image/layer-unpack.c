/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "fileio.h"
#include "layer-unpack.h"
#include "log.h"
#include "macro.h"
#include "tar-reader.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR_PREFIX "trusted.overlay."
#define OVERLAY_OPAQUE_XATTR "trusted.overlay.opaque"
#define ENTRY_HEADER_BUDGET 2048U

uint64_t layer_limits_stream_max(const LayerLimits *limits) {
        return limits->max_unpacked_size + limits->max_entries * ENTRY_HEADER_BUDGET + 10240;
}

static int open_layer_reader(int fd, bool raw, struct archive **ret) {
        _cleanup_(archive_read_freep) struct archive *a = NULL;

        /* A pipe is read as it comes; a file from its start. */
        if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
                return -errno;
        a = tar_reader_new(raw);
        if (!a)
                return -ENOMEM;
        if (archive_read_open_fd(a, fd, TAR_READ_BLOCK_SIZE) != ARCHIVE_OK)
                return log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(a));
        *ret = TAKE_PTR(a);
        return 0;
}

int layer_diff_id(
        int in_fd, int out_fd, const LayerLimits *limits, char ret_diff_id[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(archive_read_freep) struct archive *a = NULL;
        uint64_t max = layer_limits_stream_max(limits), budget = max;
        struct archive_entry *e;
        int r;

        r = open_layer_reader(in_fd, true, &a);
        if (r < 0)
                return r;
        r = archive_read_next_header(a, &e);
        if (r != ARCHIVE_OK)
                return log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(a));
        r = tar_copy_hashed(a, out_fd, &budget, NULL, ret_diff_id);
        if (r == -EBADMSG)
                return log_debug_errno(r, "Cannot decompress layer: %s", archive_error_string(a));
        if (r == -EFBIG)
                return log_error_errno(r, "Layer exceeds %" PRIu64 " bytes uncompressed.", max);
        return r;
}

/* Opens the directory holding path's last component, one component at a time with O_NOFOLLOW, so that
 * no symlink (the layer's own or a planted one) is ever followed. Missing directories are created when
 * create is true, as tar does for entries whose parents are not in the archive. */
static int open_parent(int root_fd, const char *path, bool create, int *ret_fd, const char **ret_name) {
        _cleanup_close_ int fd = fcntl(root_fd, F_DUPFD_CLOEXEC, 3);
        const char *p = path;

        if (fd < 0)
                return -errno;
        for (;;) {
                const char *slash = strchr(p, '/');
                char component[NAME_MAX + 1];
                int next;

                if (!slash)
                        break;
                if ((size_t)(slash - p) > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(component, p, (size_t)(slash - p));
                component[slash - p] = 0;

                next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (next < 0 && errno == ENOENT && create) {
                        if (mkdirat(fd, component, 0755) < 0)
                                return -errno;
                        next = openat(fd, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (next < 0)
                        return errno == ELOOP || errno == ENOTDIR ? -ELOOP : -errno;
                safe_close(fd);
                fd = next;
                p = slash + 1;
        }
        if (strlen(p) > NAME_MAX)
                return -ENAMETOOLONG;
        *ret_fd = TAKE_FD(fd);
        *ret_name = p;
        return 0;
}

static int rm_tree_at(int dir_fd, const char *name) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd, r;

        if (unlinkat(dir_fd, name, 0) >= 0 || errno == ENOENT)
                return 0;
        if (errno != EISDIR)
                return -errno;

        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(fd);
        if (!d) {
                safe_close(fd);
                return -errno;
        }
        while ((de = readdir(d))) {
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = rm_tree_at(dirfd(d), de->d_name);
                if (r < 0)
                        return r;
        }
        return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 ? -errno : 0;
}

/* A later entry replaces an earlier one of the same name; a directory stays when a directory follows. */
static int make_room(int dir_fd, const char *name, bool keep_directory, bool *ret_exists) {
        struct stat st;

        *ret_exists = false;
        if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (keep_directory && S_ISDIR(st.st_mode)) {
                *ret_exists = true;
                return 0;
        }
        return rm_tree_at(dir_fd, name);
}

static void apply_xattrs(int fd, struct archive_entry *e) {
        const char *name;
        const void *value;
        size_t size;

        archive_entry_xattr_reset(e);
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                /* overlayfs metadata (opaque, redirect, metacopy) is ours to set, never the layer's. */
                if (!name || strncmp(name, OVERLAY_XATTR_PREFIX, STRLEN(OVERLAY_XATTR_PREFIX)) == 0)
                        continue;
                if (fsetxattr(fd, name, value, size, 0) < 0)
                        log_debug_errno(errno, "Ignoring xattr %s: %m", name);
        }
}

static void entry_times(struct archive_entry *e, struct timespec ret[2]) {
        ret[1] = (struct timespec){archive_entry_mtime(e), archive_entry_mtime_nsec(e)};
        ret[0] = archive_entry_atime_is_set(e)
                         ? (struct timespec){archive_entry_atime(e), archive_entry_atime_nsec(e)}
                         : ret[1];
}

static int set_owner_mode(int fd, struct archive_entry *e) {
        /* chown first: it clears the setuid/setgid bits that chmod then sets. */
        if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
                return -errno;
        if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
                return -errno;
        apply_xattrs(fd, e);
        return 0;
}

static int write_regular(
        struct archive *a, struct archive_entry *e, int dir_fd, const char *name, uint64_t *size_left) {
        _cleanup_close_ int fd = -EBADF;
        struct timespec ts[2];
        int64_t size = archive_entry_size(e);
        int r;

        if (size < 0 || (uint64_t)size > *size_left)
                return -EFBIG;
        *size_left -= (uint64_t)size;

        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd < 0)
                return -errno;
        for (;;) {
                const void *buf;
                size_t n;
                la_int64_t offset;
                r = archive_read_data_block(a, &buf, &n, &offset);
                if (r == ARCHIVE_EOF)
                        break;
                if (r != ARCHIVE_OK)
                        return log_debug_errno(
                                EBADMSG, "Cannot read layer entry: %s", archive_error_string(a));
                if (offset < 0 || (uint64_t)offset + n > (uint64_t)size)
                        return -EBADMSG;
                for (const char *p = buf; n > 0;) {
                        ssize_t k = pwrite(fd, p, n, offset);
                        if (k < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        p += k;
                        n -= (size_t)k;
                        offset += k;
                }
        }
        /* Sparse files may end in a hole. */
        if (ftruncate(fd, size) < 0)
                return -errno;
        r = set_owner_mode(fd, e);
        if (r < 0)
                return r;
        entry_times(e, ts);
        if (futimens(fd, ts) < 0)
                return -errno;
        return 0;
}

static int write_directory(struct archive_entry *e, int dir_fd, const char *name) {
        _cleanup_close_ int fd = -EBADF;
        bool exists;
        int r;

        r = make_room(dir_fd, name, true, &exists);
        if (r < 0)
                return r;
        if (!exists && mkdirat(dir_fd, name, 0700) < 0)
                return -errno;
        fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        return set_owner_mode(fd, e);
}

/* Owner, mode (not for symlinks: they have none) and times of an entry that cannot be opened: a symlink,
 * a device node or a FIFO. */
static int set_metadata_at(int dir_fd, const char *name, struct archive_entry *e) {
        struct timespec ts[2];

        if (fchownat(
                    dir_fd,
                    name,
                    (uid_t)archive_entry_uid(e),
                    (gid_t)archive_entry_gid(e),
                    AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        if (archive_entry_filetype(e) != AE_IFLNK &&
            fchmodat(dir_fd, name, archive_entry_perm(e) & 07777, 0) < 0)
                return -errno;
        entry_times(e, ts);
        return utimensat(dir_fd, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
}

static int write_symlink(struct archive_entry *e, int dir_fd, const char *name) {
        const char *target = archive_entry_symlink(e);

        /* The target is resolved inside the container, never here: any string is fine. */
        if (isempty(target) || strlen(target) >= PATH_MAX)
                return -EBADMSG;
        if (symlinkat(target, dir_fd, name) < 0)
                return -errno;
        return set_metadata_at(dir_fd, name, e);
}

static int write_hardlink(struct archive_entry *e, int root_fd, int dir_fd, const char *name) {
        _cleanup_free_ char *target = NULL;
        _cleanup_close_ int target_dir_fd = -EBADF;
        const char *target_name;
        int r;

        /* The target must be an earlier entry of this layer: inside it by construction. */
        r = tar_path_clean(NULL, archive_entry_hardlink(e), true, &target);
        if (r < 0)
                return r;
        if (isempty(target))
                return -EPERM;
        r = open_parent(root_fd, target, false, &target_dir_fd, &target_name);
        if (r < 0)
                return r;
        return linkat(target_dir_fd, target_name, dir_fd, name, 0) < 0 ? -errno : 0;
}

static int write_node(struct archive_entry *e, int dir_fd, const char *name) {
        if (mknodat(dir_fd, name, archive_entry_filetype(e) | 0600, archive_entry_rdev(e)) < 0)
                return -errno;
        return set_metadata_at(dir_fd, name, e);
}

static int write_whiteout(int dir_fd, const char *name) {
        const char *target = name + STRLEN(WHITEOUT_PREFIX);
        bool exists;
        int r;

        if (streq(name, WHITEOUT_OPAQUE))
                return fsetxattr(dir_fd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0 ? -errno : 0;
        /* Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) has no overlayfs meaning. */
        if (strncmp(name, WHITEOUT_META_PREFIX, STRLEN(WHITEOUT_META_PREFIX)) == 0)
                return 0;
        if (isempty(target) || streq(target, ".") || streq(target, ".."))
                return -EBADMSG;
        r = make_room(dir_fd, target, false, &exists);
        if (r < 0)
                return r;
        return mknodat(dir_fd, target, S_IFCHR | 0000, makedev(0, 0)) < 0 ? -errno : 0;
}

typedef struct DirTimes {
        char *path;
        struct timespec ts[2];
} DirTimes;

/* Directory times last: creating the children would change them. */
static void apply_dir_times(int root_fd, DirTimes *dirs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                _cleanup_close_ int fd = -EBADF;
                const char *name;

                if (open_parent(root_fd, dirs[i].path, false, &fd, &name) < 0)
                        continue;
                (void)utimensat(fd, name, dirs[i].ts, AT_SYMLINK_NOFOLLOW);
        }
}

static void dir_times_free(DirTimes *dirs, size_t n) {
        for (size_t i = 0; i < n; i++)
                free(dirs[i].path);
        free(dirs);
}

static int unpack_entry(
        struct archive *a,
        struct archive_entry *e,
        int root_fd,
        const char *path,
        uint64_t *size_left,
        DirTimes **dirs,
        size_t *n_dirs) {
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name = NULL; /* set by open_parent() on success; gcc -O3 cannot tell */
        mode_t type = archive_entry_filetype(e);
        bool exists;
        int r;

        r = open_parent(root_fd, path, true, &dir_fd, &name);
        if (r < 0)
                return r;

        if (strncmp(name, WHITEOUT_PREFIX, STRLEN(WHITEOUT_PREFIX)) == 0)
                return write_whiteout(dir_fd, name);

        if (archive_entry_hardlink(e)) {
                r = make_room(dir_fd, name, false, &exists);
                if (r < 0)
                        return r;
                return write_hardlink(e, root_fd, dir_fd, name);
        }

        if (type == AE_IFDIR) {
                DirTimes *d;

                r = write_directory(e, dir_fd, name);
                if (r < 0)
                        return r;
                d = realloc(*dirs, (*n_dirs + 1) * sizeof(DirTimes));
                if (!d)
                        return -ENOMEM;
                *dirs = d;
                d[*n_dirs].path = strdup(path);
                if (!d[*n_dirs].path)
                        return -ENOMEM;
                entry_times(e, d[*n_dirs].ts);
                (*n_dirs)++;
                return 0;
        }

        r = make_room(dir_fd, name, false, &exists);
        if (r < 0)
                return r;
        switch (type) {
        case AE_IFREG:
                return write_regular(a, e, dir_fd, name, size_left);
        case AE_IFLNK:
                return write_symlink(e, dir_fd, name);
        case AE_IFCHR:
        case AE_IFBLK:
        case AE_IFIFO:
                return write_node(e, dir_fd, name);
        default:
                /* Sockets and unknown types have no place in an image. */
                log_debug("Skipping layer entry %s of type 0%o.", path, (unsigned)type);
                return 0;
        }
}

/* Unpacks the entries of the tar reader a into dir_fd. */
static int unpack_entries(struct archive *a, int dir_fd, const LayerLimits *limits, uint64_t *ret_size) {
        DirTimes *dirs = NULL;
        size_t n_dirs = 0;
        uint64_t entries = 0, size_left = limits->max_unpacked_size;
        int r;

        for (;;) {
                _cleanup_free_ char *path = NULL;
                struct archive_entry *e;

                r = archive_read_next_header(a, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
                        r = log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(a));
                        goto finish;
                }
                if (++entries > limits->max_entries) {
                        r = log_error_errno(
                                E2BIG, "Layer has more than %" PRIu64 " entries.", limits->max_entries);
                        goto finish;
                }

                r = tar_path_clean(NULL, archive_entry_pathname(e), true, &path);
                if (r < 0) {
                        log_error_errno(
                                r,
                                "Refusing layer entry \"%s\": outside the layer.",
                                archive_entry_pathname(e));
                        goto finish;
                }
                if (isempty(path))
                        continue; /* The root directory is ours. */

                r = unpack_entry(a, e, dir_fd, path, &size_left, &dirs, &n_dirs);
                if (r == -EFBIG) {
                        log_error_errno(
                                r,
                                "Layer unpacks to more than %" PRIu64 " bytes: refused.",
                                limits->max_unpacked_size);
                        goto finish;
                }
                if (r < 0) {
                        log_error_errno(r, "Cannot unpack layer entry \"%s\": %m", path);
                        goto finish;
                }
        }

        apply_dir_times(dir_fd, dirs, n_dirs);
        if (ret_size)
                *ret_size = limits->max_unpacked_size - size_left;
        r = 0;
finish:
        dir_times_free(dirs, n_dirs);
        return r;
}

int layer_unpack(int in_fd, int dir_fd, const LayerLimits *limits, uint64_t *ret_size) {
        _cleanup_(archive_read_freep) struct archive *a = NULL;
        int r;

        r = open_layer_reader(in_fd, false, &a);
        if (r < 0)
                return r;
        return unpack_entries(a, dir_fd, limits, ret_size);
}

/* Two readers in a row: raw (the blob, decompressed by its filters) feeds tar through tar_read(), which
 * hashes the tar stream on the way: the DiffID, with no second pass and no copy of the tar on disk. */
typedef struct StreamState {
        LayerReadFunction read;
        void *userdata;
        struct archive *raw;
        Sha256 *hash;
        uint64_t budget;
        int error;
        char in[TAR_READ_BLOCK_SIZE];
        char out[TAR_READ_BLOCK_SIZE];
} StreamState;

static la_ssize_t blob_read(struct archive *a, void *userdata, const void **ret) {
        StreamState *s = userdata;
        ssize_t n = s->read(s->userdata, s->in, sizeof(s->in));

        if (n < 0) {
                s->error = (int)n;
                archive_set_error(a, (int)-n, "Cannot read the blob");
                return -1;
        }
        *ret = s->in;
        return n;
}

static la_ssize_t tar_read(struct archive *a, void *userdata, const void **ret) {
        StreamState *s = userdata;
        la_ssize_t n = archive_read_data(s->raw, s->out, sizeof(s->out));

        if (n < 0) {
                if (s->error == 0)
                        s->error = log_debug_errno(
                                EBADMSG, "Cannot decompress layer: %s", archive_error_string(s->raw));
                archive_set_error(a, EBADMSG, "Cannot decompress layer");
                return -1;
        }
        if ((uint64_t)n > s->budget) {
                s->error = -EFBIG;
                archive_set_error(a, EFBIG, "Layer too large");
                return -1;
        }
        s->budget -= (uint64_t)n;
        if (sha256_update(s->hash, s->out, (size_t)n) < 0) {
                s->error = -ENOMEM;
                return -1;
        }
        *ret = s->out;
        return n;
}

int layer_unpack_stream(
        LayerReadFunction read,
        void *userdata,
        int dir_fd,
        const LayerLimits *limits,
        uint64_t *ret_size,
        char ret_diff_id[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(archive_read_freep) struct archive *raw = NULL, *tar = NULL;
        _cleanup_(sha256_freep) Sha256 *hash = NULL;
        _cleanup_free_ StreamState *s = NULL;
        struct archive_entry *e;
        const void *p;
        uint64_t max = layer_limits_stream_max(limits);
        int r;

        s = calloc(1, sizeof(StreamState));
        if (!s)
                return -ENOMEM;
        r = sha256_new(&hash);
        if (r < 0)
                return r;
        *s = (StreamState){.read = read, .userdata = userdata, .hash = hash, .budget = max};
        raw = tar_reader_new(true);
        tar = archive_read_new();
        if (!raw || !tar)
                return -ENOMEM;
        s->raw = raw;
        archive_read_support_format_tar(tar);

        if (archive_read_open(raw, s, NULL, blob_read, NULL) != ARCHIVE_OK ||
            archive_read_next_header(raw, &e) != ARCHIVE_OK) {
                r = s->error ?: log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(raw));
                goto fail;
        }
        if (archive_read_open(tar, s, NULL, tar_read, NULL) != ARCHIVE_OK) {
                r = s->error ?: log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(tar));
                goto fail;
        }
        r = unpack_entries(tar, dir_fd, limits, ret_size);
        if (r < 0) {
                r = s->error ?: r;
                goto fail;
        }
        /* The DiffID covers the whole stream, also what follows the end-of-archive blocks, which the tar
         * reader does not ask for. */
        while ((r = (int)tar_read(tar, s, &p)) > 0)
                ;
        if (r < 0) {
                r = s->error;
                goto fail;
        }
        return sha256_final(hash, ret_diff_id);
fail:
        if (r == -EFBIG)
                return log_error_errno(r, "Layer exceeds %" PRIu64 " bytes uncompressed.", max);
        return r;
}
