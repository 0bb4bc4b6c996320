/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "macro.h"
#include "seccomp-filter.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(scmp_filter_ctx, seccomp_release);

void seccomp_program_done(SeccompProgram *p) {
        free(p->filter);
        *p = (SeccompProgram){};
}

static uint32_t libseccomp_action(SeccompAction a, bool has_errno_ret, uint32_t errno_ret) {
        /* Without errnoRet, ERRNO and TRACE say EPERM, as runc does. */
        uint16_t data = has_errno_ret ? (uint16_t)errno_ret : EPERM;

        switch (a) {
        case SECCOMP_ACTION_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case SECCOMP_ACTION_TRAP:
                return SCMP_ACT_TRAP;
        case SECCOMP_ACTION_ERRNO:
                return SCMP_ACT_ERRNO(data);
        case SECCOMP_ACTION_TRACE:
                return SCMP_ACT_TRACE(data);
        case SECCOMP_ACTION_ALLOW:
                return SCMP_ACT_ALLOW;
        case SECCOMP_ACTION_LOG:
                return SCMP_ACT_LOG;
        case SECCOMP_ACTION_KILL:
        case SECCOMP_ACTION_KILL_THREAD:
        default:
                return SCMP_ACT_KILL_THREAD;
        }
}

static enum scmp_compare libseccomp_operator(SeccompOperator op) {
        static const enum scmp_compare table[_SECCOMP_OP_MAX] = {
                [SECCOMP_OP_NE] = SCMP_CMP_NE,
                [SECCOMP_OP_LT] = SCMP_CMP_LT,
                [SECCOMP_OP_LE] = SCMP_CMP_LE,
                [SECCOMP_OP_EQ] = SCMP_CMP_EQ,
                [SECCOMP_OP_GE] = SCMP_CMP_GE,
                [SECCOMP_OP_GT] = SCMP_CMP_GT,
                [SECCOMP_OP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
        };
        return table[op];
}

static int add_rule(
        scmp_filter_ctx ctx,
        uint32_t default_action,
        const SeccompRule *rule,
        size_t index,
        char **ret_error) {
        struct scmp_arg_cmp cmps[SECCOMP_PROFILE_MAX_ARGS];
        uint32_t action = libseccomp_action(rule->action, rule->has_errno_ret, rule->errno_ret);

        /* libseccomp refuses a rule that only repeats the default. */
        if (action == default_action)
                return 0;
        for (size_t i = 0; i < rule->n_args; i++)
                cmps[i] = (struct scmp_arg_cmp){
                        .arg = rule->args[i].index,
                        .op = libseccomp_operator(rule->args[i].op),
                        /* MASKED_EQ: value is the mask, valueTwo what the masked argument must be. */
                        .datum_a = rule->args[i].value,
                        .datum_b = rule->args[i].value_two,
                };
        for (char **name = rule->names; name && *name; name++) {
                int nr = seccomp_syscall_resolve_name(*name), r;

                if (nr == __NR_SCMP_ERROR)
                        continue;
                r = seccomp_rule_add_array(ctx, action, nr, (unsigned)rule->n_args, cmps);
                if (r < 0) {
                        if (ret_error && asprintf(
                                                 ret_error,
                                                 "syscalls[%zu]: libseccomp refused the rule for %s: %s",
                                                 index,
                                                 *name,
                                                 strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
        }
        return 0;
}

int seccomp_program_compile(const SeccompProfile *profile, SeccompProgram *ret, char **ret_error) {
        _cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ struct sock_filter *filter = NULL;
        uint32_t default_action = libseccomp_action(
                profile->default_action, profile->has_default_errno_ret, profile->default_errno_ret);
        off_t size;
        int r;

        ctx = seccomp_init(default_action);
        if (!ctx)
                return -ENOMEM;
        /* A binary tree of syscall numbers rather than a list: the kernel walks the filter for every
         * syscall number when it loads it (to find those always allowed), each exec'd process loads it,
         * and the compile happens once (seccomp-cache.h). */
        r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        if (r < 0)
                return r;
        for (char **arch = profile->architectures; arch && *arch; arch++) {
                uint32_t token = seccomp_arch_resolve_name(seccomp_arch_to_libseccomp_name(*arch));

                if (token == 0) {
                        if (ret_error &&
                            asprintf(ret_error, "architectures: libseccomp does not know %s", *arch) < 0)
                                *ret_error = NULL;
                        return -EINVAL;
                }
                r = seccomp_arch_add(ctx, token);
                if (r < 0 && r != -EEXIST) {
                        if (ret_error &&
                            asprintf(ret_error, "architectures: adding %s: %s", *arch, strerror(-r)) < 0)
                                *ret_error = NULL;
                        return r;
                }
        }
        for (size_t i = 0; i < profile->n_rules; i++) {
                r = add_rule(ctx, default_action, &profile->rules[i], i, ret_error);
                if (r < 0)
                        return r;
        }

        fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = seccomp_export_bpf(ctx, fd);
        if (r < 0)
                return r;
        size = lseek(fd, 0, SEEK_END);
        if (size < 0)
                return -errno;
        if (size == 0 || (size_t)size % sizeof(struct sock_filter) != 0 ||
            (size_t)size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
                if (ret_error && asprintf(
                                         ret_error,
                                         "the filter has %lld bytes, more than the kernel takes",
                                         (long long)size) < 0)
                        *ret_error = NULL;
                return -E2BIG;
        }
        filter = malloc((size_t)size);
        if (!filter)
                return -ENOMEM;
        if (pread(fd, filter, (size_t)size, 0) != size)
                return -EIO;

        *ret = (SeccompProgram){
                .filter = TAKE_PTR(filter),
                .len = (unsigned short)((size_t)size / sizeof(struct sock_filter)),
                .flags = (profile->flags & SECCOMP_FLAG_TSYNC ? SECCOMP_FILTER_FLAG_TSYNC : 0) |
                         (profile->flags & SECCOMP_FLAG_LOG ? SECCOMP_FILTER_FLAG_LOG : 0) |
                         (profile->flags & SECCOMP_FLAG_SPEC_ALLOW ? SECCOMP_FILTER_FLAG_SPEC_ALLOW : 0),
        };
        return 0;
}

int seccomp_program_load(const SeccompProgram *p) {
        struct sock_fprog prog = {.len = p->len, .filter = p->filter};

        if (!p->filter)
                return 0;
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0)
                return -errno;
        return 0;
}
