/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* --memory-swap, --memory-reservation and --cpuset-cpus on a cgroup v1 or hybrid layout, where systemd
 * applies MemorySwapMax=, MemoryLow= and AllowedCPUs= on cgroup v2 only: berthd writes them into
 * config.json's linux.resources, berth-runtime applies them at start (cgroup-v1-limits.h), and for an
 * update of a running container berthd writes the unit's cgroup files itself. Nothing on cgroup v2. */

#include <cjson/cJSON.h>
#include <stdint.h>

#include "container-resources.h"
#include "container.h"

/* Sets (or removes, when r has none of the three) linux.resources of spec. */
int container_cgroup_v1_set_spec(const ContainerResources *r, const ResourceHost *host, cJSON *spec);
/* The same in the bundle's config.json, for the container's next start. */
int container_cgroup_v1_update_bundle(
        const Container *c, const ContainerResources *r, const ResourceHost *host);

/* Before systemd changes memory.limit_in_bytes of the running container: memsw may not be below it, so a
 * growing memsw goes first. */
int container_cgroup_v1_raise_memsw(
        const Container *c, const ContainerResources *r, const ResourceHost *host);
/* After: the limits of r among the fields in given, into the running container's cgroups. On failure a
 * message for the user in ret_error. */
int container_cgroup_v1_apply(
        const Container *c,
        const ContainerResources *r,
        uint32_t given,
        const ResourceHost *host,
        char **ret_error);
