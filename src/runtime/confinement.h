/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "runtime-spec.h"
#include "seccomp-filter.h"
#include "user-spec.h"

/* What confines the container's processes: rlimits, capabilities, the user, no_new_privs and the seccomp
 * filter. The init and every exec'd process apply it the same way, as the last step before execve():
 *
 *   0. as root: the rlimits (rlimits.h), before any capability is gone;
 *   1. as root: drop from the bounding set what the spec does not list, clear the ambient set;
 *   2. setgroups, setgid, setuid, keeping the permitted set (libcap's cap_setuid, which leaves the
 *      effective set empty);
 *   3. no_new_privs when asked for;
 *   4. the capability sets and the seccomp filter. Without no_new_privs, loading the filter needs
 *      CAP_SYS_ADMIN, so the filter comes first (then it must allow capset(2), as Docker's profile
 *      does); with no_new_privs the capabilities come first.
 */

typedef struct Confinement {
        const RuntimeSpec *spec;
        SeccompProgram seccomp;
} Confinement;

void confinement_done(Confinement *c);

/* In the monitor, before clone: checks that the runtime has the capabilities the spec asks for and
 * compiles the seccomp filter. On failure ret_error says why. */
int confinement_prepare(const RuntimeSpec *spec, Confinement *ret, char **ret_error);

/* In the container's process, after its mounts. Failures are reported on sync_fd (exit code 125). */
int confinement_apply(const Confinement *c, const UserCreds *creds, int sync_fd);
