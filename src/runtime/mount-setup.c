/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "cgroup-mounts.h"
#include "fileio.h"
#include "macro.h"
#include "mount-setup.h"
#include "strv.h"
#include "userns.h"

static const char *const mount_op_type_table[_MOUNT_OP_MAX] = {
        [MOUNT_OP_MAKE_PRIVATE] = "make-private",
        [MOUNT_OP_ROOTFS] = "rootfs",
        [MOUNT_OP_BIND_PREPARE] = "bind-prepare",
        [MOUNT_OP_PIVOT_ROOT] = "pivot-root",
        [MOUNT_OP_BECOME_ROOT] = "become-root",
        [MOUNT_OP_MOUNT] = "mount",
        [MOUNT_OP_BIND_ATTACH] = "bind-attach",
        [MOUNT_OP_DEVICES] = "devices",
        [MOUNT_OP_DEVICE] = "device",
        [MOUNT_OP_CGROUPS] = "cgroups",
        [MOUNT_OP_SYSCTL] = "sysctl",
        [MOUNT_OP_MASK] = "mask",
        [MOUNT_OP_READONLY] = "readonly",
        [MOUNT_OP_WORKDIR] = "workdir",
        [MOUNT_OP_ROOT_READONLY] = "root-readonly",
};

static const struct {
        const char *path;
        unsigned major, minor;
} standard_devices[] = {
        {"/dev/null", 1, 3},
        {"/dev/zero", 1, 5},
        {"/dev/full", 1, 7},
        {"/dev/random", 1, 8},
        {"/dev/urandom", 1, 9},
        {"/dev/tty", 5, 0},
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

MountOp *mount_plan_rootfs(const MountPlan *p) {
        for (size_t i = 0; i < p->n_ops; i++)
                if (p->ops[i].type == MOUNT_OP_ROOTFS)
                        return &p->ops[i];
        return NULL;
}

/* In a user namespace the kernel mounts a new proc or sysfs only while one is fully visible in the mount
 * namespace (mount_too_revealing()): the host's, before the pivot. */
static bool mount_needs_host_view(const RuntimeMount *m) {
        return streq(m->type, "proc") || streq(m->type, "sysfs");
}

static void add_tree(MountPlan *p, MountOp *op) {
        op->tree = p->n_trees;
        p->tree_fds[p->n_trees++] = -EBADF;
}

static void take_from_parent(MountPlan *p, MountOp *op) {
        op->from_parent = true;
        add_tree(p, op);
}

/* A user namespace cannot mknod(): the standard devices are the host's nodes, bound in. A sysfs shows the
 * network namespace of its mounter, and only one owned by the user namespace may mount it: when the
 * container joins a network namespace of the host's (linux.namespaces path), the runtime mounts it. */
static int add_userns_ops_before_pivot(const RuntimeSpec *spec, MountPlan *p) {
        MountOp *op;
        int r;

        p->device_trees = p->n_trees;
        for (size_t i = 0; i < ELEMENTSOF(standard_devices); i++)
                add_tree(
                        p,
                        plan_add(
                                p,
                                MOUNT_OP_BIND_PREPARE,
                                standard_devices[i].path,
                                standard_devices[i].path));
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const RuntimeMount *m = &spec->mounts[i];
                if (!mount_needs_host_view(m))
                        continue;
                op = plan_add(p, MOUNT_OP_MOUNT, m->source ?: m->type, m->destination);
                op->fstype = m->type;
                op->root = spec->root_path;
                r = mount_options_parse(m->options, &op->options);
                if (r < 0)
                        return r;
                if (streq(m->type, "sysfs") && !(spec->namespace_flags & CLONE_NEWNET))
                        take_from_parent(p, op);
        }
        return 0;
}

static bool spec_mounts_sys(const RuntimeSpec *spec) {
        for (size_t i = 0; i < spec->n_mounts; i++)
                if (streq(spec->mounts[i].destination, "/sys"))
                        return true;
        return false;
}

