/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "seccomp-profile.h"

/* A Docker seccomp profile resolved for one container, as Docker's daemon does it: the architectures
 * of the archMap entry for this machine, and only the rules whose "includes" hold and whose "excludes"
 * do not, judged by this machine's architecture and kernel and by the container's capabilities. What
 * comes out is the OCI shape berthd writes into config.json as linux.seccomp. */

typedef struct SeccompHost {
        const char *goarch; /* Docker's name of this architecture in includes/excludes: "amd64" */
        const char *arch;   /* "SCMP_ARCH_X86_64"; NULL: an architecture berth has no name for */
        unsigned kernel_major, kernel_minor;
} SeccompHost;

/* This machine: the architecture berthd was built for, the running kernel. */
int seccomp_host_native(SeccompHost *ret);

/* capabilities: the container's bounding set (a capability-name.h mask). */
int seccomp_profile_resolve(
        const SeccompProfile *profile, uint64_t capabilities, const SeccompHost *host, SeccompProfile **ret);

/* berth's default profile (seccomp-default.json, built in), parsed. */
int seccomp_default_profile(SeccompProfile **ret);
