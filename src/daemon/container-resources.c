/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "cgroup-v1.h"
#include "container-resources.h"
#include "error-set.h"
#include "json-util.h"
#include "macro.h"
#include "strv.h"

/* Docker's smallest memory limit and reservation (linuxMinMemory). */
#define MEMORY_MIN (INT64_C(6) * 1024 * 1024)
#define NANO_CPUS_MIN INT64_C(10000000) /* 0.01 CPU */
#define CPU_PERIOD_DEFAULT_USEC INT64_C(100000)
#define CPU_PERIOD_MIN_USEC INT64_C(1000)
#define CPU_PERIOD_MAX_USEC INT64_C(1000000)
#define CPU_QUOTA_MIN_USEC INT64_C(1000)
/* The kernel's range of cpu.shares, and systemd's of CPUShares=. */
#define CPU_SHARES_MIN INT64_C(2)
#define CPU_SHARES_MAX INT64_C(262144)
#define BLKIO_WEIGHT_MIN INT64_C(10)
#define BLKIO_WEIGHT_MAX INT64_C(1000)
/* systemd's "not set" of CPUShares=, CPUWeight=, BlockIOWeight=, IOWeight= and its "infinity". */
#define UNIT_VALUE_UNSET UINT64_MAX
#define USEC_PER_SEC_ UINT64_C(1000000)
#define UNIT_MONITOR_TASKS 1U

static const struct {
        const char *name;
        size_t offset; /* of the int64_t; CpusetCpus has none */
} resource_fields[_RESOURCE_FIELD_MAX] = {
        [RESOURCE_MEMORY] = {"Memory", offsetof(ContainerResources, memory)},
        [RESOURCE_MEMORY_SWAP] = {"MemorySwap", offsetof(ContainerResources, memory_swap)},
        [RESOURCE_MEMORY_RESERVATION] =
                {"MemoryReservation", offsetof(ContainerResources, memory_reservation)},
        [RESOURCE_NANO_CPUS] = {"NanoCpus", offsetof(ContainerResources, nano_cpus)},
        [RESOURCE_CPU_SHARES] = {"CpuShares", offsetof(ContainerResources, cpu_shares)},
        [RESOURCE_CPU_QUOTA] = {"CpuQuota", offsetof(ContainerResources, cpu_quota)},
        [RESOURCE_CPU_PERIOD] = {"CpuPeriod", offsetof(ContainerResources, cpu_period)},
        [RESOURCE_CPUSET_CPUS] = {"CpusetCpus", 0},
        [RESOURCE_PIDS_LIMIT] = {"PidsLimit", offsetof(ContainerResources, pids_limit)},
        [RESOURCE_BLKIO_WEIGHT] = {"BlkioWeight", offsetof(ContainerResources, blkio_weight)},
};

void container_resources_done(ContainerResources *r) {
        free(r->cpuset_cpus);
        *r = (ContainerResources){};
}

int container_resources_copy(const ContainerResources *r, ContainerResources *ret) {
        ContainerResources c = *r;

        c.cpuset_cpus = NULL;
        if (r->cpuset_cpus) {
                c.cpuset_cpus = strdup(r->cpuset_cpus);
                if (!c.cpuset_cpus)
                        return -ENOMEM;
        }
        *ret = c;
        return 0;
}

void container_resources_options_done(ContainerResourcesOptions *o) {
        container_resources_done(&o->values);
        o->given = 0;
}

const char *resource_field_to_string(ResourceField f) {
        return f >= 0 && f < _RESOURCE_FIELD_MAX ? resource_fields[f].name : NULL;
}

int resource_field_from_string(const char *s) {
        for (int f = 0; f < _RESOURCE_FIELD_MAX; f++)
                if (streq_ptr(s, resource_fields[f].name))
                        return f;
        return -EINVAL;
}

char resource_field_type(ResourceField f) {
        return f == RESOURCE_CPUSET_CPUS ? 's' : 'x';
}

int64_t *resource_field_int64(ContainerResources *r, ResourceField f) {
        if (f < 0 || f >= _RESOURCE_FIELD_MAX || f == RESOURCE_CPUSET_CPUS)
                return NULL;
        return (int64_t *)((uint8_t *)r + resource_fields[f].offset);
}

