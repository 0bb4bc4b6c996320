/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "fileio.h"
#include "macro.h"
#include "mount-setup.h"
#include "strv.h"

static const char *const mount_op_type_table[_MOUNT_OP_MAX] = {
        [MOUNT_OP_MAKE_PRIVATE] = "make-private",
        [MOUNT_OP_ROOTFS] = "rootfs",
        [MOUNT_OP_BIND_PREPARE] = "bind-prepare",
        [MOUNT_OP_PIVOT_ROOT] = "pivot-root",
        [MOUNT_OP_MOUNT] = "mount",
        [MOUNT_OP_BIND_ATTACH] = "bind-attach",
        [MOUNT_OP_DEVICES] = "devices",
        [MOUNT_OP_MASK] = "mask",
        [MOUNT_OP_READONLY] = "readonly",
        [MOUNT_OP_WORKDIR] = "workdir",
        [MOUNT_OP_ROOT_READONLY] = "root-readonly",
};

const char *mount_op_type_to_string(MountOpType t) {
        return t >= 0 && t < _MOUNT_OP_MAX ? mount_op_type_table[t] : NULL;
}

void mount_plan_done(MountPlan *p) {
        for (size_t i = 0; i < p->n_ops; i++)
                mount_options_done(&p->ops[i].options);
        for (size_t i = 0; i < p->n_trees; i++)
                safe_close(p->tree_fds[i]);
        free(p->ops);
        free(p->tree_fds);
        *p = (MountPlan){};
}

static MountOp *plan_add(MountPlan *p, MountOpType type, const char *source, const char *target) {
        MountOp *op = &p->ops[p->n_ops++];
        *op = (MountOp){.type = type, .source = source, .target = target};
        return op;
}

int mount_plan_build(const RuntimeSpec *spec, MountPlan *ret) {
        _cleanup_(mount_plan_done) MountPlan p = {};
        const RuntimeMount *rootfs = NULL;
        size_t max_ops;
        int r;

        /* Every mount may become two ops (prepare + attach); plus the fixed steps. */
        max_ops =
                2 * spec->n_mounts + strv_length(spec->masked_paths) + strv_length(spec->readonly_paths) + 9;
        p.ops = calloc(max_ops, sizeof(MountOp));
        p.tree_fds = calloc(spec->n_mounts + 1, sizeof(int));
        if (!p.ops || !p.tree_fds)
                return -ENOMEM;

        for (size_t i = 0; i < spec->n_mounts; i++)
                if (streq(spec->mounts[i].destination, "/"))
                        rootfs = &spec->mounts[i];

        plan_add(&p, MOUNT_OP_MAKE_PRIVATE, NULL, "/");
        MountOp *op = plan_add(&p, MOUNT_OP_ROOTFS, rootfs ? rootfs->source : NULL, spec->root_path);
        if (rootfs) {
                op->fstype = rootfs->type;
                r = mount_options_parse(rootfs->options, &op->options);
                if (r < 0)
                        return r;
        }

        /* Bind sources live on the host side: clone them before the host disappears. */
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const RuntimeMount *m = &spec->mounts[i];
                if (m == rootfs || !streq(m->type, "bind"))
                        continue;
                op = plan_add(&p, MOUNT_OP_BIND_PREPARE, m->source, m->destination);
                r = mount_options_parse(m->options, &op->options);
                if (r < 0)
                        return r;
                op->tree = p.n_trees;
                p.tree_fds[p.n_trees++] = -EBADF;
        }

        plan_add(&p, MOUNT_OP_PIVOT_ROOT, NULL, spec->root_path);

        for (size_t i = 0, tree = 0; i < spec->n_mounts; i++) {
                const RuntimeMount *m = &spec->mounts[i];
                if (m == rootfs)
                        continue;
                if (streq(m->type, "bind")) {
                        op = plan_add(&p, MOUNT_OP_BIND_ATTACH, m->source, m->destination);
                        op->tree = tree++;
                        continue;
                }
                op = plan_add(&p, MOUNT_OP_MOUNT, m->source ?: m->type, m->destination);
                op->fstype = m->type;
                r = mount_options_parse(m->options, &op->options);
                if (r < 0)
                        return r;
        }

        plan_add(&p, MOUNT_OP_DEVICES, NULL, "/dev");
        STRV_FOREACH (path, spec->masked_paths)
                plan_add(&p, MOUNT_OP_MASK, NULL, *path);
        STRV_FOREACH (path, spec->readonly_paths)
                plan_add(&p, MOUNT_OP_READONLY, NULL, *path);
        plan_add(&p, MOUNT_OP_WORKDIR, NULL, spec->cwd);
        if (spec->root_readonly)
                plan_add(&p, MOUNT_OP_ROOT_READONLY, NULL, "/");

        *ret = p;
        p = (MountPlan){};
        return 0;
}

/* Creates the mount point: a directory, or an empty file when a file is to be bound there. */
static int make_target(const char *target, bool file) {
        _cleanup_free_ char *parent = NULL;
        char *slash;
        int fd, r;

        if (access(target, F_OK) >= 0)
                return 0;
        if (!file)
                return mkdir_p(target, 0755);

        parent = strdup(target);
        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        if (slash && slash != parent) {
                *slash = 0;
                r = mkdir_p(parent, 0755);
                if (r < 0)
                        return r;
        }
        fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
        if (fd < 0)
                return -errno;
        safe_close(fd);
        return 0;
}

static int do_rootfs(MountOp *op) {
        if (!op->fstype) {
                /* pivot_root() needs a mount point. */
                if (mount(op->target, op->target, NULL, MS_BIND | MS_REC, NULL) < 0)
                        return -errno;
                return 0;
        }
        if (mount(op->source ?: "overlay", op->target, op->fstype, op->options.flags, op->options.data) < 0)
                return -errno;
        return 0;
}

