/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Where containers meet volumes: a new container's -v, --mount, --volumes-from and image VOLUMEs become
 * resolved MountSpecs (volumes created, copied up, bind sources checked); who uses a volume, and so which
 * volume may be removed or pruned; what happens to a container's anonymous volumes when it goes; tmpfs
 * volumes mounted while in use. Every volume created or removed is announced (VolumeNew/VolumeRemoved,
 * Docker's "create"/"destroy" events). */

#include <systemd/sd-bus.h>

#include "image-store.h"
#include "manager.h"
#include "volume-mount-spec.h"
#include "volume-store.h"

/* On a user error sets error (InvalidArgument, NoSuchContainer) and returns its negative errno; -EAGAIN
 * (error set) when a volume is being filled for another container: try again once that is done. The
 * volumes made here are removed again on failure. An empty volume gets the image's content at once when
 * the image has nothing but an empty directory there; else the volume is marked and its MountSpec says
 * copy_up, for container_mounts_copy_up(). */
int container_mounts_resolve(
        Manager *m,
        const ContainerMountOptions *o,
        const Image *img,
        MountSpec **ret,
        size_t *ret_n,
        sd_bus_error *error);

/* Undoes container_mounts_resolve() for a container whose creation failed: the volumes made for it are
 * removed unless another container uses them by now, and unfinished copy-ups undone. */
void container_mounts_discard(Manager *m, MountSpec *mounts, size_t n);

/* The copy-ups container_mounts_resolve() left to do. In a worker process: may take long. */
bool container_mounts_need_copy_up(const Container *c);
int container_mounts_copy_up(const Container *c, char *const *layer_dirs);
/* Back on the loop, when they are done: the volumes' markers go. */
int container_mounts_copied(Container *c);

/* The ids of the containers whose mounts use the volume (running ones only when running_only). */
int volume_users(Manager *m, const char *name, bool running_only, char ***ret_ids);

/* A container goes: its anonymous volumes go too when remove_anonymous (--rm, rm -v) and no other
 * container uses them. */
void container_mounts_release(Container *c, bool remove_anonymous);

/* Creates the volume (a random name when name is empty) or returns the existing one; announces a new one
 * (VolumeNew, the "create" event). > 0 when it was created; -EINVAL with ret_error in Docker's words. */
int manager_create_volume(
        Manager *m, const char *name, char **labels, char **options, Volume **ret, char **ret_error);

/* Removes the volume unless a container uses it, any container or with force a running one: then
 * -EBUSY, and the users' ids in ret_users. -EINPROGRESS while a copy-up fills it (even with force).
 * -ENOENT when there is no such volume. */
int manager_remove_volume(Manager *m, const char *name, bool force, char ***ret_users);

typedef struct VolumePruneFilters {
        bool all;          /* not only the anonymous volumes */
        char **labels;     /* "key" or "key=value": all must match */
        char **labels_not; /* none may match */
} VolumePruneFilters;

/* Removes the unused volumes the filters select: their names, and the bytes they took. */
int manager_prune_volumes(Manager *m, const VolumePruneFilters *f, char ***ret_deleted, uint64_t *ret_space);

/* Before a start: the container's tmpfs volumes mounted. After an exit: unmounted where no running
 * container uses them any more. */
int container_mounts_prepare(Container *c);
void container_mounts_after_exit(Container *c);