/* An int64 field's value. */
static int64_t resource_value(const ContainerResources *r, ResourceField f) {
        return *(const int64_t *)((const uint8_t *)r + resource_fields[f].offset);
}

int resource_host_get(ResourceHost *ret) {
        ResourceHost h = {};
        cpu_set_t set;
        struct statfs fs;

        if (sched_getaffinity(0, sizeof(set), &set) < 0)
                return -errno;
        for (unsigned cpu = 0; cpu < RESOURCE_CPUS_MAX && cpu < CPU_SETSIZE; cpu++)
                if (CPU_ISSET(cpu, &set)) {
                        h.cpus[cpu / 8] |= (uint8_t)(1U << (cpu % 8));
                        h.n_cpus++;
                }
        h.cgroup_unified = statfs("/sys/fs/cgroup", &fs) >= 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
        h.v1_memsw = access(CGROUP_V1_ROOT "/memory/memory.memsw.limit_in_bytes", F_OK) >= 0;
        h.v1_cpuset = cgroup_v1_has("cpuset");
        *ret = h;
        return 0;
}

static int read_cpu_number(const char **p, unsigned *ret) {
        unsigned v = 0;

        if (!isdigit((unsigned char)**p))
                return -EINVAL;
        for (; isdigit((unsigned char)**p); (*p)++) {
                v = v * 10 + (unsigned)(**p - '0');
                if (v >= RESOURCE_CPUS_MAX)
                        return -ERANGE;
        }
        *ret = v;
        return 0;
}

int cpuset_parse(const char *s, uint8_t mask[static RESOURCE_CPUS_MAX / 8], size_t *ret_bytes) {
        const char *p = s;
        size_t bytes = 0;
        int r;

        memset(mask, 0, RESOURCE_CPUS_MAX / 8);
        /* Docker's parsers.ParseUintList: "" is the empty set. */
        while (*p) {
                unsigned first, last;

                r = read_cpu_number(&p, &first);
                if (r < 0)
                        return r;
                last = first;
                if (*p == '-') {
                        p++;
                        r = read_cpu_number(&p, &last);
                        if (r < 0)
                                return r;
                        if (last < first)
                                return -EINVAL;
                }
                if (*p == ',' && p[1] == 0)
                        return -EINVAL;
                if (*p != 0 && *p++ != ',')
                        return -EINVAL;
                for (unsigned cpu = first; cpu <= last; cpu++)
                        mask[cpu / 8] |= (uint8_t)(1U << (cpu % 8));
                bytes = MAX(bytes, (size_t)last / 8 + 1);
        }
        *ret_bytes = bytes;
        return 0;
}

/* The CPUs of mask as a list, "0-3,6", for Docker's message. */
static void cpuset_format(const uint8_t mask[static RESOURCE_CPUS_MAX / 8], char *buf, size_t size) {
        size_t n = 0;

        buf[0] = 0;
        for (unsigned cpu = 0; cpu < RESOURCE_CPUS_MAX && n < size; cpu++) {
                unsigned last = cpu;
                int k;

                if (!(mask[cpu / 8] & (1U << (cpu % 8))))
                        continue;
                while (last + 1 < RESOURCE_CPUS_MAX && (mask[(last + 1) / 8] & (1U << ((last + 1) % 8))))
                        last++;
                k = last > cpu ? snprintf(buf + n, size - n, "%s%u-%u", n ? "," : "", cpu, last)
                               : snprintf(buf + n, size - n, "%s%u", n ? "," : "", cpu);
                if (k < 0)
                        break;
                n += (size_t)k;
                cpu = last;
        }
}