static int do_bind_prepare(MountPlan *p, MountOp *op) {
        unsigned long attr = mount_options_attr(op->options.flags);
        int fd;

        fd = open_tree(
                AT_FDCWD,
                op->source,
                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (op->options.recursive ? AT_RECURSIVE : 0));
        if (fd < 0)
                return -errno;
        p->tree_fds[op->tree] = fd;
        if (attr != 0) {
                struct mount_attr a = {.attr_set = attr};
                if (mount_setattr(
                            fd,
                            "",
                            AT_EMPTY_PATH | (op->options.recursive ? AT_RECURSIVE : 0),
                            &a,
                            sizeof(a)) < 0)
                        return -errno;
        }
        return 0;
}

static int do_pivot_root(MountOp *op) {
        if (chdir(op->target) < 0)
                return -errno;
        /* Stack the old root on top of the new one, then detach it: no temporary directory needed. */
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return -errno;
        if (umount2(".", MNT_DETACH) < 0)
                return -errno;
        if (chdir("/") < 0)
                return -errno;
        return 0;
}

static int do_bind_attach(MountPlan *p, MountOp *op) {
        int fd = p->tree_fds[op->tree];
        struct stat st;
        int r;

        if (fstat(fd, &st) < 0)
                return -errno;
        r = make_target(op->target, !S_ISDIR(st.st_mode));
        if (r < 0)
                return r;
        if (move_mount(fd, "", AT_FDCWD, op->target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return -errno;
        p->tree_fds[op->tree] = safe_close(fd);
        return 0;
}

static int do_mount(MountOp *op) {
        int r;

        r = make_target(op->target, false);
        if (r < 0)
                return r;
        if (mount(op->source, op->target, op->fstype, op->options.flags, op->options.data) < 0)
                return -errno;
        return 0;
}

static int do_devices(void) {
        static const struct {
                const char *path;
                unsigned major, minor;
        } devices[] = {
                {"/dev/null", 1, 3},
                {"/dev/zero", 1, 5},
                {"/dev/full", 1, 7},
                {"/dev/random", 1, 8},
                {"/dev/urandom", 1, 9},
                {"/dev/tty", 5, 0},
        };
        static const struct {
                const char *path, *target;
        } links[] = {
                {"/dev/fd", "/proc/self/fd"},
                {"/dev/stdin", "/proc/self/fd/0"},
                {"/dev/stdout", "/proc/self/fd/1"},
                {"/dev/stderr", "/proc/self/fd/2"},
                {"/dev/ptmx", "pts/ptmx"},
        };
        int r;

        r = mkdir_p("/dev", 0755);
        if (r < 0)
                return r;
        for (size_t i = 0; i < ELEMENTSOF(devices); i++) {
                if (mknod(devices[i].path, S_IFCHR | 0666, makedev(devices[i].major, devices[i].minor)) <
                    0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                /* mknod() honours the umask. */
                if (chmod(devices[i].path, 0666) < 0)
                        return -errno;
        }
        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                if (symlink(links[i].target, links[i].path) < 0 && errno != EEXIST)
                        return -errno;

        /* No terminal: /dev/console must not be a real console, so it is /dev/null. */
        r = make_target("/dev/console", true);
        if (r < 0)
                return r;
        if (mount("/dev/null", "/dev/console", NULL, MS_BIND, NULL) < 0)
                return -errno;
        return 0;
}

static int do_mask(MountOp *op) {
        struct stat st;

        if (stat(op->target, &st) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode)) {
                if (mount("tmpfs",
                          op->target,
                          "tmpfs",
                          MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "size=0") < 0)
                        return -errno;
        } else if (mount("/dev/null", op->target, NULL, MS_BIND, NULL) < 0)
                return -errno;
        return 0;
}

static int do_readonly(MountOp *op) {
        if (mount(op->target, op->target, NULL, MS_BIND | MS_REC, NULL) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (mount(NULL,
                  op->target,
                  NULL,
                  MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  NULL) < 0)
                return -errno;
        return 0;
}

static int execute_one(MountPlan *p, MountOp *op) {
        switch (op->type) {
        case MOUNT_OP_MAKE_PRIVATE:
                return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ? -errno : 0;
        case MOUNT_OP_ROOTFS:
                return do_rootfs(op);
        case MOUNT_OP_BIND_PREPARE:
                return do_bind_prepare(p, op);
        case MOUNT_OP_PIVOT_ROOT:
                return do_pivot_root(op);
        case MOUNT_OP_MOUNT:
                return do_mount(op);
        case MOUNT_OP_BIND_ATTACH:
                return do_bind_attach(p, op);
        case MOUNT_OP_DEVICES:
                return do_devices();
        case MOUNT_OP_MASK:
                return do_mask(op);
        case MOUNT_OP_READONLY:
                return do_readonly(op);
        case MOUNT_OP_WORKDIR:
                return mkdir_p(op->target, 0755);
        case MOUNT_OP_ROOT_READONLY:
                return mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0 ? -errno : 0;
        default:
                return -EINVAL;
        }
}

int mount_plan_execute(MountPlan *p, char **ret_error) {
        for (size_t i = 0; i < p->n_ops; i++) {
                MountOp *op = &p->ops[i];
                int r = execute_one(p, op);
                if (r < 0) {
                        if (ret_error && asprintf(
                                                 ret_error,
                                                 "%s %s%s%s: %s",
                                                 mount_op_type_to_string(op->type),
                                                 op->target,
                                                 op->source ? " from " : "",
                                                 op->source ?: "",
                                                 strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
        }
        return 0;
}
