/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "container-devices.h"

/* Docker's HostConfig.Devices, GroupAdd, Ulimits, Sysctls, ShmSize and Init (and whether the container is
 * privileged, which decides its device policy): checked at create time, kept in state.json, written into
 * config.json for berth-runtime, and shown by inspect. */

#define SHM_SIZE_DEFAULT (64U * 1024U * 1024U)

/* CreateContainer's Devices, GroupAdd, Ulimits, Sysctls, ShmSize and Init. */
typedef struct ContainerHostOptions {
        char **devices;   /* HOST[:CONTAINER][:rwm] */
        char **group_add; /* names (from the image's /etc/group) or ids */
        char **ulimits;   /* NAME=SOFT[:HARD] */
        char **sysctls;   /* KEY=VALUE */
        uint64_t shm_size;
        bool has_shm_size;
        bool init;
} ContainerHostOptions;

void container_host_options_done(ContainerHostOptions *o);

typedef struct ContainerHostConfig {
        ContainerDevice *devices; /* --device */
        size_t n_devices;
        bool privileged; /* every host device, no device policy */
        char **group_add;
        char **ulimits; /* NAME=SOFT:HARD, checked */
        char **sysctls; /* KEY=VALUE, checked */
        uint64_t shm_size;
        bool init;
} ContainerHostConfig;

void container_host_config_done(ContainerHostConfig *c);

/* Checks the options; looks the devices up on the host. On -EINVAL or -ENOENT ret_error has Docker's
 * words. */
int container_host_config_resolve(
        const ContainerHostOptions *o, bool privileged, ContainerHostConfig *ret, char **ret_error);

/* --network host: the host's network namespace is not the container's, its net.* sysctls are refused
 * ("sysctl "net.core.somaxconn" is not allowed in the host network namespace"). */
int container_host_config_check_host_network(
        const ContainerHostConfig *c, bool host_network, char **ret_error);

/* state.json: the "HostConfig" object of o. Missing means Docker's defaults (containers from before). */
int container_host_config_to_json(const ContainerHostConfig *c, cJSON *o);
int container_host_config_from_json(const cJSON *o, ContainerHostConfig *ret);

/* config.json: process.rlimits, linux.sysctl, linux.devices (for a privileged container every device of
 * the host's /dev) and the annotations org.berth.group-add and org.berth.init. The /dev/shm size goes
 * into the mount by oci-spec.c. */
int container_host_config_to_spec(const ContainerHostConfig *c, cJSON *spec);

/* DeviceAllow= of the unit for each --device: the host node with its permissions, plus "m", since the
 * runtime creates the node inside the unit's device policy. */
int container_host_config_device_allow(
        const ContainerHostConfig *c, char ***ret_paths, char ***ret_permissions);
