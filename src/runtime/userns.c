/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>

#include "error-set.h"
#include "fileio.h"
#include "macro.h"
#include "userns.h"

#define PROC_FD_PATH_MAX 32
#define USERNS_PARENT_MOUNTS_MAX 64U

static int write_map(pid_t pid, const char *file, const IdMap *map) {
        _cleanup_free_ char *text = NULL;
        _cleanup_close_ int fd = -EBADF;
        char path[64];
        size_t n;
        int r;

        r = id_map_format(map, &text);
        if (r < 0)
                return r;
        (void)snprintf(path, sizeof(path), "/proc/%i/%s", (int)pid, file);
        fd = open(path, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* The kernel takes the whole map in one write(). */
        n = strlen(text);
        errno = 0;
        if (write(fd, text, n) != (ssize_t)n)
                return errno > 0 ? -errno : -EIO;
        return 0;
}

/* A detached copy of path whose ids are mapped through the user namespace userns_fd. */
static int open_idmapped_tree(const char *path, int userns_fd) {
        struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
        _cleanup_close_ int fd = -EBADF;

        fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
                return -errno;
        return TAKE_FD(fd);
}

/* The kernel's own explanation of a failed fsconfig(), when it left one ("e overlay: …"). */
static void fs_context_message(int fs_fd, char *buf, size_t size) {
        ssize_t n = read(fs_fd, buf, size - 1);

        buf[n > 0 ? n : 0] = 0;
        if (n > 0 && buf[n - 1] == '\n')
                buf[n - 1] = 0;
}

static int fail(char **ret_error, int r, const char *what, const char *detail) {
        return error_set(
                ret_error, r, "%s: %s%s%s", what, strerror(-r), isempty(detail) ? "" : ": ", detail ?: "");
}

/* The idmapped layers stay open until the overlay is created: closing a detached mount unmounts it, and
 * overlayfs clones each layer's mount only then. */
typedef struct LayerTrees {
        int *fds;
        size_t n;
} LayerTrees;

static void layer_trees_done(LayerTrees *t) {
        for (size_t i = 0; i < t->n; i++)
                safe_close(t->fds[i]);
        free(t->fds);
        *t = (LayerTrees){};
}

/* Each layer of lowerdir= goes in as its own idmapped mount ("lowerdir+", Linux 6.8: fsconfig() takes at
 * most 256 bytes per value, too few for a joined list of /proc/self/fd paths). */
static int add_idmapped_layers(int fs_fd, char *layers, int userns_fd, LayerTrees *trees, char **ret_error) {
        char *save = NULL, msg[256];
        size_t max = 1;

        for (const char *c = layers; *c; c++)
                max += *c == ':';
        trees->fds = calloc(max, sizeof(int));
        if (!trees->fds)
                return -ENOMEM;
        for (char *layer = strtok_r(layers, ":", &save); layer; layer = strtok_r(NULL, ":", &save)) {
                char fd_path[PROC_FD_PATH_MAX];
                int tree;

                if (layer[0] != '/' || strchr(layer, '\\'))
                        return fail(
                                ret_error,
                                -EINVAL,
                                "idmap",
                                "lowerdir needs absolute paths without escapes");
                tree = open_idmapped_tree(layer, userns_fd);
                if (tree < 0)
                        return fail(ret_error, tree, "idmapped mount of a layer", layer);
                trees->fds[trees->n++] = tree;
                (void)snprintf(fd_path, sizeof(fd_path), "/proc/self/fd/%i", tree);
                if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "lowerdir+", fd_path, 0) < 0) {
                        int r = -errno;
                        fs_context_message(fs_fd, msg, sizeof(msg));
                        return fail(ret_error, r, "overlay lowerdir+ (needs Linux 6.8)", msg);
                }
        }
        return 0;
}

/* The op's filesystem as a detached mount: berth's "/" overlay with its lower layers idmapped, or a fresh
 * mount of the op's filesystem (a sysfs of the runtime's network namespace). */
