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

static ssize_t fd_read(void *userdata, void *buf, size_t size) {
        int fd = *(int *)userdata;
        ssize_t n;

        do
                n = read(fd, buf, size);
        while (n < 0 && errno == EINTR);
        return n < 0 ? -errno : n;
}

/* A pipe is read as it comes; a file from its start. */
static int rewind_blob(int fd) {
        return lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE ? -errno : 0;
}

int layer_diff_id(
        int in_fd, int out_fd, const LayerLimits *limits, char ret_diff_id[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(layer_decompressor_freep) LayerDecompressor *d = NULL;
        uint64_t max = layer_limits_stream_max(limits), budget = max;
        int r;

        r = rewind_blob(in_fd);
        if (r < 0)
                return r;
        r = layer_decompressor_new(fd_read, &in_fd, false, true, &d);
        if (r < 0)
                return r;
        for (;;) {
                const void *p;
                ssize_t n = layer_decompressor_read(d, &p);
                if (n < 0)
                        return (int)n;
                if (n == 0)
                        break;
                if ((uint64_t)n > budget)
                        return log_error_errno(EFBIG, "Layer exceeds %" PRIu64 " bytes uncompressed.", max);
                budget -= (uint64_t)n;
                if (out_fd >= 0) {
                        r = loop_write(out_fd, p, (size_t)n);
                        if (r < 0)
                                return r;
                }
        }
        return layer_decompressor_digest(d, ret_diff_id);
}

/* The open directories that lead to the last entry's parent, from the top down. A layer lists a
 * directory's entries together, so most entries need no lookup at all, where a walk from the top cost an
 * openat() per component. What an entry changes is its own name inside its parent and what lies below it,
 * never one of these directories (they are all above it): none of them can be replaced or removed while
 * open here. */
typedef struct ParentDir {
        int fd;
        size_t end; /* the directory's path is path[0..end) */
} ParentDir;

typedef struct ParentDirs {
        int root_fd; /* not owned */
        char *path;
        ParentDir *dirs;
        size_t n, allocated;
} ParentDirs;

static void parent_dirs_truncate(ParentDirs *pd, size_t n) {
        while (pd->n > n)
                safe_close(pd->dirs[--pd->n].fd);
}

static void parent_dirs_done(ParentDirs *pd) {
        parent_dirs_truncate(pd, 0);
        free(pd->path);
        free(pd->dirs);
}

static int parent_dirs_push(ParentDirs *pd, int fd, size_t end) {
        if (pd->n == pd->allocated) {
                size_t allocated = MAX(pd->allocated * 2, 16U);
                ParentDir *dirs = reallocarray(pd->dirs, allocated, sizeof(ParentDir));
                if (!dirs) {
                        safe_close(fd);
                        return -ENOMEM;
                }
                pd->dirs = dirs;
                pd->allocated = allocated;
        }
        pd->dirs[pd->n++] = (ParentDir){.fd = fd, .end = end};
        return 0;
}

/* The directory holding the last component of path (clean: "a/b/c"), opened one component at a time with
 * O_NOFOLLOW, so that no symlink (the layer's own or a planted one) is ever followed. Missing directories
 * are created when create is true, as tar does for entries whose parents are not in the archive. *ret_fd
 * belongs to pd and stays open until the next call. */
static int
parent_dirs_open(ParentDirs *pd, const char *path, bool create, int *ret_fd, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        const char *name = slash ? slash + 1 : path;
        size_t parent_len = slash ? (size_t)(slash - path) : 0, start = 0, i;
        char *copy;

        if (strlen(name) > NAME_MAX)
                return -ENAMETOOLONG;
        for (i = 0; i < pd->n; i++) {
                size_t end = pd->dirs[i].end;
                if (end > parent_len || path[end] != '/' ||
                    memcmp(pd->path + start, path + start, end - start) != 0)
                        break;
                start = end + 1;
        }
        parent_dirs_truncate(pd, i);
        copy = strndup(path, parent_len);
        if (!copy)
                return -ENOMEM;
        free(pd->path);
        pd->path = copy;

        while (start < parent_len) {
                const char *next = memchr(path + start, '/', parent_len - start);
                size_t end = next ? (size_t)(next - path) : parent_len;
                int at = pd->n > 0 ? pd->dirs[pd->n - 1].fd : pd->root_fd, fd, r;
                char component[NAME_MAX + 1];

                if (end - start > NAME_MAX)
                        return -ENAMETOOLONG;
                memcpy(component, path + start, end - start);
                component[end - start] = 0;

                fd = openat(at, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0 && errno == ENOENT && create) {
                        if (mkdirat(at, component, 0755) < 0)
                                return -errno;
                        fd = openat(at, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                }
                if (fd < 0)
                        return errno == ELOOP || errno == ENOTDIR ? -ELOOP : -errno;
                r = parent_dirs_push(pd, fd, end);
                if (r < 0)
                        return r;
                start = end + 1;
        }
        *ret_fd = pd->n > 0 ? pd->dirs[pd->n - 1].fd : pd->root_fd;
        *ret_name = name;
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

/* After a create failed (errno): when the name was taken, removes what is there, for a later entry replaces
 * an earlier one of the same name; the caller then creates again. Creating first spares a stat per entry. */
static int replace_taken(int dir_fd, const char *name) {
        return errno == EEXIST ? rm_tree_at(dir_fd, name) : -errno;
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

/* The owner and mode of the entry at fd, created with the entry's permission bits (not its setuid, setgid
 * and sticky bits), then its xattrs. What the inode has already is not set again, which spares most files
 * two journaled inode updates: a new file belongs to us, in the group of its directory when that is
 * setgid, and a new directory there is setgid too; fstat() tells. */
static int set_owner_mode(int fd, struct archive_entry *e) {
        uid_t uid = (uid_t)archive_entry_uid(e);
        gid_t gid = (gid_t)archive_entry_gid(e);
        mode_t mode = archive_entry_perm(e) & 07777;
        bool chowned = false;
        struct stat st;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_uid != uid || st.st_gid != gid) {
                if (fchown(fd, uid, gid) < 0)
                        return -errno;
                chowned = true;
        }
        /* chown first: it may clear the setuid and setgid bits, which chmod then sets. */
        if ((st.st_mode & 07777) != mode || (chowned && (st.st_mode & (S_ISUID | S_ISGID))))
                if (fchmod(fd, mode) < 0)
                        return -errno;
        apply_xattrs(fd, e);
        return 0;
}

static int write_regular(
        struct archive *a, struct archive_entry *e, int dir_fd, const char *name, uint64_t *size_left) {
        _cleanup_close_ int fd = -EBADF;
        struct timespec ts[2];
        int64_t size = archive_entry_size(e);
        mode_t create_mode = archive_entry_perm(e) & 0777;
        uint64_t written_end = 0;
        int r;

        if (size < 0 || (uint64_t)size > *size_left)
                return -EFBIG;
        *size_left -= (uint64_t)size;

        /* The mode now, so that set_owner_mode() need not change it (the transaction's directory is ours
         * alone); the special bits after the owner. */
        fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, create_mode);
        if (fd < 0) {
                r = replace_taken(dir_fd, name);
                if (r < 0)
                        return r;
                fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, create_mode);
                if (fd < 0)
                        return -errno;
        }
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
                written_end = MAX(written_end, (uint64_t)offset);
        }
        /* Sparse files may end in a hole. */
        if (written_end < (uint64_t)size && ftruncate(fd, size) < 0)
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
        /* Open and filled by us whatever its mode, without leaning on CAP_DAC_OVERRIDE. */
        mode_t create_mode = (archive_entry_perm(e) & 0777) | S_IRWXU;
        struct stat st;
        int r;

        /* A directory stays when a directory follows. */
        if (mkdirat(dir_fd, name, create_mode) < 0) {
                if (errno != EEXIST)
                        return -errno;
                if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                if (!S_ISDIR(st.st_mode)) {
                        r = rm_tree_at(dir_fd, name);
                        if (r < 0)
                                return r;
                        if (mkdirat(dir_fd, name, create_mode) < 0)
                                return -errno;
                }
        }
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
        int r;

        /* The target is resolved inside the container, never here: any string is fine. */
        if (isempty(target) || strlen(target) >= PATH_MAX)
                return -EBADMSG;
        if (symlinkat(target, dir_fd, name) < 0) {
                r = replace_taken(dir_fd, name);
                if (r < 0)
                        return r;
                if (symlinkat(target, dir_fd, name) < 0)
                        return -errno;
        }
        return set_metadata_at(dir_fd, name, e);
}

