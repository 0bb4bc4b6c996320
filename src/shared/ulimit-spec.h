/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <sys/resource.h>

/* Docker's --ulimit NAME=SOFT[:HARD] (go-units ParseUlimit) and the OCI names of the limits
 * (process.rlimits[].type, "RLIMIT_NOFILE"). -1 means unlimited and is kept as RLIM_INFINITY. */

typedef struct UlimitSpec {
        int resource; /* RLIMIT_* */
        uint64_t soft, hard;
} UlimitSpec;

/* "nofile" → RLIMIT_NOFILE; -EINVAL when unknown. */
int ulimit_resource_from_name(const char *name);
const char *ulimit_resource_to_name(int resource);
/* "RLIMIT_NOFILE" ↔ RLIMIT_NOFILE. */
int ulimit_resource_from_oci_name(const char *name);
const char *ulimit_resource_to_oci_name(int resource);

/* On -EINVAL ret_error has Docker's words ("invalid ulimit type: foo", …). */
int ulimit_spec_parse(const char *s, UlimitSpec *ret, char **ret_error);

/* "nofile=1024:2048", as Docker's CLI takes it; ret must hold ULIMIT_STRING_MAX bytes. */
#define ULIMIT_STRING_MAX 64U
char *ulimit_spec_to_string(const UlimitSpec *u, char *ret);
