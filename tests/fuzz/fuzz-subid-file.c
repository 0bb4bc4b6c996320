/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subid-range.h"

/* /etc/subuid text: the ranges of "berth" parse, lie within the id space and never include 0; a range
 * allocated among them is inside one of them and disjoint from those already taken. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        SubidRange *ranges = NULL, used[8];
        size_t n = 0, n_used = 0;
        uint32_t start;

        if (subid_ranges_parse((const char *)data, size, "berth", &ranges, &n, NULL) < 0)
                return 0;
        for (size_t i = 0; i < n; i++)
                if (ranges[i].start == 0 || ranges[i].count == 0 ||
                    (uint64_t)ranges[i].start + ranges[i].count > UINT32_MAX)
                        abort();
        for (uint32_t count = 1; n_used < 8; count *= 7) {
                bool inside = false;

                if (subid_range_allocate(ranges, n, used, n_used, count, &start) < 0)
                        break;
                for (size_t i = 0; i < n; i++)
                        inside = inside ||
                                 (start >= ranges[i].start &&
                                  (uint64_t)start + count <= (uint64_t)ranges[i].start + ranges[i].count);
                if (!inside)
                        abort();
                for (size_t i = 0; i < n_used; i++)
                        if ((uint64_t)start + count > used[i].start &&
                            start < (uint64_t)used[i].start + used[i].count)
                                abort();
                used[n_used++] = (SubidRange){.start = start, .count = count};
        }
        free(ranges);
        return 0;
}
