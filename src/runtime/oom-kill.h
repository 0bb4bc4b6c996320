/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Whether the kernel's OOM killer killed a process of the container's unit, asked from ExecStopPost=,
 * which runs in the unit's cgroup before systemd removes it. On cgroup v2 systemd itself records it
 * (Result=oom-kill, $SERVICE_RESULT; it reads memory.events); on a v1 or hybrid layout it does not
 * (Result=exit-code), and the memory controller counts the kills in memory.oom_control ("oom_kill N",
 * Linux ≥ 4.13). */

#include <stdbool.h>
#include <stdint.h>

/* The "oom_kill N" counter of a memory.oom_control (v1) or memory.events (v2) text; -ENODATA without
 * one. */
int oom_kill_count_parse(const char *text, uint64_t *ret);

/* From the text of /proc/self/cgroup: the unit's memory cgroup, "/sys/fs/cgroup/memory<path>" on v1,
 * else "/sys/fs/cgroup<path>" of the v2 line. ExecStopPost= of a delegated unit runs in the unit's
 * ".control" subgroup on v2 (and in name=systemd), which is left out. -ENODATA without either line. */
int cgroup_memory_dir_parse(const char *proc_cgroup, char **ret_dir, bool *ret_v1);

/* service_result is $SERVICE_RESULT (may be NULL). */
bool unit_oom_killed(const char *service_result);
