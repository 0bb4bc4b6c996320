/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stddef.h>
#include <sys/types.h>

/* Host devices given to a container: --device (Docker's HOST[:CONTAINER][:rwm], the node looked up on
 * the host) and, for --privileged, every device node of the host's /dev, as Docker does. They become
 * linux.devices in config.json (berth-runtime creates the nodes) and DeviceAllow= of the unit. */

typedef struct ContainerDevice {
        char *path_on_host, *path_in_container;
        char permissions[4]; /* "rwm" or part of it */
        mode_t mode;         /* S_IFCHR or S_IFBLK | permission bits, from the host node */
        unsigned major, minor;
} ContainerDevice;

void container_devices_free(ContainerDevice *d, size_t n);

/* Parses and looks up each spec. On -EINVAL or -ENOENT ret_error has Docker's words ("error gathering
 * device information while adding custom device "/dev/X": no such file or directory"). */
int container_devices_resolve(char *const *specs, ContainerDevice **ret, size_t *ret_n, char **ret_error);

/* Every character and block device below dir (the host's /dev), without the container's own (pts, shm,
 * mqueue): what --privileged gets. */
int container_devices_enumerate(const char *dir, ContainerDevice **ret, size_t *ret_n);

/* linux.devices entries for each device. */
int container_devices_to_oci(const ContainerDevice *d, size_t n, cJSON *array);

/* "HOST:CONTAINER:PERMISSIONS", as the Devices property and state.json keep them. */
int container_device_to_string(const ContainerDevice *d, char **ret);