static int write_hardlink(struct archive_entry *e, int root_fd, int dir_fd, const char *name) {
        _cleanup_free_ char *target = NULL;
        _cleanup_(parent_dirs_done) ParentDirs target_dirs = {.root_fd = root_fd};
        const char *target_name = NULL; /* set by parent_dirs_open() on success; gcc -O3 cannot tell */
        int target_dir_fd = -EBADF, r;

        /* The target must be an earlier entry of this layer: inside it by construction. */
        r = tar_path_clean(NULL, archive_entry_hardlink(e), true, &target);
        if (r < 0)
                return r;
        if (isempty(target))
                return -EPERM;
        r = parent_dirs_open(&target_dirs, target, false, &target_dir_fd, &target_name);
        if (r < 0)
                return r;
        if (linkat(target_dir_fd, target_name, dir_fd, name, 0) < 0) {
                r = replace_taken(dir_fd, name);
                if (r < 0)
                        return r;
                if (linkat(target_dir_fd, target_name, dir_fd, name, 0) < 0)
                        return -errno;
        }
        return 0;
}

static int write_node(struct archive_entry *e, int dir_fd, const char *name) {
        mode_t mode = archive_entry_filetype(e) | 0600;
        int r;

        if (mknodat(dir_fd, name, mode, archive_entry_rdev(e)) < 0) {
                r = replace_taken(dir_fd, name);
                if (r < 0)
                        return r;
                if (mknodat(dir_fd, name, mode, archive_entry_rdev(e)) < 0)
                        return -errno;
        }
        return set_metadata_at(dir_fd, name, e);
}

