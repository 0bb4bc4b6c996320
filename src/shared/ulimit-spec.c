/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "error-set.h"
#include "macro.h"
#include "ulimit-spec.h"

static const struct {
        const char *name, *oci_name;
        int resource;
} ulimit_table[] = {
        {"core", "RLIMIT_CORE", RLIMIT_CORE},
        {"cpu", "RLIMIT_CPU", RLIMIT_CPU},
        {"data", "RLIMIT_DATA", RLIMIT_DATA},
        {"fsize", "RLIMIT_FSIZE", RLIMIT_FSIZE},
        {"locks", "RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"memlock", "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        {"msgqueue", "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"nice", "RLIMIT_NICE", RLIMIT_NICE},
        {"nofile", "RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"nproc", "RLIMIT_NPROC", RLIMIT_NPROC},
        {"rss", "RLIMIT_RSS", RLIMIT_RSS},
        {"rtprio", "RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        {"rttime", "RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"stack", "RLIMIT_STACK", RLIMIT_STACK},
};

int ulimit_resource_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(ulimit_table); i++)
                if (streq_ptr(ulimit_table[i].name, name))
                        return ulimit_table[i].resource;
        return -EINVAL;
}

const char *ulimit_resource_to_name(int resource) {
        for (size_t i = 0; i < ELEMENTSOF(ulimit_table); i++)
                if (ulimit_table[i].resource == resource)
                        return ulimit_table[i].name;
        return NULL;
}

int ulimit_resource_from_oci_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(ulimit_table); i++)
                if (streq_ptr(ulimit_table[i].oci_name, name))
                        return ulimit_table[i].resource;
        return -EINVAL;
}

const char *ulimit_resource_to_oci_name(int resource) {
        for (size_t i = 0; i < ELEMENTSOF(ulimit_table); i++)
                if (ulimit_table[i].resource == resource)
                        return ulimit_table[i].oci_name;
        return NULL;
}

/* A decimal int64 as Go's ParseInt; -1 is unlimited, other negative values are refused. */
static int parse_limit(const char *s, uint64_t *ret) {
        char *end;
        long long v;

        if (isempty(s) || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno != 0 || *end != 0 || v < -1)
                return -EINVAL;
        *ret = v == -1 ? RLIM_INFINITY : (uint64_t)v;
        return 0;
}

int ulimit_spec_parse(const char *s, UlimitSpec *ret, char **ret_error) {
        _cleanup_free_ char *name = NULL;
        const char *eq, *values, *colon;
        _cleanup_free_ char *soft_text = NULL;
        UlimitSpec u = {};

        eq = s ? strchr(s, '=') : NULL;
        if (!eq)
                return error_set(ret_error, -EINVAL, "invalid ulimit argument: %s", s ?: "");
        name = strndup(s, eq - s);
        if (!name)
                return -ENOMEM;
        u.resource = ulimit_resource_from_name(name);
        if (u.resource < 0)
                return error_set(ret_error, -EINVAL, "invalid ulimit type: %s", name);

        values = eq + 1;
        colon = strchr(values, ':');
        if (colon && strchr(colon + 1, ':'))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "too many limit value arguments - %s, can only have up to two, `soft[:hard]`",
                        values);
        soft_text = colon ? strndup(values, colon - values) : strdup(values);
        if (!soft_text)
                return -ENOMEM;
        if (parse_limit(soft_text, &u.soft) < 0)
                return error_set(ret_error, -EINVAL, "invalid ulimit soft value: %s", soft_text);
        u.hard = u.soft;
        if (colon && parse_limit(colon + 1, &u.hard) < 0)
                return error_set(ret_error, -EINVAL, "invalid ulimit hard value: %s", colon + 1);
        if (u.soft > u.hard)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "ulimit soft limit must be less than or equal to hard limit: %s > %s",
                        soft_text,
                        colon + 1);
        *ret = u;
        return 0;
}

static void limit_to_string(uint64_t v, char *buf, size_t size) {
        if (v == RLIM_INFINITY)
                (void)snprintf(buf, size, "-1");
        else
                (void)snprintf(buf, size, "%" PRIu64, v);
}

char *ulimit_spec_to_string(const UlimitSpec *u, char *ret) {
        char soft[24], hard[24];

        limit_to_string(u->soft, soft, sizeof(soft));
        limit_to_string(u->hard, hard, sizeof(hard));
        (void)snprintf(
                ret, ULIMIT_STRING_MAX, "%s=%s:%s", ulimit_resource_to_name(u->resource) ?: "?", soft, hard);
        return ret;
}
