/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <linux/capability.h>
#include <stdbool.h>
#include <stdint.h>

#include "capability-name.h"
#include "seccomp-resolve.h"
#include "tmpfs-mount.h"

/* A container's confinement from CreateContainer's options, with Docker's defaults and rules: the
 * capability set, the seccomp profile, no_new_privs, --privileged, --read-only and --tmpfs. */

/* Docker's default capability set. */
#define CAPABILITIES_DEFAULT                                                                                \
        (CAPABILITY_MASK(CAP_CHOWN) | CAPABILITY_MASK(CAP_DAC_OVERRIDE) | CAPABILITY_MASK(CAP_FSETID) |     \
         CAPABILITY_MASK(CAP_FOWNER) | CAPABILITY_MASK(CAP_MKNOD) | CAPABILITY_MASK(CAP_NET_RAW) |          \
         CAPABILITY_MASK(CAP_SETGID) | CAPABILITY_MASK(CAP_SETUID) | CAPABILITY_MASK(CAP_SETFCAP) |         \
         CAPABILITY_MASK(CAP_SETPCAP) | CAPABILITY_MASK(CAP_NET_BIND_SERVICE) |                             \
         CAPABILITY_MASK(CAP_SYS_CHROOT) | CAPABILITY_MASK(CAP_KILL) | CAPABILITY_MASK(CAP_AUDIT_WRITE))

/* CreateContainer's CapAdd, CapDrop, Privileged, SecurityOpt, ReadonlyRootfs and Tmpfs. */
typedef struct ContainerSecurityOptions {
        char **cap_add, **cap_drop;
        bool privileged;
        char **security_opt; /* "no-new-privileges", "seccomp=unconfined", "seccomp=<profile JSON>" … */
        bool readonly_rootfs;
        char **tmpfs; /* PATH[:OPTIONS] */
} ContainerSecurityOptions;

void container_security_options_done(ContainerSecurityOptions *o);

typedef struct ContainerSecurity {
        uint64_t capabilities; /* bounding, effective, permitted and inheritable */
        bool privileged;       /* no masked or read-only paths, /sys writable */
        bool no_new_privileges;
        bool readonly_rootfs;
        cJSON *seccomp; /* linux.seccomp (OCI shape); NULL: unconfined */
        TmpfsMount *tmpfs;
        size_t n_tmpfs;
} ContainerSecurity;

void container_security_done(ContainerSecurity *s);

/* What ALL and --privileged grant: the capabilities in berthd's own bounding set, which the runtime
 * that systemd starts for the container has as well. */
uint64_t capabilities_available(void);

/* Docker's TweakCapabilities: --privileged gets all; ALL in add means all but what drop names; ALL in
 * drop means only what add names; else the basics minus drop plus add. Names in any case, with or
 * without CAP_. On -EINVAL ret_error names the unknown capability. */
int capabilities_tweak(
        uint64_t basics,
        char *const *add,
        char *const *drop,
        bool privileged,
        uint64_t all,
        uint64_t *ret,
        char **ret_error);

/* available: capabilities_available(); host: seccomp_host_native(). On -EINVAL ret_error says what is
 * wrong in Docker's words. */
int container_security_resolve(
        const ContainerSecurityOptions *o,
        uint64_t available,
        const SeccompHost *host,
        ContainerSecurity *ret,
        char **ret_error);