int mount_plan_build(const RuntimeSpec *spec, MountPlan *ret) {
        _cleanup_(mount_plan_done) MountPlan p = {};
        const RuntimeMount *rootfs = NULL;
        size_t max_ops;
        int r;

        /* Every mount may become two ops (prepare + attach); plus the fixed steps. */
        max_ops = 2 * spec->n_mounts + strv_length(spec->masked_paths) + strv_length(spec->readonly_paths) +
                  spec->n_devices + spec->n_sysctls + ELEMENTSOF(standard_devices) + 10;
        p.ops = calloc(max_ops, sizeof(MountOp));
        p.tree_fds = calloc(spec->n_mounts + 1 + ELEMENTSOF(standard_devices), sizeof(int));
        if (!p.ops || !p.tree_fds)
                return -ENOMEM;

        for (size_t i = 0; i < spec->n_mounts; i++)
                if (streq(spec->mounts[i].destination, "/"))
                        rootfs = &spec->mounts[i];

        /* Bind sources live on the host side: clone them before the host disappears, and before "/" turns
         * private, so that a shared or slave bind is cloned into the host's peer group. */
        MountOp *op;
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
                /* Only the host's root may idmap (userns.h). */
                op->from_parent = op->options.idmap;
        }

        plan_add(&p, MOUNT_OP_MAKE_PRIVATE, NULL, "/");
        op = plan_add(&p, MOUNT_OP_ROOTFS, rootfs ? rootfs->source : NULL, spec->root_path);
        if (rootfs) {
                op->fstype = rootfs->type;
                r = mount_options_parse(rootfs->options, &op->options);
                if (r < 0)
                        return r;
        }

        /* With "idmap", the parent mounts "/" and hands it over (userns.h). */
        op = mount_plan_rootfs(&p);
        if (op->options.idmap)
                take_from_parent(&p, op);
        p.userns = spec->namespace_flags & CLONE_NEWUSER;
        if (p.userns) {
                r = add_userns_ops_before_pivot(spec, &p);
                if (r < 0)
                        return r;
        }

        plan_add(&p, MOUNT_OP_PIVOT_ROOT, NULL, spec->root_path);
        if (p.userns)
                plan_add(&p, MOUNT_OP_BECOME_ROOT, NULL, "/");

        for (size_t i = 0, tree = 0; i < spec->n_mounts; i++) {
                const RuntimeMount *m = &spec->mounts[i];
                if (m == rootfs || (p.userns && mount_needs_host_view(m)))
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

        if ((spec->namespace_flags & CLONE_NEWCGROUP) && spec_mounts_sys(spec))
                plan_add(&p, MOUNT_OP_CGROUPS, NULL, "/sys/fs/cgroup");
        plan_add(&p, MOUNT_OP_DEVICES, NULL, "/dev");
        for (size_t i = 0; i < spec->n_devices; i++)
                plan_add(&p, MOUNT_OP_DEVICE, NULL, spec->devices[i].path)->device = &spec->devices[i];
        /* Before /proc/sys becomes read-only (readonlyPaths). */
        for (size_t i = 0; i < spec->n_sysctls; i++)
                plan_add(&p, MOUNT_OP_SYSCTL, spec->sysctls[i].value, spec->sysctls[i].path);
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

/* Attaches the tree at index tree, prepared before (BIND_PREPARE) or handed over by the parent. */
static int attach_tree(MountPlan *p, size_t tree, const char *target) {
        if (move_mount(p->tree_fds[tree], "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
                return -errno;
        p->tree_fds[tree] = safe_close(p->tree_fds[tree]);
        return 0;
}

static int do_rootfs(MountPlan *p, MountOp *op) {
        if (op->from_parent)
                return attach_tree(p, op->tree, op->target);
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

static int set_tree_attr(int fd, struct mount_attr *a, bool recursive) {
        if (mount_setattr(fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), a, sizeof(*a)) < 0)
                return -errno;
        return 0;
}

/* The clone keeps the source's propagation (a peer of a shared source, a slave of a slave's master), so
 * the bind's own propagation is set on the detached tree; without one the whole tree is private. */
int mount_open_bind_tree(const MountOp *op, int userns_fd) {
        bool recursive = op->options.recursive;
        unsigned long propagation = op->options.propagation ?: MS_PRIVATE | (recursive ? MS_REC : 0);
        bool propagation_recursive = propagation & MS_REC;
        struct mount_attr a = {.attr_set = mount_options_attr(op->options.flags)},
                          p = {.propagation = propagation & ~MS_REC};
        _cleanup_close_ int fd = -EBADF;
        int r;

        fd = open_tree(
                AT_FDCWD, op->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
        if (fd < 0)
                return -errno;
        if (userns_fd >= 0) {
                a.attr_set |= MOUNT_ATTR_IDMAP;
                a.userns_fd = (uint64_t)userns_fd;
        }
        /* One call when both reach the same depth ("rbind" + "rslave"). */
        if (propagation_recursive == recursive) {
                a.propagation = p.propagation;
                p.propagation = 0;
        }
        if (a.attr_set != 0 || a.propagation != 0) {
                r = set_tree_attr(fd, &a, recursive);
                if (r < 0)
                        return r;
        }
        if (p.propagation != 0) {
                r = set_tree_attr(fd, &p, propagation_recursive);
                if (r < 0)
                        return r;
        }
        return TAKE_FD(fd);
}

static int do_bind_prepare(MountPlan *p, MountOp *op) {
        int fd;

        if (op->from_parent)
                return 0;
        fd = mount_open_bind_tree(op, -EBADF);
        if (fd < 0)
                return fd;
        p->tree_fds[op->tree] = fd;
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
        return attach_tree(p, op->tree, op->target);
}

static int do_mount(MountPlan *p, MountOp *op) {
        _cleanup_free_ char *in_root = NULL;
        const char *target = op->target;
        int r;

        if (op->root) {
                if (asprintf(&in_root, "%s%s", op->root, op->target) < 0)
                        return -ENOMEM;
                target = in_root;
        }
        r = make_target(target, false);
        if (r < 0)
                return r;
        if (op->from_parent)
                return attach_tree(p, op->tree, target);
        if (mount(op->source, target, op->fstype, op->options.flags, op->options.data) < 0)
                return -errno;
        return 0;
}

static int bind_standard_devices(MountPlan *p) {
        for (size_t i = 0; i < ELEMENTSOF(standard_devices); i++) {
                int r = make_target(standard_devices[i].path, true);
                if (r < 0)
                        return r;
                r = attach_tree(p, p->device_trees + i, standard_devices[i].path);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int make_standard_devices(void) {
        for (size_t i = 0; i < ELEMENTSOF(standard_devices); i++) {
                const char *path = standard_devices[i].path;

                if (mknod(path,
                          S_IFCHR | 0666,
                          makedev(standard_devices[i].major, standard_devices[i].minor)) < 0) {
                        if (errno == EEXIST)
                                continue;
                        return -errno;
                }
                /* mknod() honours the umask. */
                if (chmod(path, 0666) < 0)
                        return -errno;
        }
        return 0;
}

static int do_devices(MountPlan *p) {
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
        r = p->userns ? bind_standard_devices(p) : make_standard_devices();
        if (r < 0)
                return r;
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

/* Like runc: a node that exists already (a standard one, or twice in the list) is left alone. */
static int do_device(const RuntimeDevice *d) {
        _cleanup_free_ char *parent = strdup(d->path);
        char *slash;
        int r;

        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        if (slash && slash != parent) {
                *slash = 0;
                r = mkdir_p(parent, 0755);
                if (r < 0)
                        return r;
        }
        if (mknod(d->path, d->mode, makedev(d->major, d->minor)) < 0)
                return errno == EEXIST ? 0 : -errno;
        /* mknod() honours the umask. */
        if (chmod(d->path, d->mode & 07777) < 0 || chown(d->path, d->uid, d->gid) < 0)
                return -errno;
        return 0;
}

static int do_sysctl(MountOp *op) {
        _cleanup_close_ int fd = -EBADF;
        size_t n = strlen(op->source);

        fd = open(op->target, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        errno = 0;
        if (write(fd, op->source, n) != (ssize_t)n)
                return errno > 0 ? -errno : -EIO;
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
                return do_rootfs(p, op);
        case MOUNT_OP_BIND_PREPARE:
                return do_bind_prepare(p, op);
        case MOUNT_OP_PIVOT_ROOT:
                return do_pivot_root(op);
        case MOUNT_OP_BECOME_ROOT:
                return userns_become_root();
        case MOUNT_OP_MOUNT:
                return do_mount(p, op);
        case MOUNT_OP_BIND_ATTACH:
                return do_bind_attach(p, op);
        case MOUNT_OP_DEVICES:
                return do_devices(p);
        case MOUNT_OP_DEVICE:
                return do_device(op->device);
        case MOUNT_OP_CGROUPS:
                return cgroup_mounts_setup();
        case MOUNT_OP_SYSCTL:
                return do_sysctl(op);
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
