/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The resource flags of run, create and update (--memory, --cpus, --pids-limit, …). Values go to berthd
 * as Docker's HostConfig fields (int64 "x", CpusetCpus "s"); berthd checks them and maps them onto the
 * unit's properties. Sizes are parse_size()'s (src/shared/parse-size.h). */

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

enum {
        RESOURCE_FLAG_MEMORY = 0x700,
        RESOURCE_FLAG_MEMORY_SWAP,
        RESOURCE_FLAG_MEMORY_RESERVATION,
        RESOURCE_FLAG_CPUS,
        RESOURCE_FLAG_CPU_SHARES,
        RESOURCE_FLAG_CPU_QUOTA,
        RESOURCE_FLAG_CPU_PERIOD,
        RESOURCE_FLAG_CPUSET_CPUS,
        RESOURCE_FLAG_PIDS_LIMIT,
        RESOURCE_FLAG_BLKIO_WEIGHT,
        _RESOURCE_FLAG_LAST = RESOURCE_FLAG_BLKIO_WEIGHT,
};

/* Entries for a getopt_long table; -m and -c are the short forms of --memory and --cpu-shares. */
#define RESOURCE_FLAG_OPTIONS                                                                               \
        {"memory", required_argument, NULL, RESOURCE_FLAG_MEMORY},                                          \
                {"memory-swap", required_argument, NULL, RESOURCE_FLAG_MEMORY_SWAP},                        \
                {"memory-reservation", required_argument, NULL, RESOURCE_FLAG_MEMORY_RESERVATION},          \
                {"cpus", required_argument, NULL, RESOURCE_FLAG_CPUS},                                      \
                {"cpu-shares", required_argument, NULL, RESOURCE_FLAG_CPU_SHARES},                          \
                {"cpu-quota", required_argument, NULL, RESOURCE_FLAG_CPU_QUOTA},                            \
                {"cpu-period", required_argument, NULL, RESOURCE_FLAG_CPU_PERIOD},                          \
                {"cpuset-cpus", required_argument, NULL, RESOURCE_FLAG_CPUSET_CPUS},                        \
                {"pids-limit", required_argument, NULL, RESOURCE_FLAG_PIDS_LIMIT}, {                        \
                "blkio-weight", required_argument, NULL, RESOURCE_FLAG_BLKIO_WEIGHT                         \
        }

/* The flags' lines of --help, in the column of run's. */
#define RESOURCE_FLAG_HELP                                                                                  \
        "      --blkio-weight uint16  Block IO (relative weight), between 10 and 1000, or 0 to disable\n"   \
        "      --cpu-period int       Limit CPU CFS (Completely Fair Scheduler) period\n"                   \
        "      --cpu-quota int        Limit CPU CFS (Completely Fair Scheduler) quota\n"                    \
        "  -c, --cpu-shares int       CPU shares (relative weight)\n"                                       \
        "      --cpus decimal         Number of CPUs\n"                                                     \
        "      --cpuset-cpus string   CPUs in which to allow execution (0-3, 0,1)\n"                        \
        "  -m, --memory bytes         Memory limit\n"                                                       \
        "      --memory-reservation bytes Memory soft limit\n"                                              \
        "      --memory-swap bytes    Swap limit equal to memory plus swap: '-1' to enable unlimited "      \
        "swap\n"                                                                                            \
        "      --pids-limit int       Tune container pids limit (set -1 for unlimited)\n"

typedef struct ResourceFlags {
        int64_t memory, memory_swap, memory_reservation; /* bytes; memory_swap -1: unlimited */
        int64_t nano_cpus;                               /* --cpus × 10⁹ */
        int64_t cpu_shares, cpu_quota, cpu_period, pids_limit, blkio_weight;
        char *cpuset_cpus;
        uint32_t given; /* bit (flag - RESOURCE_FLAG_MEMORY) for each flag given */
} ResourceFlags;

void resource_flags_done(ResourceFlags *f);
/* One flag (one of RESOURCE_FLAG_*). Prints Docker's error and returns -EINVAL for a bad value. */
int resource_flags_parse(ResourceFlags *f, int flag, const char *arg);
/* The given flags as entries of an open a{sv} (CreateContainer's and Update's options). */
int resource_flags_append(sd_bus_message *m, const ResourceFlags *f);

/* Docker's --cpus: a decimal number of CPUs ("1.5", "-0.5"), in units of 10⁻⁹ CPU. -EINVAL when it is
 * no number, -EDOM when finer than 10⁻⁹ ("value is too precise"), -ERANGE past INT64_MAX. */
int parse_nano_cpus(const char *s, int64_t *ret);

/* inspect: the container's resource properties p (GetAll) as Docker's HostConfig fields into host, and
 * State.OOMKilled into state. */
int resource_inspect_json(const cJSON *p, cJSON *state, cJSON *host);
