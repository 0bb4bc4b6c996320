/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "image-filter.h"
#include "log.h"
#include "macro.h"
#include "search-filter.h"

int search_filter_add(SearchFilter *f, const char *arg) {
        const char *eq = strchr(arg, '='), *value;
        size_t k;

        if (!eq || eq == arg)
                return log_error_errno(
                        EINVAL,
                        "invalid argument \"%s\" for \"-f, --filter\" flag: bad format of filter (expected "
                        "name=value)",
                        arg);
        k = (size_t)(eq - arg);
        value = eq + 1;

        if (k == 5 && strncmp(arg, "stars", k) == 0) {
                char *end;
                unsigned long long n;

                errno = 0;
                n = strtoull(value, &end, 10);
                if (errno != 0 || end == value || *end || *value == '-')
                        return log_error_errno(
                                EINVAL, "Error response from daemon: invalid filter 'stars=%s'", value);
                f->min_stars = n;
                return 0;
        }
        if (k == 11 && strncmp(arg, "is-official", k) == 0) {
                if (filter_parse_bool(value, &f->official) < 0)
                        return log_error_errno(
                                EINVAL,
                                "Error response from daemon: invalid filter 'is-official=%s'",
                                value);
                return 0;
        }
        if (k == 12 && strncmp(arg, "is-automated", k) == 0) {
                if (filter_parse_bool(value, &f->automated) < 0)
                        return log_error_errno(
                                EINVAL,
                                "Error response from daemon: invalid filter 'is-automated=%s'",
                                value);
                return 0;
        }
        return log_error_errno(EINVAL, "Error response from daemon: invalid filter '%.*s'", (int)k, arg);
}

bool search_filter_match(const SearchFilter *f, uint64_t stars, bool official, bool automated) {
        return stars >= f->min_stars && (f->official < 0 || f->official == official) &&
               (f->automated < 0 || f->automated == automated);
}