static int mount_detached(const MountOp *op, int userns_fd, int *ret, char **ret_error) {
        _cleanup_close_ int fs_fd = -EBADF, mnt = -EBADF;
        _cleanup_(layer_trees_done) LayerTrees layers = {};
        _cleanup_free_ char *data = NULL;
        char *save = NULL, msg[256];
        int r;

        fs_fd = fsopen(op->fstype, FSOPEN_CLOEXEC);
        if (fs_fd < 0)
                return fail(ret_error, -errno, "fsopen", op->fstype);
        if (fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", op->source ?: op->fstype, 0) < 0)
                return fail(ret_error, -errno, op->fstype, "source");

        data = strdup(op->options.data ?: "");
        if (!data)
                return -ENOMEM;
        for (char *opt = strtok_r(data, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
                char *value = strchr(opt, '=');

                if (value)
                        *value++ = 0;
                if (op->options.idmap && streq(opt, "lowerdir")) {
                        r = add_idmapped_layers(fs_fd, value ?: "", userns_fd, &layers, ret_error);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (op->options.idmap && value && (streq(opt, "upperdir") || streq(opt, "workdir")) &&
                    value[0] != '/')
                        return fail(ret_error, -EINVAL, "idmap", "upperdir and workdir must be absolute");
                if (fsconfig(fs_fd, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, opt, value, 0) < 0) {
                        r = -errno;
                        fs_context_message(fs_fd, msg, sizeof(msg));
                        return fail(ret_error, r, opt, msg);
                }
        }
        if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
                r = -errno;
                fs_context_message(fs_fd, msg, sizeof(msg));
                return fail(
                        ret_error, r, op->options.idmap ? "overlay over idmapped layers" : op->fstype, msg);
        }
        mnt = fsmount(fs_fd, FSMOUNT_CLOEXEC, (unsigned)mount_options_attr(op->options.flags));
        if (mnt < 0)
                return fail(ret_error, -errno, "fsmount", op->fstype);
        *ret = TAKE_FD(mnt);
        return 0;
}

static int send_fds(int sync_fd, const int *fds, size_t n) {
        char byte = 0;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                struct cmsghdr header;
                char buf[CMSG_SPACE(sizeof(int) * USERNS_PARENT_MOUNTS_MAX)];
        } control = {};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

        if (n > 0) {
                struct cmsghdr *cmsg;

                mh.msg_control = control.buf;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n);
                cmsg = CMSG_FIRSTHDR(&mh);
                cmsg->cmsg_level = SOL_SOCKET;
                cmsg->cmsg_type = SCM_RIGHTS;
                cmsg->cmsg_len = CMSG_LEN(sizeof(int) * n);
                memcpy(CMSG_DATA(cmsg), fds, sizeof(int) * n);
        }
        return sendmsg(sync_fd, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int userns_setup_child(
        const RuntimeSpec *spec, const MountPlan *plan, pid_t pid, int sync_fd, char **ret_error) {
        _cleanup_close_ int userns_fd = -EBADF;
        int fds[USERNS_PARENT_MOUNTS_MAX];
        size_t n = 0;
        char path[64];
        int r;

        r = write_map(pid, "uid_map", &spec->uid_map);
        if (r < 0)
                return fail(ret_error, r, "writing uid_map", NULL);
        r = write_map(pid, "gid_map", &spec->gid_map);
        if (r < 0)
                return fail(ret_error, r, "writing gid_map", NULL);

        (void)snprintf(path, sizeof(path), "/proc/%i/ns/user", (int)pid);
        userns_fd = open(path, O_RDONLY | O_CLOEXEC);
        if (userns_fd < 0)
                return fail(ret_error, -errno, path, NULL);
        for (size_t i = 0; i < plan->n_ops; i++) {
                const MountOp *op = &plan->ops[i];

                if (!op->from_parent)
                        continue;
                if (n >= USERNS_PARENT_MOUNTS_MAX) {
                        r = fail(ret_error, -E2BIG, "idmapped mounts", "more than the runtime hands over");
                        break;
                }
                if (op->type == MOUNT_OP_BIND_PREPARE) {
                        r = op->source[0] == '/' ? mount_open_bind_tree(op, userns_fd) : -EINVAL;
                        if (r < 0) {
                                (void)fail(
                                        ret_error, r, "idmapped bind mount (absolute source)", op->source);
                                break;
                        }
                        fds[n++] = r;
                        continue;
                }
                r = mount_detached(op, userns_fd, &fds[n], ret_error);
                if (r < 0)
                        break;
                n++;
        }
        if (r >= 0) {
                r = send_fds(sync_fd, fds, n);
                if (r < 0)
                        (void)fail(ret_error, r, "handing the mounts to the container", NULL);
        }
        for (size_t i = 0; i < n; i++)
                safe_close(fds[i]);
        return r;
}

int userns_child_wait(int sync_fd, MountPlan *plan) {
        char byte;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
                struct cmsghdr header;
                char buf[CMSG_SPACE(sizeof(int) * USERNS_PARENT_MOUNTS_MAX)];
        } control = {};
        struct msghdr mh = {
                .msg_iov = &iov,
                .msg_iovlen = 1,
                .msg_control = control.buf,
                .msg_controllen = sizeof(control.buf)};
        int fds[USERNS_PARENT_MOUNTS_MAX];
        struct cmsghdr *cmsg;
        size_t n = 0, used = 0;
        ssize_t k;

        do
                k = recvmsg(sync_fd, &mh, MSG_CMSG_CLOEXEC);
        while (k < 0 && errno == EINTR);
        if (k < 0)
                return -errno;
        if (k == 0)
                return -ECONNRESET; /* the parent gave up */
        cmsg = CMSG_FIRSTHDR(&mh);
        if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
                n = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                memcpy(fds, CMSG_DATA(cmsg), n * sizeof(int));
        }

        /* In the order the parent made them: the plan's. */
        for (size_t i = 0; i < plan->n_ops; i++)
                if (plan->ops[i].from_parent) {
                        if (used >= n)
                                return -EBADMSG;
                        plan->tree_fds[plan->ops[i].tree] = fds[used++];
                }
        return used == n ? 0 : -EBADMSG;
}

static uint32_t host_id_of_root(const IdMap *m) {
        for (size_t i = 0; i < m->n; i++)
                if (m->entries[i].container_id == 0)
                        return m->entries[i].host_id;
        return 0; /* runtime_spec_check_userns() made sure there is one */
}

int userns_give_to_root(const RuntimeSpec *spec, int fd) {
        if (!(spec->namespace_flags & CLONE_NEWUSER))
                return 0;
        if (fchown(fd, host_id_of_root(&spec->uid_map), host_id_of_root(&spec->gid_map)) < 0)
                return -errno;
        return 0;
}

int userns_become_root(void) {
        if (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
                return -errno;
        return 0;
}
