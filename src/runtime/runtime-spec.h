/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime-spec-host.h"
#include "runtime-spec-resources.h"
#include "seccomp-profile.h"
#include "userns-spec.h"

/* The subset of the OCI runtime spec (config.json) that berth uses, parsed strictly: a config that does
 * not have the shape we expect is refused with a message naming the field, never half-applied. */

#define RUNTIME_SPEC_MAX_SIZE (4U * 1024U * 1024U)
#define RUNTIME_SPEC_MAX_ARGS 4096U
#define RUNTIME_SPEC_MAX_ENV 4096U
#define RUNTIME_SPEC_MAX_ARG_LEN (128U * 1024U) /* the kernel's MAX_ARG_STRLEN */
#define RUNTIME_SPEC_MAX_ARGV_TOTAL (1024U * 1024U)
#define RUNTIME_SPEC_MAX_MOUNTS 1024U
#define RUNTIME_SPEC_MAX_PATHS 1024U
#define RUNTIME_SPEC_MAX_GIDS 64U
#define RUNTIME_SPEC_MAX_PATH_LEN 4096U
#define RUNTIME_SPEC_MAX_HOSTNAME_LEN 64U
#define RUNTIME_SPEC_MAX_RUN_DIR_LEN 90U /* + "/attach.sock" fits sockaddr_un */

typedef struct RuntimeMount {
        char *destination;
        char *type;
        char *source;
        char **options;
} RuntimeMount;

/* process.capabilities as masks (capability-name.h). */
typedef struct RuntimeCapabilities {
        uint64_t bounding, effective, permitted, inheritable, ambient;
} RuntimeCapabilities;

struct RuntimeSpec {
        char **args;
        char **env;
        char *cwd;
        bool terminal;
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool has_capabilities; /* without process.capabilities the process keeps the runtime's */
        RuntimeCapabilities capabilities;
        bool no_new_privileges;
        RuntimeRlimit *rlimits; /* process.rlimits (runtime-spec-host.h) */
        size_t n_rlimits;

        char *root_path;
        bool root_readonly;
        char *hostname;

        RuntimeMount *mounts;
        size_t n_mounts;

        int namespace_flags; /* CLONE_NEW* */
        char *netns_path;    /* the "network" namespace's "path": joined, not created (CLONE_NEWNET unset) */
        char **masked_paths;
        char **readonly_paths;
        IdMap uid_map, gid_map;  /* linux.uidMappings, gidMappings (userns-spec.h) */
        SeccompProfile *seccomp; /* linux.seccomp; NULL: none */
        char *seccomp_text;      /* linux.seccomp as compact JSON, for seccomp-cache.h */
        RuntimeSysctl *sysctls;  /* linux.sysctl */
        size_t n_sysctls;
        RuntimeDevice *devices; /* linux.devices */
        size_t n_devices;
        RuntimeResources resources; /* linux.resources (runtime-spec-resources.h) */

        char *user_annotation;    /* "org.berth.user", NULL when absent */
        char *name_annotation;    /* "org.berth.name", NULL when absent */
        char *run_dir_annotation; /* "org.berth.run-dir": where attach.sock goes; NULL: no attach socket */
        char *seccomp_digest_annotation; /* "org.berth.seccomp-digest": names linux.seccomp in the cache */
        bool open_stdin;             /* "org.berth.open-stdin": "true" keeps a stdin for attach clients */
        char **group_add_annotation; /* "org.berth.group-add": groups (names or ids) for every process */
        bool init; /* "org.berth.init": "true" keeps a reaper as PID 1 (docker run --init) */
};

RuntimeSpec *runtime_spec_free(RuntimeSpec *s);
static inline void runtime_spec_freep(RuntimeSpec **s) {
        runtime_spec_free(*s);
}

/* Parses config.json text. On failure returns a negative errno and, when ret_error is given, a message
 * for the user ("process.cwd: must be an absolute path"). */
int runtime_spec_parse(const char *text, size_t size, RuntimeSpec **ret, char **ret_error);
int runtime_spec_load_at(int bundle_fd, RuntimeSpec **ret, char **ret_error);

/* "pid" → CLONE_NEWPID etc.; 0 for an unknown type. */
int namespace_flag_from_string(const char *s);
