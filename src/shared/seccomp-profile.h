/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* seccomp profiles in their two shapes: Docker's profile format (berth's default profile and
 * --security-opt seccomp=FILE) and the OCI runtime spec's linux.seccomp, which berthd writes into
 * config.json once it has resolved a Docker profile for one container. Docker's shape is a superset:
 * archMap, "name", "comment", "includes" and "excludes" belong to it alone. Both are parsed strictly:
 * unknown keys, unknown actions, operators and architectures, and anything beyond the limits are
 * refused with a message naming the field. */

#define SECCOMP_PROFILE_MAX_SIZE (1024U * 1024U)
#define SECCOMP_PROFILE_MAX_RULES 4096U
#define SECCOMP_PROFILE_MAX_NAMES 1024U /* per rule */
#define SECCOMP_PROFILE_MAX_ARCHES 32U
#define SECCOMP_PROFILE_MAX_ARGS 6U /* a syscall has six arguments */
#define SECCOMP_SYSCALL_NAME_MAX 64U
#define SECCOMP_ERRNO_MAX 4095U            /* the kernel's MAX_ERRNO */
#define SECCOMP_ARG_VALUE_MAX (1ULL << 53) /* exact in JSON's numbers (doubles) */

typedef enum SeccompProfileFormat {
        SECCOMP_PROFILE_DOCKER,
        SECCOMP_PROFILE_OCI,
} SeccompProfileFormat;

typedef enum SeccompAction {
        SECCOMP_ACTION_KILL, /* SCMP_ACT_KILL: the thread, as SCMP_ACT_KILL_THREAD */
        SECCOMP_ACTION_KILL_THREAD,
        SECCOMP_ACTION_KILL_PROCESS,
        SECCOMP_ACTION_TRAP,
        SECCOMP_ACTION_ERRNO,
        SECCOMP_ACTION_TRACE,
        SECCOMP_ACTION_ALLOW,
        SECCOMP_ACTION_LOG,
        _SECCOMP_ACTION_MAX,
} SeccompAction;

typedef enum SeccompOperator {
        SECCOMP_OP_NE,
        SECCOMP_OP_LT,
        SECCOMP_OP_LE,
        SECCOMP_OP_EQ,
        SECCOMP_OP_GE,
        SECCOMP_OP_GT,
        SECCOMP_OP_MASKED_EQ, /* (arg & value) == valueTwo */
        _SECCOMP_OP_MAX,
} SeccompOperator;

typedef enum SeccompFlag {
        SECCOMP_FLAG_TSYNC = 1U << 0,
        SECCOMP_FLAG_LOG = 1U << 1,
        SECCOMP_FLAG_SPEC_ALLOW = 1U << 2,
} SeccompFlag;

typedef struct SeccompArg {
        unsigned index; /* 0…5 */
        uint64_t value, value_two;
        SeccompOperator op;
} SeccompArg;

/* Docker's "includes"/"excludes": Go architecture names ("amd64"), capability names, "4.8". */
typedef struct SeccompCondition {
        char **arches;
        char **caps;
        unsigned min_kernel_major, min_kernel_minor;
        bool has_min_kernel;
} SeccompCondition;

typedef struct SeccompRule {
        char **names;
        SeccompAction action;
        bool has_errno_ret;
        uint32_t errno_ret; /* SCMP_ACT_ERRNO and SCMP_ACT_TRACE only */
        SeccompArg *args;   /* all must match */
        size_t n_args;
        SeccompCondition includes, excludes; /* Docker's shape only */
} SeccompRule;

/* Docker's archMap: the architectures a filter for "arch" covers. */
typedef struct SeccompArchMap {
        char *arch;
        char **sub_arches;
} SeccompArchMap;

typedef struct SeccompProfile {
        SeccompAction default_action;
        bool has_default_errno_ret;
        uint32_t default_errno_ret;
        char **architectures; /* "SCMP_ARCH_X86_64" …; none: the native one */
        SeccompArchMap *arch_map;
        size_t n_arch_map;
        unsigned flags; /* SeccompFlag */
        SeccompRule *rules;
        size_t n_rules;
} SeccompProfile;

SeccompProfile *seccomp_profile_free(SeccompProfile *p);
static inline void seccomp_profile_freep(SeccompProfile **p) {
        seccomp_profile_free(*p);
}

/* On -EINVAL, ret_error (if given) says which field is wrong: "syscalls[3].args[0].op: …". */
int seccomp_profile_parse(
        const cJSON *o, SeccompProfileFormat format, SeccompProfile **ret, char **ret_error);
int seccomp_profile_parse_text(
        const char *text, size_t size, SeccompProfileFormat format, SeccompProfile **ret, char **ret_error);

/* The OCI linux.seccomp object of a profile without Docker's parts. */
int seccomp_profile_to_oci_json(const SeccompProfile *p, cJSON **ret);

const char *seccomp_action_to_string(SeccompAction a);
const char *seccomp_operator_to_string(SeccompOperator op);
/* "SCMP_ARCH_X86_64" → "x86_64", the name libseccomp knows; NULL for an unknown one. */
const char *seccomp_arch_to_libseccomp_name(const char *arch);
