/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Top and GetStats: what systemd knows of the container's unit (GetUnitProcesses; the memory, CPU,
 * tasks and IO accounting the unit is started with). */

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "container.h"

/* The unit's accounting; UINT64_MAX where systemd has no value. */
typedef struct UnitStats {
        uint64_t memory_current;
        uint64_t memory_max;
        uint64_t cpu_usage_nsec;
        uint64_t tasks_current;
        uint64_t io_read_bytes;
        uint64_t io_write_bytes;
} UnitStats;

#define UNIT_STATS_NULL ((UnitStats){UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX})

int container_top(Container *c, sd_bus_message *request, sd_bus_error *error);
int container_get_stats(Container *c, sd_bus_message *request, sd_bus_error *error);
/* Answers GetStats with a{st}: MemoryUsage, MemoryLimit (MemoryMax, or the host's RAM), CPUUsageNSec,
 * Tasks, BlockRead, BlockWrite. unit names the cgroup for the v1 blkio fallback. */
int container_stats_reply(sd_bus_message *request, const char *unit, const UnitStats *s);

/* Sums the Read and Write lines of a cgroup v1 blkio.throttle.io_service_bytes file. */
int blkio_parse_service_bytes(FILE *f, uint64_t *ret_read, uint64_t *ret_write);
