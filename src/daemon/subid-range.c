/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "subid-range.h"

/* A decimal number without sign, spaces or leading zeros, as shadow writes it. */
static int parse_u32(const char *s, size_t n, uint32_t *ret) {
        uint64_t v = 0;

        if (n == 0 || n > 10 || (n > 1 && s[0] == '0'))
                return -EINVAL;
        for (size_t i = 0; i < n; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (uint64_t)(s[i] - '0');
        }
        if (v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t)v;
        return 0;
}

static int parse_line(const char *line, size_t n, const char *owner, bool *ret_match, SubidRange *ret) {
        const char *c1 = memchr(line, ':', n), *c2;
        uint32_t start, count;

        *ret_match = false;
        if (!c1)
                return strlen(owner) == n && memcmp(line, owner, n) == 0 ? -EINVAL : 0;
        if ((size_t)(c1 - line) != strlen(owner) || memcmp(line, owner, (size_t)(c1 - line)) != 0)
                return 0;
        *ret_match = true;
        c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line));
        if (!c2 || parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), &start) < 0 ||
            parse_u32(c2 + 1, n - (size_t)(c2 + 1 - line), &count) < 0)
                return -EINVAL;
        /* uid (uid_t) -1 is no id; 0 is the host's root, never anyone's subordinate. */
        if (count == 0 || start == 0 || (uint64_t)start + count > UINT32_MAX)
                return -EINVAL;
        *ret = (SubidRange){.start = start, .count = count};
        return 0;
}

int subid_ranges_parse(
        const char *text,
        size_t size,
        const char *owner,
        SubidRange **ret,
        size_t *ret_n,
        unsigned *ret_line) {
        _cleanup_free_ SubidRange *ranges = NULL;
        size_t n = 0;
        unsigned line_no = 0;

        if (isempty(owner) || size > SUBID_FILE_MAX)
                return -EINVAL;
        for (const char *p = text, *end = text + size; p < end;) {
                const char *nl = memchr(p, '\n', (size_t)(end - p));
                size_t len = (size_t)((nl ?: end) - p);
                SubidRange range;
                bool match;

                line_no++;
                if (len > 0 && p[0] != '#') {
                        if (memchr(p, 0, len) || parse_line(p, len, owner, &match, &range) < 0) {
                                if (ret_line)
                                        *ret_line = line_no;
                                return -EINVAL;
                        }
                        if (match) {
                                SubidRange *t;

                                if (n >= SUBID_RANGES_MAX)
                                        return -E2BIG;
                                t = reallocarray(ranges, n + 1, sizeof(SubidRange));
                                if (!t)
                                        return -ENOMEM;
                                ranges = t;
                                ranges[n++] = range;
                        }
                }
                p += len + 1;
        }
        *ret = TAKE_PTR(ranges);
        *ret_n = n;
        return 0;
}

/* The end (exclusive) of the used range overlapping [start, start + count), or 0 when none does. */
static uint64_t overlap_end(const SubidRange *used, size_t n_used, uint64_t start, uint32_t count) {
        uint64_t end = 0;

        for (size_t i = 0; i < n_used; i++) {
                uint64_t u_start = used[i].start, u_end = u_start + used[i].count;

                if (u_start < start + count && start < u_end && u_end > end)
                        end = u_end;
        }
        return end;
}

int subid_range_allocate(
        const SubidRange *available,
        size_t n_available,
        const SubidRange *used,
        size_t n_used,
        uint32_t count,
        uint32_t *ret_start) {
        uint64_t best = UINT64_MAX;

        if (count == 0)
                return -EINVAL;
        for (size_t i = 0; i < n_available; i++) {
                uint64_t start = available[i].start, end = start + available[i].count;

                /* Step past each range in the way; every step moves start forward. */
                while (start + count <= end) {
                        uint64_t next = overlap_end(used, n_used, start, count);
                        if (next == 0)
                                break;
                        start = next;
                }
                if (start + count <= end && start < best)
                        best = start;
        }
        if (best == UINT64_MAX)
                return -ENOSPC;
        *ret_start = (uint32_t)best;
        return 0;
}
