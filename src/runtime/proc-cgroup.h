/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* /proc/self/cgroup: the cgroup the calling process is in, per hierarchy. */

#include <stdbool.h>

/* The path ("/berth.slice/…") that text, the contents of /proc/PID/cgroup, gives in the v1 hierarchy whose
 * controller list names controller ("memory", "name=systemd"), or with controller NULL in the unified one
 * ("0::"). A unit's control processes (ExecStopPost=) run in its ".control" subgroup where systemd delegates
 * the cgroup: the unit's own cgroup is the parent, so a trailing "/.control" is cut. -ENODATA without such
 * a line. */
int proc_cgroup_path(const char *text, const char *controller, char **ret);

/* Reads /proc/self/cgroup. */
int proc_cgroup_read(char **ret);

/* proc_cgroup_path() of the calling process. */
int proc_self_cgroup_path(const char *controller, char **ret);
