/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

#include "runtime-spec.h"

/* process.capabilities, applied with libcap in the order the kernel's rules ask for (see confinement.h). */

/* In the monitor, before clone: every capability the spec asks for must be one the runtime itself has;
 * otherwise ret_error names the first one missing. */
int capabilities_check_available(const RuntimeCapabilities *caps, char **ret_error);

/* As root, before the user switch: drops from the bounding set what the spec does not list (what the
 * runtime never had is gone already) and clears the ambient set. */
int capabilities_apply_bounding(const RuntimeCapabilities *caps, char **ret_error);

/* After the user switch, which kept the permitted set: the effective, permitted and inheritable sets,
 * then the ambient set. A process that is not uid 0 gets no inheritable and no ambient capabilities: with
 * them a program with inheritable file capabilities could gain those (CVE-2022-24769); its effective
 * and permitted sets are emptied by execve() in any case. */
int capabilities_apply_sets(const RuntimeCapabilities *caps, uid_t uid, char **ret_error);

/* Raises every permitted capability into the effective set: loading a seccomp filter without
 * no_new_privs needs CAP_SYS_ADMIN there, and the user switch left the effective set empty. */
int capabilities_raise_effective(void);
