/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdint.h>
#include <sys/types.h>

/* The parts of config.json that reach beyond the container's own files, parsed as strictly as the rest
 * of runtime-spec.c: process.rlimits, linux.sysctl (namespaced keys only) and linux.devices. */

#define RUNTIME_SPEC_MAX_RLIMITS 64U
#define RUNTIME_SPEC_MAX_SYSCTLS 256U
#define RUNTIME_SPEC_MAX_DEVICES 4096U

typedef struct RuntimeRlimit {
        int resource; /* RLIMIT_* */
        uint64_t soft, hard;
} RuntimeRlimit;

typedef struct RuntimeSysctl {
        char *path; /* /proc/sys/… */
        char *value;
} RuntimeSysctl;

typedef struct RuntimeDevice {
        char *path;
        mode_t mode; /* S_IFCHR or S_IFBLK | permission bits */
        unsigned major, minor;
        uid_t uid;
        gid_t gid;
} RuntimeDevice;

typedef struct RuntimeSpec RuntimeSpec;

/* process.rlimits: [{"type": "RLIMIT_NOFILE", "soft": N, "hard": N}]; 2^64 (as JSON writes
 * RLIM_INFINITY) means unlimited. */
int runtime_spec_parse_rlimits(const cJSON *process, RuntimeSpec *s, char **error);
/* linux.sysctl: {"net.ipv4.ip_forward": "1"}, each of a namespace the container does not share with the
 * host (linux.namespaces comes first). */
int runtime_spec_parse_sysctl(const cJSON *lnx, RuntimeSpec *s, char **error);
/* linux.devices: [{"path", "type": "c"|"b", "major", "minor", "fileMode", "uid", "gid"}]. */
int runtime_spec_parse_devices(const cJSON *lnx, RuntimeSpec *s, char **error);
void runtime_spec_host_done(RuntimeSpec *s);
