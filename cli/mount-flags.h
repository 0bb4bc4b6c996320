/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The mount flags of run/create: -v/--volume, --mount and --volumes-from. They go to berthd as given
 * (CreateContainer's Binds, Mounts, VolumesFrom), which parses them with Docker's rules and words. */

#include <getopt.h>
#include <systemd/sd-bus.h>

enum {
        MOUNT_FLAG_VOLUME = 0xa00,
        MOUNT_FLAG_MOUNT,
        MOUNT_FLAG_VOLUMES_FROM,
        _MOUNT_FLAG_LAST = MOUNT_FLAG_VOLUMES_FROM,
};

/* Entries for a getopt_long table; -v is the short form of --volume (add "v:" to the short options and
 * pass 'v' as MOUNT_FLAG_VOLUME). */
#define MOUNT_FLAG_OPTIONS                                                                                  \
        {"volume", required_argument, NULL, MOUNT_FLAG_VOLUME},                                             \
                {"mount", required_argument, NULL, MOUNT_FLAG_MOUNT}, {                                     \
                "volumes-from", required_argument, NULL, MOUNT_FLAG_VOLUMES_FROM                            \
        }

#define MOUNT_FLAG_HELP                                                                                     \
        "      --mount mount          Attach a filesystem mount to the container\n"                         \
        "  -v, --volume list          Bind mount a volume\n"                                                \
        "      --volumes-from list    Mount volumes from the specified container(s)\n"

typedef struct MountFlags {
        char **volumes;
        char **mounts;
        char **volumes_from;
} MountFlags;

void mount_flags_done(MountFlags *f);
/* One flag (one of MOUNT_FLAG_*). */
int mount_flags_parse(MountFlags *f, int flag, const char *arg);
/* Binds, Mounts and VolumesFrom entries into CreateContainer's open a{sv}. */
int mount_flags_append(sd_bus_message *m, const MountFlags *f);
