/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's mounts as Docker's -v (HostConfig.Binds) and --mount (HostConfig.Mounts) describe them,
 * parsed with Docker's rules and error messages, and the same mounts once resolved (volume created,
 * bind source checked), as state.json keeps them and inspect shows them. Pure: no file system access. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOUNT_SPECS_MAX 256U
#define MOUNT_SPEC_TEXT_MAX 8192U

typedef enum MountType {
        MOUNT_TYPE_BIND,
        MOUNT_TYPE_VOLUME,
        MOUNT_TYPE_TMPFS,
        _MOUNT_TYPE_MAX,
        _MOUNT_TYPE_INVALID = -EINVAL,
} MountType;

const char *mount_type_to_string(MountType t);
MountType mount_type_from_string(const char *s);

typedef enum MountOrigin {
        MOUNT_ORIGIN_BINDS,        /* -v */
        MOUNT_ORIGIN_MOUNT,        /* --mount */
        MOUNT_ORIGIN_IMAGE,        /* the image's Config.Volumes */
        MOUNT_ORIGIN_VOLUMES_FROM, /* --volumes-from */
        _MOUNT_ORIGIN_MAX,
        _MOUNT_ORIGIN_INVALID = -EINVAL,
} MountOrigin;

const char *mount_origin_to_string(MountOrigin o);

typedef struct MountSpec {
        MountType type;
        MountOrigin origin;
        char *text;        /* the -v, --mount or --volumes-from argument as given; NULL for the image's */
        char *source;      /* bind: absolute host path; volume: the name (NULL: anonymous); tmpfs: NULL */
        char *destination; /* absolute, clean */
        bool readonly;
        char *mode;          /* -v's mode as given ("ro", "rw,z"); "" otherwise */
        char *propagation;   /* binds: "rprivate" unless given; "" otherwise */
        bool nocopy;         /* volume-nocopy / -v …:nocopy: no copy-up */
        uint64_t tmpfs_size; /* bytes, 0 = the kernel's default */
        uint32_t tmpfs_mode; /* 0 = the kernel's default */
        char **volume_labels; /* --mount volume-label=K=V, for a volume made here: key, value, …; not kept */
        char **volume_options; /* --mount volume-opt=K=V: its driver options, the same way */
        /* Resolved at create: */
        char *host_path; /* what the runtime binds: the bind source, or the volume's directory */
        bool anonymous;  /* a volume made for this container (-v /path, an image VOLUME) */
        /* Only while the container is being created, not kept: */
        bool volume_created; /* this create made the volume, so a failed create removes it */
        bool copy_up;        /* the image's content is still to be copied in (the volume is marked) */
} MountSpec;

void mount_spec_done(MountSpec *m);
void mount_specs_free(MountSpec *m, size_t n);

/* CreateContainer's options Binds (-v), Mounts (--mount) and VolumesFrom, as given. */
typedef struct ContainerMountOptions {
        char **binds;
        char **mounts;
        char **volumes_from;
} ContainerMountOptions;

void container_mount_options_done(ContainerMountOptions *o);

/* One -v argument: [SOURCE:]DESTINATION[:MODE]. -EINVAL with Docker's message in ret_error. */
int mount_spec_parse_bind(const char *text, MountSpec *ret, char **ret_error);
/* One --mount argument: type=…,source=…,target=…,readonly,… (csv). */
int mount_spec_parse_mount(const char *text, MountSpec *ret, char **ret_error);

/* Every -v and --mount argument; a destination given twice is refused ("Duplicate mount point"). */
int mount_specs_parse(
        char *const *binds, char *const *mounts, MountSpec **ret, size_t *ret_n, char **ret_error);

/* state.json: an array of objects. */
int mount_specs_to_json(const MountSpec *m, size_t n, cJSON **ret);
int mount_specs_from_json(const cJSON *a, MountSpec **ret, size_t *ret_n);
