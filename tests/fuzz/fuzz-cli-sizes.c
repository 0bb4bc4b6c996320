/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "container-resources.h"
#include "parse-flags.h"
#include "parse-size.h"
#include "resource-flags.h"
#include "time-parse.h"

/* 2026-11-22T00:00:00Z, the "now" of the durations before now. */
#define NOW_USEC UINT64_C(1795305600000000)

/* The values of the resource and time flags: --memory (Docker's sizes), --cpus, --cpuset-cpus (as berthd
 * reads it), stop -t and the durations and timestamps of logs/events --since. The input is one value. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        uint8_t mask[RESOURCE_CPUS_MAX / 8];
        _cleanup_free_ char *s = NULL;
        uint64_t u;
        int64_t v;
        size_t bytes;

        if (memchr(data, 0, size))
                return 0;
        s = strndup((const char *)data, size);
        if (!s)
                return 0;

        if (parse_size(s, &u) >= 0) {
                if (u > INT64_MAX)
                        abort();
                /* Plain digits are bytes (exactly, below the 2^53 of a double). */
                if (strspn(s, "0123456789") == size && size < 16 && u != strtoull(s, NULL, 10))
                        abort();
        }
        if (parse_nano_cpus(s, &v) >= 0 && s[0] != '-' && v < 0)
                abort();
        if (parse_duration_usec(s, &u) >= 0 && strspn(s, "0123456789") == size && size < 10 &&
            u != strtoull(s, NULL, 10) * 1000000)
                abort();
        (void)parse_stop_timeout(s, &u);
        (void)parse_timestamp_usec(s, NOW_USEC, &u);
        if (cpuset_parse(s, mask, &bytes) >= 0 && bytes > sizeof(mask))
                abort();
        return 0;
}
