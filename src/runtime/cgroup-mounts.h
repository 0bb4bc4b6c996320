/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container's own cgroups at /sys/fs/cgroup, read-only, as runc shows them: called inside the
 * container's mount and cgroup namespaces after its /proc and /sys are mounted. Each hierarchy the
 * container is in (its /proc/self/cgroup) is mounted afresh, which inside the cgroup namespace shows the
 * namespace root: the cgroup the container's init was cloned in. cgroup v2 only: one cgroup2 at
 * /sys/fs/cgroup. v1 or hybrid: a tmpfs there with each v1 hierarchy under its controller list
 * ("cpu,cpuacct", with "cpu" and "cpuacct" links to it; "name=systemd" as "systemd"), and cgroup2 at
 * "unified". */
int cgroup_mounts_setup(void);