/* Docker's verifyPlatformContainerResources, with its words. */
static int
resources_check(const ContainerResources *r, const ResourceHost *host, bool update, char **ret_error) {
        if (r->memory != 0 && r->memory < MEMORY_MIN)
                return error_set(ret_error, -EINVAL, "Minimum memory limit allowed is 6MB");
        if ((r->memory > 0 && r->memory_swap > 0 && r->memory_swap < r->memory) || r->memory_swap < -1)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Minimum memoryswap limit should be larger than memory limit, see usage");
        if (!update && r->memory == 0 && r->memory_swap > 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "You should always set the Memory limit when using Memoryswap limit, see usage");
        if (r->memory_reservation != 0 && r->memory_reservation < MEMORY_MIN)
                return error_set(ret_error, -EINVAL, "Minimum memory reservation allowed is 6MB");
        if (r->memory > 0 && r->memory_reservation > 0 && r->memory < r->memory_reservation)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Minimum memory limit can not be less than memory reservation limit, see usage");

        if (r->nano_cpus != 0 && r->cpu_period != 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Conflicting options: Nano CPUs and CPU Period cannot both be set");
        if (r->nano_cpus != 0 && r->cpu_quota != 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
        if (r->nano_cpus != 0 &&
            (r->nano_cpus < NANO_CPUS_MIN || r->nano_cpus > (int64_t)host->n_cpus * INT64_C(1000000000)))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Range of CPUs is from 0.01 to %u.00, as there are only %u CPUs available",
                        host->n_cpus,
                        host->n_cpus);
        if (r->cpu_shares < 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Invalid CPU shares %" PRIi64 ": must not be negative",
                        r->cpu_shares);
        if (r->cpu_period != 0 &&
            (r->cpu_period < CPU_PERIOD_MIN_USEC || r->cpu_period > CPU_PERIOD_MAX_USEC))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. "
                        "1000000)");
        if (r->cpu_quota > 0 && r->cpu_quota < CPU_QUOTA_MIN_USEC)
                return error_set(ret_error, -EINVAL, "CPU cfs quota can not be less than 1ms (i.e. 1000)");

        if (r->cpuset_cpus) {
                uint8_t mask[RESOURCE_CPUS_MAX / 8];
                size_t bytes;
                int k;

                k = cpuset_parse(r->cpuset_cpus, mask, &bytes);
                if (k == -EINVAL)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "Invalid value %s for cpuset cpus: invalid format: %s",
                                r->cpuset_cpus,
                                r->cpuset_cpus);
                for (size_t i = 0; k >= 0 && i < bytes; i++)
                        if (mask[i] & ~host->cpus[i])
                                k = -ERANGE;
                if (k < 0) {
                        char available[256];

                        cpuset_format(host->cpus, available, sizeof(available));
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "Requested CPUs are not available - requested %s, available: %s",
                                r->cpuset_cpus,
                                available);
                }
        }

        if (r->blkio_weight != 0 &&
            (r->blkio_weight < BLKIO_WEIGHT_MIN || r->blkio_weight > BLKIO_WEIGHT_MAX))
                return error_set(ret_error, -EINVAL, "Range of blkio weight is from 10 to 1000");
        return 0;
}

/* What this host cannot limit: Docker drops it and says so, with its words. On a v1 or hybrid layout
 * berth-runtime writes swap, soft limit and cpuset itself, where the kernel has them. */
static int discard_unapplied(ContainerResources *r, const ResourceHost *host, char ***warnings) {
        if (host->cgroup_unified)
                return 0;
        if (r->memory > 0 && r->memory_swap > 0 && !host->v1_memsw) {
                r->memory_swap = -1;
                if (strv_extend(
                            warnings,
                            "Your kernel does not support swap limit capabilities or the cgroup is not "
                            "mounted. Memory limited without swap.") < 0)
                        return -ENOMEM;
        }
        if (r->cpuset_cpus && !host->v1_cpuset) {
                free(r->cpuset_cpus);
                r->cpuset_cpus = NULL;
                if (strv_extend(
                            warnings,
                            "Your kernel does not support cpuset or the cgroup is not mounted. Cpuset "
                            "discarded.") < 0)
                        return -ENOMEM;
        }
        return 0;
}

