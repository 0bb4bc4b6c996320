/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdint.h>

/* linux.resources: only the limits that systemd does not apply on a cgroup v1 or hybrid layout, so that
 * berth-runtime writes them itself (cgroup-v1-limits.h); berthd puts them there on such a layout only.
 * Anything else in linux.resources is refused: systemd sets it, through the unit. */

#define RUNTIME_SPEC_MAX_CPUS_LEN 4096U

typedef struct RuntimeResources {
        int64_t memory_swap;        /* memory.swap: memory plus swap, bytes; -1 unlimited; 0 none */
        int64_t memory_reservation; /* memory.reservation: bytes; 0 none */
        char *cpuset_cpus;          /* cpu.cpus: "0-2,4"; NULL none */
} RuntimeResources;

typedef struct RuntimeSpec RuntimeSpec;

/* linux.resources: {"memory": {"swap": N, "reservation": N}, "cpu": {"cpus": "0-1"}}. */
int runtime_spec_parse_resources(const cJSON *lnx, RuntimeSpec *s, char **error);
void runtime_spec_resources_done(RuntimeSpec *s);
