/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-v1.h"
#include "container-cgroup-v1.h"
#include "error-set.h"
#include "fileio.h"
#include "json-util.h"
#include "macro.h"

/* systemd puts every container unit in berth.slice (unit-manager.c). */
#define CONTAINER_SLICE "/berth.slice"
#define PROCS_MAX (1024U * 1024U)

/* memory.memsw.limit_in_bytes: Docker's MemorySwap where there is a memory limit; -1 unlimited. */
static int64_t memsw_value(const ContainerResources *r) {
        return r->memory > 0 && r->memory_swap > 0 ? r->memory_swap : -1;
}

static int resources_json(const ContainerResources *r, cJSON **ret) {
        _cleanup_json_ cJSON *res = cJSON_CreateObject();
        cJSON *memory = NULL;

        if (!res)
                return -ENOMEM;
        if ((r->memory > 0 && r->memory_swap != 0) || r->memory_reservation > 0) {
                memory = cJSON_AddObjectToObject(res, "memory");
                if (!memory)
                        return -ENOMEM;
        }
        if (r->memory > 0 && r->memory_swap != 0 &&
            !cJSON_AddNumberToObject(memory, "swap", (double)memsw_value(r)))
                return -ENOMEM;
        if (r->memory_reservation > 0 &&
            !cJSON_AddNumberToObject(memory, "reservation", (double)r->memory_reservation))
                return -ENOMEM;
        if (r->cpuset_cpus) {
                cJSON *cpu = cJSON_AddObjectToObject(res, "cpu");

                if (!cpu || !cJSON_AddStringToObject(cpu, "cpus", r->cpuset_cpus))
                        return -ENOMEM;
        }
        *ret = cJSON_GetArraySize(res) > 0 ? TAKE_PTR(res) : NULL;
        return 0;
}

int container_cgroup_v1_set_spec(const ContainerResources *r, const ResourceHost *host, cJSON *spec) {
        cJSON *lnx = cJSON_GetObjectItemCaseSensitive(spec, "linux"), *res = NULL;
        int k;

        if (host->cgroup_unified)
                return 0;
        if (!cJSON_IsObject(lnx))
                return -EINVAL;
        cJSON_DeleteItemFromObjectCaseSensitive(lnx, "resources");
        k = resources_json(r, &res);
        if (k < 0 || !res)
                return k;
        if (!cJSON_AddItemToObject(lnx, "resources", res)) {
                cJSON_Delete(res);
                return -ENOMEM;
        }
        return 0;
}

int container_cgroup_v1_update_bundle(
        const Container *c, const ContainerResources *r, const ResourceHost *host) {
        _cleanup_json_ cJSON *spec = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        int k;

        if (host->cgroup_unified)
                return 0;
        dir_fd = open(c->bundle, O_DIRECTORY | O_CLOEXEC | O_RDONLY);
        if (dir_fd < 0)
                return -errno;
        k = json_parse_file_at(dir_fd, "config.json", 16U * 1024U * 1024U, &spec);
        if (k >= 0)
                k = container_cgroup_v1_set_spec(r, host, spec);
        if (k >= 0)
                k = json_write_file_atomic_at(dir_fd, "config.json", spec);
        return k;
}

static int unit_cgroup(const Container *c, char **ret) {
        return asprintf(ret, CONTAINER_SLICE "/%s", c->unit) < 0 ? -ENOMEM : 0;
}

int container_cgroup_v1_raise_memsw(
        const Container *c, const ContainerResources *r, const ResourceHost *host) {
        _cleanup_free_ char *cgroup = NULL;
        int64_t current, want = memsw_value(r);
        int k;

        if (host->cgroup_unified || !host->v1_memsw)
                return 0;
        k = unit_cgroup(c, &cgroup);
        if (k >= 0)
                k = cgroup_v1_read_int64("memory", cgroup, "memory.memsw.limit_in_bytes", &current);
        /* A unit that ended meanwhile has no cgroup: it gets the limits at its next start. */
        if (k == -ENOENT)
                return 0;
        if (k < 0 || (want != -1 && want <= current))
                return k;
        return cgroup_v1_write_int64("memory", cgroup, "memory.memsw.limit_in_bytes", want);
}

/* Moves every process of the unit into its cpuset cgroup: the container may have started without one. */
static int cpuset_adopt(const char *cgroup) {
        _cleanup_free_ char *path = NULL, *procs = NULL;
        int k;

        if (asprintf(&path, CGROUP_V1_ROOT "/systemd%s/cgroup.procs", cgroup) < 0)
                return -ENOMEM;
        k = read_full_file_at(AT_FDCWD, path, PROCS_MAX, &procs, NULL);
        if (k < 0)
                return k;
        for (char *p = procs, *next; *p; p = next) {
                size_t n = strcspn(p, "\n");

                next = p[n] ? p + n + 1 : p + n;
                p[n] = 0;
                k = cgroup_v1_write("cpuset", cgroup, "cgroup.procs", p);
                /* A process that ended meanwhile. */
                if (k < 0 && k != -ESRCH)
                        return k;
        }
        return 0;
}

static int apply_cpuset(const char *cgroup, const char *cpus, char **ret_error) {
        _cleanup_free_ char *all = NULL;
        int k;

        /* No cpuset any more: every CPU of the slice. */
        if (!cpus) {
                k = cgroup_v1_read("cpuset", CONTAINER_SLICE, "cpuset.cpus", &all);
                if (k < 0)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot read the CPUs of %s: %s",
                                CONTAINER_SLICE,
                                strerror(-k));
                cpus = all;
        }
        k = cgroup_v1_cpuset_make(cgroup);
        if (k >= 0)
                k = cgroup_v1_write("cpuset", cgroup, "cpuset.cpus", cpus);
        if (k >= 0)
                k = cpuset_adopt(cgroup);
        if (k < 0)
                return error_set(ret_error, k, "Cannot set cpuset cpus \"%s\": %s", cpus, strerror(-k));
        return 0;
}

int container_cgroup_v1_apply(
        const Container *c,
        const ContainerResources *r,
        uint32_t given,
        const ResourceHost *host,
        char **ret_error) {
        _cleanup_free_ char *cgroup = NULL;
        int k;

        if (host->cgroup_unified)
                return 0;
        k = unit_cgroup(c, &cgroup);
        if (k < 0)
                return k;
        if (host->v1_memsw &&
            (given & (RESOURCE_MASK(RESOURCE_MEMORY) | RESOURCE_MASK(RESOURCE_MEMORY_SWAP)))) {
                k = cgroup_v1_write_int64("memory", cgroup, "memory.memsw.limit_in_bytes", memsw_value(r));
                if (k < 0)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot set the memory+swap limit (memory.memsw.limit_in_bytes): %s",
                                strerror(-k));
        }
        if (given & RESOURCE_MASK(RESOURCE_MEMORY_RESERVATION)) {
                k = cgroup_v1_write_int64(
                        "memory",
                        cgroup,
                        "memory.soft_limit_in_bytes",
                        r->memory_reservation > 0 ? r->memory_reservation : -1);
                if (k < 0)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot set the memory reservation (memory.soft_limit_in_bytes): %s",
                                strerror(-k));
        }
        if (host->v1_cpuset && (given & RESOURCE_MASK(RESOURCE_CPUSET_CPUS)))
                return apply_cpuset(cgroup, r->cpuset_cpus, ret_error);
        return 0;
}