int container_resources_resolve(
        const ContainerResources *current,
        const ContainerResourcesOptions *o,
        const ResourceHost *host,
        ContainerResources *ret,
        char ***ret_warnings,
        char **ret_error) {
        _cleanup_(container_resources_done) ContainerResources r = {};
        _cleanup_strv_free_ char **warnings = NULL;
        bool memory_given = o->given & RESOURCE_MASK(RESOURCE_MEMORY),
             swap_given = o->given & RESOURCE_MASK(RESOURCE_MEMORY_SWAP);
        int k;

        if (current) {
                k = container_resources_copy(current, &r);
                if (k < 0)
                        return k;
        }
        /* Docker's update refuses to move the memory limit past the swap limit it already set. */
        if (current && memory_given && !swap_given && current->memory_swap > 0 &&
            o->values.memory > current->memory_swap)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Memory limit should be smaller than already set memoryswap limit, update the "
                        "memoryswap at the same time");

        for (ResourceField f = 0; f < _RESOURCE_FIELD_MAX; f++) {
                if (!(o->given & RESOURCE_MASK(f)))
                        continue;
                if (f == RESOURCE_CPUSET_CPUS) {
                        free(r.cpuset_cpus);
                        r.cpuset_cpus = NULL;
                        if (!isempty(o->values.cpuset_cpus)) {
                                r.cpuset_cpus = strdup(o->values.cpuset_cpus);
                                if (!r.cpuset_cpus)
                                        return -ENOMEM;
                        }
                } else
                        *resource_field_int64(&r, f) = resource_value(&o->values, f);
        }
        /* Docker: -1 and 0 both mean no limit, shown as none. */
        if (r.pids_limit < 0)
                r.pids_limit = 0;
        /* Docker's default: a memory limit gets as much swap again. */
        if (!current && r.memory > 0 && r.memory_swap == 0)
                r.memory_swap = r.memory * 2;

        k = resources_check(&r, host, !!current, ret_error);
        if (k < 0)
                return k;
        k = discard_unapplied(&r, host, &warnings);
        if (k < 0)
                return k;
        *ret = r;
        if (ret_warnings)
                *ret_warnings = TAKE_PTR(warnings);
        r = (ContainerResources){};
        return 0;
}

uint32_t container_resources_set_mask(const ContainerResources *r) {
        uint32_t mask = 0;

        for (ResourceField f = 0; f < _RESOURCE_FIELD_MAX; f++)
                if (f == RESOURCE_CPUSET_CPUS ? r->cpuset_cpus != NULL : resource_value(r, f) != 0)
                        mask |= RESOURCE_MASK(f);
        return mask;
}

static uint64_t limit_or_infinity(int64_t v) {
        return v > 0 ? (uint64_t)v : UINT64_MAX;
}

/* CPUQuotaPerSecUSec=: --cpus, or --cpu-quota over its period. */
static uint64_t cpu_quota_per_sec_usec(const ContainerResources *r) {
        if (r->nano_cpus > 0)
                return (uint64_t)r->nano_cpus / 1000U;
        if (r->cpu_quota > 0)
                return (uint64_t)r->cpu_quota * USEC_PER_SEC_ /
                       (uint64_t)(r->cpu_period > 0 ? r->cpu_period : CPU_PERIOD_DEFAULT_USEC);
        return UINT64_MAX;
}

