/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Files of the cgroup v1 hierarchies (/sys/fs/cgroup/<controller>/…) that systemd does not write on a v1
 * or hybrid layout: memory.memsw.limit_in_bytes, memory.soft_limit_in_bytes and the cpuset hierarchy,
 * which berth-runtime (at start) and berthd (berth update) write for a container's unit. */

#include <stdbool.h>
#include <stdint.h>

#define CGROUP_V1_ROOT "/sys/fs/cgroup"

/* Whether the v1 hierarchy of controller is mounted here. */
bool cgroup_v1_has(const char *controller);

/* Writes value to <root>/<controller><cgroup>/<file>; the kernel's errno (EINVAL for a value it refuses). */
int cgroup_v1_write(const char *controller, const char *cgroup, const char *file, const char *value);
int cgroup_v1_write_int64(const char *controller, const char *cgroup, const char *file, int64_t value);
/* The file's first line. */
int cgroup_v1_read(const char *controller, const char *cgroup, const char *file, char **ret);
int cgroup_v1_read_int64(const char *controller, const char *cgroup, const char *file, int64_t *ret);

/* Removes the (empty) cgroup directory; one already gone is no error. */
int cgroup_v1_remove(const char *controller, const char *cgroup);

/* Makes the cpuset cgroup (and its missing parents), each given its parent's cpuset.cpus and cpuset.mems:
 * a new v1 cpuset has none and takes no task. */
int cgroup_v1_cpuset_make(const char *cgroup);