static int write_whiteout(int dir_fd, const char *name) {
        const char *target = name + STRLEN(WHITEOUT_PREFIX);
        int r;

        if (streq(name, WHITEOUT_OPAQUE))
                return fsetxattr(dir_fd, OVERLAY_OPAQUE_XATTR, "y", 1, 0) < 0 ? -errno : 0;
        /* Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) has no overlayfs meaning. */
        if (strncmp(name, WHITEOUT_META_PREFIX, STRLEN(WHITEOUT_META_PREFIX)) == 0)
                return 0;
        if (isempty(target) || streq(target, ".") || streq(target, ".."))
                return -EBADMSG;
        if (mknodat(dir_fd, target, S_IFCHR | 0000, makedev(0, 0)) < 0) {
                r = replace_taken(dir_fd, target);
                if (r < 0)
                        return r;
                if (mknodat(dir_fd, target, S_IFCHR | 0000, makedev(0, 0)) < 0)
                        return -errno;
        }
        return 0;
}

typedef struct DirTimes {
        char *path;
        struct timespec ts[2];
} DirTimes;

/* Directory times last: creating the children would change them. */
static void apply_dir_times(int root_fd, DirTimes *dirs, size_t n) {
        _cleanup_(parent_dirs_done) ParentDirs pd = {.root_fd = root_fd};

        for (size_t i = 0; i < n; i++) {
                const char *name;
                int fd;

                if (parent_dirs_open(&pd, dirs[i].path, false, &fd, &name) < 0)
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
        ParentDirs *pd,
        const char *path,
        uint64_t *size_left,
        DirTimes **dirs,
        size_t *n_dirs) {
        const char *name = NULL; /* set by parent_dirs_open() on success; gcc -O3 cannot tell */
        mode_t type = archive_entry_filetype(e);
        int dir_fd = -EBADF, r;

        r = parent_dirs_open(pd, path, true, &dir_fd, &name);
        if (r < 0)
                return r;

        if (strncmp(name, WHITEOUT_PREFIX, STRLEN(WHITEOUT_PREFIX)) == 0)
                return write_whiteout(dir_fd, name);

        if (archive_entry_hardlink(e))
                return write_hardlink(e, pd->root_fd, dir_fd, name);

        switch (type) {
        case AE_IFDIR: {
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
        case AE_IFREG:
                return write_regular(a, e, dir_fd, name, size_left);
        case AE_IFLNK:
                return write_symlink(e, dir_fd, name);
        case AE_IFCHR:
        case AE_IFBLK:
        case AE_IFIFO:
                return write_node(e, dir_fd, name);
        default:
                /* Sockets and unknown types have no place in an image; an earlier entry of the name
                 * is replaced all the same. */
                log_debug("Skipping layer entry %s of type 0%o.", path, (unsigned)type);
                return rm_tree_at(dir_fd, name);
        }
}

/* Unpacks the entries of the tar reader a into dir_fd. */
static int unpack_entries(struct archive *a, int dir_fd, const LayerLimits *limits, uint64_t *ret_size) {
        _cleanup_(parent_dirs_done) ParentDirs pd = {.root_fd = dir_fd};
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

                r = unpack_entry(a, e, &pd, path, &size_left, &dirs, &n_dirs);
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

/* The tar reader reads the decompressed blob through tar_read(), within the budget. The decompressor
 * hashes the tar stream as it makes it: the DiffID, with no second pass and no copy of the tar on disk. */
typedef struct StreamState {
        LayerDecompressor *decompressor;
        uint64_t budget;
        int error;
} StreamState;

static la_ssize_t tar_read(struct archive *a, void *userdata, const void **ret) {
        StreamState *s = userdata;
        ssize_t n = layer_decompressor_read(s->decompressor, ret);

        if (n < 0) {
                s->error = (int)n;
                archive_set_error(a, (int)-n, "Cannot decompress layer");
                return -1;
        }
        if ((uint64_t)n > s->budget) {
                s->error = -EFBIG;
                archive_set_error(a, EFBIG, "Layer too large");
                return -1;
        }
        s->budget -= (uint64_t)n;
        return n;
}

/* layer_unpack_stream(), the DiffID only when ret_diff_id is not NULL. */
static int unpack_stream(
        LayerReadFunction read,
        void *userdata,
        int dir_fd,
        const LayerLimits *limits,
        uint64_t *ret_size,
        char *ret_diff_id) {
        _cleanup_(layer_decompressor_freep) LayerDecompressor *decompressor = NULL;
        _cleanup_(archive_read_freep) struct archive *tar = NULL;
        uint64_t max = layer_limits_stream_max(limits);
        StreamState s = {.budget = max};
        const void *p;
        int r;

        r = layer_decompressor_new(read, userdata, true, ret_diff_id != NULL, &decompressor);
        if (r < 0)
                return r;
        s.decompressor = decompressor;
        tar = archive_read_new();
        if (!tar)
                return -ENOMEM;
        archive_read_support_format_tar(tar);

        if (archive_read_open(tar, &s, NULL, tar_read, NULL) != ARCHIVE_OK) {
                r = s.error ?: log_debug_errno(EBADMSG, "Cannot read layer: %s", archive_error_string(tar));
                goto fail;
        }
        r = unpack_entries(tar, dir_fd, limits, ret_size);
        if (r < 0) {
                r = s.error ?: r;
                goto fail;
        }
        /* The DiffID covers the whole stream, also what follows the end-of-archive blocks, which the tar
         * reader does not ask for; and a download is whole only when all of it was read. */
        while ((r = (int)tar_read(tar, &s, &p)) > 0)
                ;
        if (r < 0) {
                r = s.error;
                goto fail;
        }
        return ret_diff_id ? layer_decompressor_digest(decompressor, ret_diff_id) : 0;
fail:
        if (r == -EFBIG)
                return log_error_errno(r, "Layer exceeds %" PRIu64 " bytes uncompressed.", max);
        return r;
}

int layer_unpack(int in_fd, int dir_fd, const LayerLimits *limits, uint64_t *ret_size) {
        int r;

        r = rewind_blob(in_fd);
        if (r < 0)
                return r;
        return unpack_stream(fd_read, &in_fd, dir_fd, limits, ret_size, NULL);
}

int layer_unpack_stream(
        LayerReadFunction read,
        void *userdata,
        int dir_fd,
        const LayerLimits *limits,
        uint64_t *ret_size,
        char ret_diff_id[static DIGEST_STRING_LEN + 1]) {
        return unpack_stream(read, userdata, dir_fd, limits, ret_size, ret_diff_id);
}
