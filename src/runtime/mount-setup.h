/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

#include "mount-options.h"
#include "runtime-spec.h"

/* The container's filesystem as an ordered list of operations (bubblewrap's habit): built from the spec
 * without touching anything, then executed in order inside the new mount namespace, with the bundle
 * directory as the working directory. */

typedef enum MountOpType {
        MOUNT_OP_MAKE_PRIVATE,  /* "/" rprivate: nothing propagates back to the host */
        MOUNT_OP_ROOTFS,        /* berth's "/" overlay (or a self-bind of root.path) onto root.path */
        MOUNT_OP_BIND_PREPARE,  /* clone a bind source into a detached tree, with its propagation, first */
        MOUNT_OP_PIVOT_ROOT,    /* root.path becomes "/", the old root is detached */
        MOUNT_OP_BECOME_ROOT,   /* user namespace: from here on files are created by its root (userns.h) */
        MOUNT_OP_MOUNT,         /* a filesystem mount at a path inside the new root */
        MOUNT_OP_BIND_ATTACH,   /* attach a tree prepared before the pivot */
        MOUNT_OP_DEVICES,       /* default device nodes, /dev links, /dev/console */
        MOUNT_OP_DEVICE,        /* one node of linux.devices */
        MOUNT_OP_CGROUPS,       /* the container's cgroups at /sys/fs/cgroup, read-only (cgroup-mounts.h) */
        MOUNT_OP_SYSCTL,        /* one linux.sysctl, written while /proc/sys is still writable */
        MOUNT_OP_MASK,          /* hide a path: /dev/null over a file, an empty read-only tmpfs over a dir */
        MOUNT_OP_READONLY,      /* bind a path onto itself read-only */
        MOUNT_OP_WORKDIR,       /* create process.cwd, as Docker does, while "/" is still writable */
        MOUNT_OP_ROOT_READONLY, /* root.readonly */
        _MOUNT_OP_MAX,
} MountOpType;

typedef struct MountOp {
        MountOpType type;
        const char *source, *target, *fstype; /* borrowed from the spec */
        const char *root;                     /* MOUNT before the pivot: target is inside this root.path */
        bool from_parent; /* ROOTFS, MOUNT, BIND_PREPARE: the runtime mounts it, tree holds it (userns.h) */
        MountOptions options;
        size_t tree;                 /* BIND_*: index into MountPlan.tree_fds */
        const RuntimeDevice *device; /* DEVICE */
} MountOp;

typedef struct MountPlan {
        MountOp *ops;
        size_t n_ops;
        int *tree_fds;
        size_t n_trees;
        bool userns;         /* linux.namespaces has "user" (userns.h) */
        size_t device_trees; /* userns: the standard devices' trees start here */
} MountPlan;

void mount_plan_done(MountPlan *p);
/* The op that mounts "/". */
MountOp *mount_plan_rootfs(const MountPlan *p);
/* A BIND_PREPARE op's detached tree, with its flags; idmapped through userns_fd unless that is < 0. */
int mount_open_bind_tree(const MountOp *op, int userns_fd);
const char *mount_op_type_to_string(MountOpType t);

int mount_plan_build(const RuntimeSpec *spec, MountPlan *ret);

/* Executes the plan; on failure returns a negative errno and a message naming the step. */
int mount_plan_execute(MountPlan *p, char **ret_error);
