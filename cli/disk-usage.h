/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The summary of docker system df: a row each for Images, Containers, Local Volumes and Build Cache with
 * TOTAL, ACTIVE, SIZE and RECLAIMABLE, counted as Docker's CLI counts them. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct DiskUsageImage {
        uint64_t size;        /* bytes of its layers */
        uint64_t shared_size; /* bytes of its layers other images use too */
        uint32_t containers;  /* containers made from it, in any state */
} DiskUsageImage;

typedef struct DiskUsageContainer {
        uint64_t size_rw; /* bytes of its writable layer */
        bool active;      /* running, paused or restarting */
} DiskUsageContainer;

typedef struct DiskUsageVolume {
        uint64_t size;  /* bytes of its files */
        uint32_t links; /* containers using it, in any state */
} DiskUsageVolume;

/* Docker's rows {Type, TotalCount, Active, Size, Reclaimable}. Images: SIZE is layers_size (every layer
 * once), RECLAIMABLE what remains after the unique bytes of the images containers use. Containers:
 * RECLAIMABLE is the writable layers of the ones not active. Local Volumes: ACTIVE the ones a container
 * uses, RECLAIMABLE the others' bytes. The build cache is empty in berth for now. */
cJSON *disk_usage_summary(
        uint64_t layers_size,
        const DiskUsageImage *images,
        size_t n_images,
        const DiskUsageContainer *containers,
        size_t n_containers,
        const DiskUsageVolume *volumes,
        size_t n_volumes);

/* "running", "paused" and "restarting" hold on to their writable layer. */
bool container_state_is_active(const char *state);
