/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* linux.resources on a cgroup v1 or hybrid layout, where systemd does not apply MemorySwapMax=,
 * MemoryLow= and AllowedCPUs=: at start, the monitor writes memory.memsw.limit_in_bytes and
 * memory.soft_limit_in_bytes of the unit's memory cgroup (systemd set memory.limit_in_bytes already, and
 * memsw may not be below it) and joins a cpuset cgroup named as its unit, so that the container and its
 * exec sessions, all forked by the monitor, run in it. */

#include "runtime-spec-resources.h"

/* Applies r (nothing when it has no limit). On failure, a message for the user in ret_error. */
int cgroup_v1_limits_apply(const RuntimeResources *r, char **ret_error);
/* Removes the unit's cpuset cgroup, empty once the container has ended (ExecStopPost). */
int cgroup_v1_limits_remove(void);
