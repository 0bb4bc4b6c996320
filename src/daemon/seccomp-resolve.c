/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "capability-name.h"
#include "seccomp-resolve.h"
#include "strv.h"

/* seccomp-default.json, made a C string by embed-json.py at build time. */
extern const char seccomp_default_json[];

int seccomp_host_native(SeccompHost *ret) {
        struct utsname u;
        SeccompHost h = {};

        /* Docker's names (Go's GOARCH, with "x86" for 386) and libseccomp's. */
#if defined(__x86_64__) && !defined(__ILP32__)
        h = (SeccompHost){.goarch = "amd64", .arch = "SCMP_ARCH_X86_64"};
#elif defined(__i386__)
        h = (SeccompHost){.goarch = "x86", .arch = "SCMP_ARCH_X86"};
#elif defined(__aarch64__)
        h = (SeccompHost){.goarch = "arm64", .arch = "SCMP_ARCH_AARCH64"};
#elif defined(__arm__)
        h = (SeccompHost){.goarch = "arm", .arch = "SCMP_ARCH_ARM"};
#elif defined(__s390x__)
        h = (SeccompHost){.goarch = "s390x", .arch = "SCMP_ARCH_S390X"};
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        h = (SeccompHost){.goarch = "ppc64le", .arch = "SCMP_ARCH_PPC64LE"};
#elif defined(__riscv) && __riscv_xlen == 64
        h = (SeccompHost){.goarch = "riscv64", .arch = "SCMP_ARCH_RISCV64"};
#else
        h = (SeccompHost){.goarch = "unknown"};
#endif
        if (uname(&u) < 0)
                return -errno;
        if (sscanf(u.release, "%u.%u", &h.kernel_major, &h.kernel_minor) != 2)
                return -EINVAL;
        *ret = h;
        return 0;
}

static bool kernel_at_least(const SeccompHost *host, const SeccompCondition *c) {
        return host->kernel_major > c->min_kernel_major ||
               (host->kernel_major == c->min_kernel_major && host->kernel_minor >= c->min_kernel_minor);
}

/* A capability name the container holds; names libcap does not know are never held (Docker compares
 * names). */
static bool holds(uint64_t capabilities, const char *name) {
        int cap = capability_from_name(name);
        return cap >= 0 && (capabilities & CAPABILITY_MASK(cap));
}

static bool rule_applies(const SeccompRule *rule, uint64_t capabilities, const SeccompHost *host) {
        const SeccompCondition *ex = &rule->excludes, *in = &rule->includes;

        if (strv_contains(ex->arches, host->goarch))
                return false;
        STRV_FOREACH (c, ex->caps)
                if (holds(capabilities, *c))
                        return false;
        if (ex->has_min_kernel && kernel_at_least(host, ex))
                return false;

        if (in->arches && !strv_contains(in->arches, host->goarch))
                return false;
        STRV_FOREACH (c, in->caps)
                if (!holds(capabilities, *c))
                        return false;
        if (in->has_min_kernel && !kernel_at_least(host, in))
                return false;
        return true;
}

static int copy_rule(const SeccompRule *from, SeccompRule *to) {
        *to = (SeccompRule){
                .action = from->action,
                .has_errno_ret = from->has_errno_ret,
                .errno_ret = from->errno_ret,
                .n_args = from->n_args,
        };
        to->names = strv_copy(from->names);
        if (!to->names)
                return -ENOMEM;
        if (from->n_args > 0) {
                to->args = calloc(from->n_args, sizeof(SeccompArg));
                if (!to->args)
                        return -ENOMEM;
                memcpy(to->args, from->args, from->n_args * sizeof(SeccompArg));
        }
        return 0;
}

int seccomp_profile_resolve(
        const SeccompProfile *profile,
        uint64_t capabilities,
        const SeccompHost *host,
        SeccompProfile **ret) {
        _cleanup_(seccomp_profile_freep) SeccompProfile *p = NULL;
        int r;

        p = calloc(1, sizeof(SeccompProfile));
        if (!p)
                return -ENOMEM;
        p->default_action = profile->default_action;
        p->has_default_errno_ret = profile->has_default_errno_ret;
        p->default_errno_ret = profile->default_errno_ret;
        p->flags = profile->flags;

        if (profile->architectures) {
                p->architectures = strv_copy(profile->architectures);
                if (!p->architectures)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < profile->n_arch_map && host->arch; i++) {
                const SeccompArchMap *m = &profile->arch_map[i];
                if (!streq(m->arch, host->arch))
                        continue;
                if (strv_extend(&p->architectures, m->arch) < 0)
                        return -ENOMEM;
                STRV_FOREACH (sub, m->sub_arches)
                        if (strv_extend(&p->architectures, *sub) < 0)
                                return -ENOMEM;
        }

        if (profile->n_rules > 0) {
                p->rules = calloc(profile->n_rules, sizeof(SeccompRule));
                if (!p->rules)
                        return -ENOMEM;
        }
        for (size_t i = 0; i < profile->n_rules; i++) {
                if (!rule_applies(&profile->rules[i], capabilities, host))
                        continue;
                r = copy_rule(&profile->rules[i], &p->rules[p->n_rules++]);
                if (r < 0)
                        return r;
        }

        *ret = TAKE_PTR(p);
        return 0;
}

int seccomp_default_profile(SeccompProfile **ret) {
        return seccomp_profile_parse_text(
                seccomp_default_json, strlen(seccomp_default_json), SECCOMP_PROFILE_DOCKER, ret, NULL);
}
