/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-v1-limits.h"
#include "cgroup-v1.h"
#include "error-set.h"
#include "macro.h"
#include "proc-cgroup.h"

static int apply_memory(const RuntimeResources *r, char **ret_error) {
        _cleanup_free_ char *cgroup = NULL;
        int k;

        k = proc_self_cgroup_path("memory", &cgroup);
        if (k < 0)
                return error_set(ret_error, k, "Cannot find the unit's memory cgroup: %s", strerror(-k));
        if (r->memory_swap != 0) {
                k = cgroup_v1_write_int64("memory", cgroup, "memory.memsw.limit_in_bytes", r->memory_swap);
                if (k == -ENOENT)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot limit swap: the kernel has no swap accounting "
                                "(memory.memsw.limit_in_bytes; boot with swapaccount=1)");
                if (k < 0)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot set the memory+swap limit %" PRIi64
                                " (memory.memsw.limit_in_bytes): %s",
                                r->memory_swap,
                                strerror(-k));
        }
        if (r->memory_reservation != 0) {
                k = cgroup_v1_write_int64(
                        "memory", cgroup, "memory.soft_limit_in_bytes", r->memory_reservation);
                if (k < 0)
                        return error_set(
                                ret_error,
                                k,
                                "Cannot set the memory reservation %" PRIi64
                                " (memory.soft_limit_in_bytes): %s",
                                r->memory_reservation,
                                strerror(-k));
        }
        return 0;
}

static int apply_cpuset(const char *cpus, char **ret_error) {
        _cleanup_free_ char *unit = NULL;
        int k;

        if (!cgroup_v1_has("cpuset"))
                return error_set(
                        ret_error, -ENOENT, "Cannot set cpuset cpus: no v1 cpuset hierarchy is mounted");
        k = proc_self_cgroup_path("name=systemd", &unit);
        if (k < 0 || streq(unit, "/"))
                return error_set(ret_error, k < 0 ? k : -EINVAL, "Cannot find the unit's cgroup");
        k = cgroup_v1_cpuset_make(unit);
        if (k < 0)
                return error_set(ret_error, k, "Cannot make the cpuset cgroup %s: %s", unit, strerror(-k));
        k = cgroup_v1_write("cpuset", unit, "cpuset.cpus", cpus);
        /* "0" is the writing process itself. */
        if (k >= 0)
                k = cgroup_v1_write("cpuset", unit, "cgroup.procs", "0");
        if (k < 0) {
                (void)cgroup_v1_remove("cpuset", unit);
                return error_set(ret_error, k, "Cannot set cpuset cpus \"%s\": %s", cpus, strerror(-k));
        }
        return 0;
}

int cgroup_v1_limits_apply(const RuntimeResources *r, char **ret_error) {
        int k = 0;

        if (r->memory_swap != 0 || r->memory_reservation != 0)
                k = apply_memory(r, ret_error);
        if (k >= 0 && r->cpuset_cpus)
                k = apply_cpuset(r->cpuset_cpus, ret_error);
        return k;
}

int cgroup_v1_limits_remove(void) {
        _cleanup_free_ char *unit = NULL;
        int r;

        if (!cgroup_v1_has("cpuset"))
                return 0;
        r = proc_self_cgroup_path("name=systemd", &unit);
        if (r < 0)
                return r == -ENODATA ? 0 : r;
        if (streq(unit, "/"))
                return 0;
        return cgroup_v1_remove("cpuset", unit);
}
