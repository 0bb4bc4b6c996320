/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Subordinate id ranges: /etc/subuid and /etc/subgid ("name:start:count" lines, shadow's subuid(5)), and
 * the first-fit allocation of a container's range among those already given out. Pure logic. */

#define SUBID_FILE_MAX (1024U * 1024U)
#define SUBID_RANGES_MAX 1024U

typedef struct SubidRange {
        uint32_t start;
        uint32_t count;
} SubidRange;

/* The ranges of owner (a user name, or its uid as a decimal string) in the text of a subid file. Lines of
 * other owners are skipped, blank lines and "#" comments too. A line of owner that is malformed, empty,
 * past the last id or including id 0 (the host's root) is -EINVAL, and *ret_line says which. */
int subid_ranges_parse(
        const char *text,
        size_t size,
        const char *owner,
        SubidRange **ret,
        size_t *ret_n,
        unsigned *ret_line);

/* The lowest start of count consecutive ids inside one of available that overlaps none of used.
 * -ENOSPC when there is none, -EINVAL for a count of 0. */
int subid_range_allocate(
        const SubidRange *available,
        size_t n_available,
        const SubidRange *used,
        size_t n_used,
        uint32_t count,
        uint32_t *ret_start);