static int append_cpuset(sd_bus_message *m, const char *cpus) {
        uint8_t mask[RESOURCE_CPUS_MAX / 8];
        size_t bytes = 0;
        int r;

        if (cpus) {
                r = cpuset_parse(cpus, mask, &bytes);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", "AllowedCPUs");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "ay");
        if (r >= 0)
                r = sd_bus_message_append_array(m, 'y', mask, bytes);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int container_resources_append_properties(
        sd_bus_message *m, const ContainerResources *r, uint32_t mask, const ResourceHost *host) {
        int k = 0;

        if (mask & (RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_MEMORY_SWAP))) {
                /* MemorySwapMax= is swap alone, Docker's MemorySwap memory plus swap. */
                uint64_t swap = r->memory > 0 && r->memory_swap > 0 ? (uint64_t)(r->memory_swap - r->memory)
                                                                    : UINT64_MAX;

                k = sd_bus_message_append(m, "(sv)", "MemoryMax", "t", limit_or_infinity(r->memory));
                if (k >= 0)
                        k = sd_bus_message_append(m, "(sv)", "MemorySwapMax", "t", swap);
        }
        if (k >= 0 && (mask & RESOURCE_MASK(RESOURCE_MEMORY_RESERVATION)))
                k = sd_bus_message_append(
                        m, "(sv)", "MemoryLow", "t", (uint64_t)MAX(r->memory_reservation, INT64_C(0)));
        if (k >= 0 && (mask & (RESOURCE_MASK(RESOURCE_NANO_CPUS) | RESOURCE_MASK(RESOURCE_CPU_QUOTA) |
                               RESOURCE_MASK(RESOURCE_CPU_PERIOD)))) {
                k = sd_bus_message_append(m, "(sv)", "CPUQuotaPerSecUSec", "t", cpu_quota_per_sec_usec(r));
                if (k >= 0)
                        k = sd_bus_message_append(
                                m, "(sv)", "CPUQuotaPeriodUSec", "t", limit_or_infinity(r->cpu_period));
        }
        if (k >= 0 && (mask & RESOURCE_MASK(RESOURCE_CPU_SHARES))) {
                uint64_t shares = r->cpu_shares > 0
                                          ? (uint64_t)MIN(MAX(r->cpu_shares, CPU_SHARES_MIN), CPU_SHARES_MAX)
                                          : UNIT_VALUE_UNSET;

                /* v1 takes the shares as they are; on v2, runc's conversion to a weight (1–10000). */
                if (host->cgroup_unified)
                        k = sd_bus_message_append(
                                m,
                                "(sv)",
                                "CPUWeight",
                                "t",
                                shares == UNIT_VALUE_UNSET ? UNIT_VALUE_UNSET
                                                           : 1 + (shares - 2) * 9999 / 262142);
                else
                        k = sd_bus_message_append(m, "(sv)", "CPUShares", "t", shares);
        }
        if (k >= 0 && (mask & RESOURCE_MASK(RESOURCE_CPUSET_CPUS)))
                k = append_cpuset(m, r->cpuset_cpus);
        /* The unit's cgroup holds the monitor (berth-runtime) too: one task more, so that the container's
         * own processes may number the limit, as in Docker, where the shim lives outside. */
        if (k >= 0 && (mask & RESOURCE_MASK(RESOURCE_PIDS_LIMIT)))
                k = sd_bus_message_append(
                        m,
                        "(sv)",
                        "TasksMax",
                        "t",
                        r->pids_limit > 0 ? (uint64_t)r->pids_limit + UNIT_MONITOR_TASKS : UINT64_MAX);
        if (k >= 0 && (mask & RESOURCE_MASK(RESOURCE_BLKIO_WEIGHT))) {
                uint64_t w = r->blkio_weight > 0 ? (uint64_t)r->blkio_weight : UNIT_VALUE_UNSET;

                /* BlockIOWeight= has Docker's scale (10–1000); on v2, runc's conversion to io.weight. */
                if (host->cgroup_unified)
                        k = sd_bus_message_append(
                                m,
                                "(sv)",
                                "IOWeight",
                                "t",
                                w == UNIT_VALUE_UNSET ? UNIT_VALUE_UNSET : 1 + (w - 10) * 9999 / 990);
                else
                        k = sd_bus_message_append(m, "(sv)", "BlockIOWeight", "t", w);
        }
        return k;
}

int container_resources_to_json(const ContainerResources *r, cJSON *o) {
        cJSON *j = cJSON_CreateObject();

        if (!j || !cJSON_AddItemToObject(o, "Resources", j)) {
                cJSON_Delete(j);
                return -ENOMEM;
        }
        for (ResourceField f = 0; f < _RESOURCE_FIELD_MAX; f++) {
                bool ok;

                if (f == RESOURCE_CPUSET_CPUS)
                        ok = !r->cpuset_cpus ||
                             cJSON_AddStringToObject(j, resource_fields[f].name, r->cpuset_cpus);
                else
                        ok = cJSON_AddNumberToObject(
                                j, resource_fields[f].name, (double)resource_value(r, f));
                if (!ok)
                        return -ENOMEM;
        }
        return 0;
}

int container_resources_from_json(const cJSON *o, ContainerResources *ret) {
        _cleanup_(container_resources_done) ContainerResources r = {};
        const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, "Resources");
        const char *cpus;

        if (j && !cJSON_IsObject(j))
                return -EINVAL;
        for (ResourceField f = 0; j && f < _RESOURCE_FIELD_MAX; f++)
                if (f != RESOURCE_CPUSET_CPUS)
                        *resource_field_int64(&r, f) = json_get_integer(j, resource_fields[f].name, 0);
        cpus = j ? json_get_string(j, "CpusetCpus") : NULL;
        if (cpus) {
                r.cpuset_cpus = strdup(cpus);
                if (!r.cpuset_cpus)
                        return -ENOMEM;
        }
        *ret = r;
        r = (ContainerResources){};
        return 0;
}
