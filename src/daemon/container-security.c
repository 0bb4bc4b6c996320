/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "container-security.h"
#include "error-set.h"
#include "strv.h"

void container_security_options_done(ContainerSecurityOptions *o) {
        strv_free(o->cap_add);
        strv_free(o->cap_drop);
        strv_free(o->security_opt);
        strv_free(o->tmpfs);
        *o = (ContainerSecurityOptions){};
}

void container_security_done(ContainerSecurity *s) {
        cJSON_Delete(s->seccomp);
        tmpfs_mounts_free(s->tmpfs, s->n_tmpfs);
        *s = (ContainerSecurity){};
}

uint64_t capabilities_available(void) {
        uint64_t mask = 0;

        for (int cap = 0; cap < 64 && cap < (int)cap_max_bits(); cap++)
                if (cap_get_bound((cap_value_t)cap) == 1)
                        mask |= CAPABILITY_MASK(cap);
        return mask;
}

/* A list of capability names as a mask; *ret_all: "ALL" was among them. */
static int capability_list(char *const *names, uint64_t *ret, bool *ret_all, char **error) {
        uint64_t mask = 0;

        *ret_all = false;
        STRV_FOREACH (n, (char **)names) {
                int cap;

                if (strcasecmp(*n, "ALL") == 0) {
                        *ret_all = true;
                        continue;
                }
                cap = capability_from_name(*n);
                if (cap < 0)
                        return error_set(error, -EINVAL, "unknown capability: \"%.64s\"", *n);
                mask |= CAPABILITY_MASK(cap);
        }
        *ret = mask;
        return 0;
}

int capabilities_tweak(
        uint64_t basics,
        char *const *add,
        char *const *drop,
        bool privileged,
        uint64_t all,
        uint64_t *ret,
        char **ret_error) {
        uint64_t add_mask = 0, drop_mask = 0;
        bool add_all = false, drop_all = false;
        int r;

        if (privileged) {
                *ret = all;
                return 0;
        }
        r = capability_list(add, &add_mask, &add_all, ret_error);
        if (r < 0)
                return r;
        r = capability_list(drop, &drop_mask, &drop_all, ret_error);
        if (r < 0)
                return r;
        if (add_all)
                *ret = all & ~drop_mask;
        else if (drop_all)
                *ret = add_mask;
        else
                *ret = (basics & ~drop_mask) | add_mask;
        return 0;
}

/* Go's strconv.ParseBool. */
static int parse_go_bool(const char *s) {
        static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True", NULL};
        static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False", NULL};

        if (strv_contains((char **)yes, s))
                return 1;
        if (strv_contains((char **)no, s))
                return 0;
        return -EINVAL;
}

/* One --security-opt. *profile is replaced by the one given with seccomp=; NULL: unconfined. */
static int
parse_security_opt(const char *opt, bool *nnp, SeccompProfile **profile, bool *unconfined, char **error) {
        _cleanup_free_ char *key = NULL, *parse_error = NULL;
        const char *value;
        size_t n;
        int r;

        if (streq(opt, "no-new-privileges")) {
                *nnp = true;
                return 0;
        }
        /* "key=value", or Docker's older "key:value". */
        n = strcspn(opt, strchr(opt, '=') ? "=" : ":");
        if (opt[n] == 0)
                return error_set(error, -EINVAL, "invalid --security-opt 1: \"%.64s\"", opt);
        key = strndup(opt, n);
        if (!key)
                return -ENOMEM;
        value = opt + n + 1;

        if (streq(key, "no-new-privileges")) {
                r = parse_go_bool(value);
                if (r < 0)
                        return error_set(error, -EINVAL, "invalid --security-opt 2: \"%.64s\"", opt);
                *nnp = r;
                return 0;
        }
        if (streq(key, "seccomp")) {
                *profile = seccomp_profile_free(*profile);
                *unconfined = streq(value, "unconfined");
                if (*unconfined)
                        return 0;
                if (streq(value, "builtin"))
                        return seccomp_default_profile(profile);
                r = seccomp_profile_parse_text(
                        value, strlen(value), SECCOMP_PROFILE_DOCKER, profile, &parse_error);
                if (r == -EINVAL)
                        return error_set(
                                error,
                                -EINVAL,
                                "Decoding seccomp profile failed: %s",
                                parse_error ?: "invalid");
                return r;
        }
        /* berth has no LSM confinement: what turns one off is granted, anything else would be a lie. */
        if ((streq(key, "apparmor") && streq(value, "unconfined")) ||
            (streq(key, "label") && streq(value, "disable")))
                return 0;
        if (streq(key, "apparmor") || streq(key, "label"))
                return error_set(
                        error,
                        -EINVAL,
                        "berth does not support %s confinement: --security-opt %.64s",
                        key,
                        opt);
        return error_set(error, -EINVAL, "invalid --security-opt 2: \"%.64s\"", opt);
}

int container_security_resolve(
        const ContainerSecurityOptions *o,
        uint64_t available,
        const SeccompHost *host,
        ContainerSecurity *ret,
        char **ret_error) {
        _cleanup_(container_security_done) ContainerSecurity s = {};
        _cleanup_(seccomp_profile_freep) SeccompProfile *profile = NULL, *resolved = NULL;
        bool unconfined = false;
        int r;

        r = capabilities_tweak(
                CAPABILITIES_DEFAULT,
                o->cap_add,
                o->cap_drop,
                o->privileged,
                available,
                &s.capabilities,
                ret_error);
        if (r < 0)
                return r;
        s.privileged = o->privileged;
        s.readonly_rootfs = o->readonly_rootfs;

        r = seccomp_default_profile(&profile);
        if (r < 0)
                return r;
        STRV_FOREACH (opt, o->security_opt) {
                r = parse_security_opt(*opt, &s.no_new_privileges, &profile, &unconfined, ret_error);
                if (r < 0)
                        return r;
        }
        /* As Docker: a privileged container has no seccomp filter, whatever the options say. */
        if (profile && !unconfined && !o->privileged) {
                r = seccomp_profile_resolve(profile, s.capabilities, host, &resolved);
                if (r < 0)
                        return r;
                r = seccomp_profile_to_oci_json(resolved, &s.seccomp);
                if (r < 0)
                        return r;
        }

        r = tmpfs_mounts_parse(o->tmpfs, &s.tmpfs, &s.n_tmpfs, ret_error);
        if (r < 0)
                return r;

        *ret = s;
        s = (ContainerSecurity){};
        return 0;
}
