/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's resource limits: Docker's HostConfig fields as CreateContainer and Update take them
 * (Memory, MemorySwap, …), checked with Docker's rules and words, and mapped onto the properties of the
 * container's unit. systemd applies those to the cgroup hierarchy it runs: on a v1 or hybrid layout
 * MemoryMax= becomes memory.limit_in_bytes, CPUQuotaPerSecUSec= cpu.cfs_quota_us, CPUShares= cpu.shares,
 * TasksMax= pids.max and BlockIOWeight= the blkio weight; MemorySwapMax=, MemoryLow= and AllowedCPUs=
 * take effect on cgroup v2 only, so there berth-runtime writes them (container-cgroup-v1.h), and what the
 * host cannot limit (no swap accounting, no cpuset hierarchy) is discarded with a warning, as Docker does.
 * No bus, no disk, but for the host's CPUs and cgroup layout. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

typedef enum ResourceField {
        RESOURCE_MEMORY,
        RESOURCE_MEMORY_SWAP,
        RESOURCE_MEMORY_RESERVATION,
        RESOURCE_NANO_CPUS,
        RESOURCE_CPU_SHARES,
        RESOURCE_CPU_QUOTA,
        RESOURCE_CPU_PERIOD,
        RESOURCE_CPUSET_CPUS,
        RESOURCE_PIDS_LIMIT,
        RESOURCE_BLKIO_WEIGHT,
        _RESOURCE_FIELD_MAX,
} ResourceField;

#define RESOURCE_MASK(f) (1U << (f))
#define RESOURCE_MASK_ALL (RESOURCE_MASK(_RESOURCE_FIELD_MAX) - 1U)

typedef struct ContainerResources {
        int64_t memory;             /* bytes; 0: no limit */
        int64_t memory_swap;        /* memory plus swap, bytes; -1: unlimited swap; 0: none set */
        int64_t memory_reservation; /* bytes; 0: none */
        int64_t nano_cpus;          /* 10⁻⁹ CPUs; 0: no limit */
        int64_t cpu_shares;         /* cgroup v1's relative weight (1024 is the default); 0: default */
        int64_t cpu_quota;          /* µs of CPU time per period; 0: none */
        int64_t cpu_period;         /* µs; 0: the kernel's 100 ms */
        char *cpuset_cpus;          /* "0-2,4"; NULL: every CPU */
        int64_t pids_limit;         /* 0 (or negative, as given): no limit */
        int64_t blkio_weight;       /* 10–1000; 0: default */
} ContainerResources;

void container_resources_done(ContainerResources *r);
int container_resources_copy(const ContainerResources *r, ContainerResources *ret);

/* The option name (Docker's HostConfig field) of a field, and the field of an option name (-EINVAL). */
const char *resource_field_to_string(ResourceField f);
int resource_field_from_string(const char *s);
/* 'x' for the int64 fields, 's' for CpusetCpus. */
char resource_field_type(ResourceField f);
int64_t *resource_field_int64(ContainerResources *r, ResourceField f);

/* CreateContainer's or Update's resource options: the fields in given were set. */
typedef struct ContainerResourcesOptions {
        ContainerResources values;
        uint32_t given;
} ContainerResourcesOptions;

void container_resources_options_done(ContainerResourcesOptions *o);

/* The host's CPUs as Docker's checks see them: their number and the set berthd may run on. */
#define RESOURCE_CPUS_MAX 1024U
typedef struct ResourceHost {
        unsigned n_cpus;
        uint8_t cpus[RESOURCE_CPUS_MAX / 8];
        bool cgroup_unified; /* pure cgroup v2: CPUWeight=/IOWeight= rather than CPUShares=/BlockIOWeight= */
        /* On a v1 or hybrid layout, where berth-runtime writes what systemd does not (cgroup-v1-limits.h):
         */
        bool v1_memsw;  /* swap accounting, memory.memsw.limit_in_bytes */
        bool v1_cpuset; /* the v1 cpuset hierarchy */
} ResourceHost;

int resource_host_get(ResourceHost *ret);

/* "0-2,4" → a bit per CPU; "" is no CPU. -EINVAL for anything but a list of numbers and ranges a-b
 * (a ≤ b), -ERANGE for a CPU number of RESOURCE_CPUS_MAX or more. */
int cpuset_parse(const char *s, uint8_t mask[static RESOURCE_CPUS_MAX / 8], size_t *ret_bytes);

/* The limits of a new container (current NULL) or of an update of current: the options given over
 * current, Docker's defaults (a memory limit without --memory-swap gets as much swap again), Docker's
 * checks, then what this host cannot apply discarded, with a warning each in ret_warnings (may be NULL;
 * Docker's CLI prints them). On -EINVAL ret_error has Docker's words. */
int container_resources_resolve(
        const ContainerResources *current,
        const ContainerResourcesOptions *o,
        const ResourceHost *host,
        ContainerResources *ret,
        char ***ret_warnings,
        char **ret_error);

/* The unit properties, as (sv) entries of an open a(sv), for the fields in mask: set ones with their
 * value, unset ones with systemd's "no limit" (an update may lift a limit). */
int container_resources_append_properties(
        sd_bus_message *m, const ContainerResources *r, uint32_t mask, const ResourceHost *host);
/* The fields of r that are set (what a new unit needs). */
uint32_t container_resources_set_mask(const ContainerResources *r);

/* state.json's "Resources" (Docker's field names; absent fields are 0). */
int container_resources_to_json(const ContainerResources *r, cJSON *o);
int container_resources_from_json(const cJSON *o, ContainerResources *ret);
