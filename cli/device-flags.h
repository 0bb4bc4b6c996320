/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The flags of run/create that shape what the container's processes get from the host: --device,
 * --group-add, --ulimit, --sysctl, --shm-size and --init. Values are checked here with Docker's CLI
 * words (the parsers in src/shared, which berthd uses again) and go to berthd as given. */

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

enum {
        DEVICE_FLAG_DEVICE = 0x800,
        DEVICE_FLAG_GROUP_ADD,
        DEVICE_FLAG_ULIMIT,
        DEVICE_FLAG_SYSCTL,
        DEVICE_FLAG_SHM_SIZE,
        DEVICE_FLAG_INIT,
        _DEVICE_FLAG_LAST = DEVICE_FLAG_INIT,
};

/* Entries for a getopt_long table. */
#define DEVICE_FLAG_OPTIONS                                                                                 \
        {"device", required_argument, NULL, DEVICE_FLAG_DEVICE},                                            \
                {"group-add", required_argument, NULL, DEVICE_FLAG_GROUP_ADD},                              \
                {"ulimit", required_argument, NULL, DEVICE_FLAG_ULIMIT},                                    \
                {"sysctl", required_argument, NULL, DEVICE_FLAG_SYSCTL},                                    \
                {"shm-size", required_argument, NULL, DEVICE_FLAG_SHM_SIZE}, {                              \
                "init", no_argument, NULL, DEVICE_FLAG_INIT                                                 \
        }

#define DEVICE_FLAG_HELP                                                                                    \
        "      --device list          Add a host device to the container\n"                                 \
        "      --group-add list       Add additional groups to join\n"                                      \
        "      --init                 Run an init inside the container that forwards signals and reaps "    \
        "processes\n"                                                                                       \
        "      --shm-size bytes       Size of /dev/shm\n"                                                   \
        "      --sysctl map           Sysctl options\n"                                                     \
        "      --ulimit ulimit        Ulimit options\n"

typedef struct DeviceFlags {
        char **devices;
        char **group_add;
        char **ulimits;
        char **sysctls;
        uint64_t shm_size;
        bool has_shm_size;
        bool init;
} DeviceFlags;

void device_flags_done(DeviceFlags *f);
/* One flag (one of DEVICE_FLAG_*). Prints Docker's error and returns -EINVAL for a bad value. */
int device_flags_parse(DeviceFlags *f, int flag, const char *arg);
/* Appends CreateContainer's Devices, GroupAdd, Ulimits, Sysctls, ShmSize and Init. */
int device_flags_append(sd_bus_message *m, const DeviceFlags *f);
/* inspect: HostConfig.Devices, GroupAdd, Ulimits, Sysctls, ShmSize, Init and Privileged from the
 * container's properties p, in Docker's shapes. */
int device_inspect_json(const cJSON *p, cJSON *host);
