/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "mount-setup.h"
#include "runtime-spec.h"

/* A container in its own user namespace (linux.uidMappings/gidMappings). The child is cloned into the new
 * namespace together with all the others, so they all belong to it, and waits. The parent, still root of
 * the host, writes the maps and, for a "/" overlay with "idmap", mounts the overlay over idmapped mounts of
 * the image's layers (mount_setattr(MOUNT_ATTR_IDMAP) with the child's namespace): a file of uid 0 in a
 * layer shows as the container's root, and nothing in the image is chowned. The upper dir is not idmapped:
 * what the container writes belongs to its host uids. Bind mounts with "idmap" are idmapped the same way.
 * The mounts go to the child over the sync channel. */

/* Parent, right after clone(): writes the maps, mounts what the plan marks from_parent and sends those
 * mounts. On failure ret_error says what failed; the caller kills the child. */
int userns_setup_child(
        const RuntimeSpec *spec, const MountPlan *plan, pid_t pid, int sync_fd, char **ret_error);

/* Child, first thing: waits for the parent and keeps its mounts in the plan. */
int userns_child_wait(int sync_fd, MountPlan *plan);

/* Gives fd's file to the root of the spec's user namespace, if it has one: a terminal the runtime opened
 * belongs to the host's root, an id the namespace does not map, which nobody inside could chown. */
int userns_give_to_root(const RuntimeSpec *spec, int fd);

/* Child, after pivot_root: becomes uid and gid 0 of its namespace, without supplementary groups. Until
 * then it was the host's root (unmapped here), which could still reach the bundle's files. */
int userns_become_root(void);
