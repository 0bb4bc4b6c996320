/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <math.h>
#include <string.h>

#include "macro.h"
#include "parse-size.h"

int parse_size(const char *s, uint64_t *ret) {
        static const char units[] = "kmgtp";
        const char *p = s, *u;
        double number, factor = 1;
        char *end;

        if (isempty(s) || *s < '0' || *s > '9')
                return -EINVAL;
        /* Digits, and optionally one "." followed by digits; strtod alone would take exponents and hex. */
        p += strspn(p, "0123456789");
        if (*p == '.') {
                if (p[1] < '0' || p[1] > '9')
                        return -EINVAL;
                p++;
                p += strspn(p, "0123456789");
        }
        errno = 0;
        number = strtod(s, &end);
        if (errno != 0 || end != p)
                return -EINVAL;

        if (*p == ' ')
                p++;
        if (*p && (u = strchr(units, *p | 0x20))) {
                for (const char *x = units; x <= u; x++)
                        factor *= 1024;
                p++;
        }
        if (*p == 'i' || *p == 'I')
                p++;
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p)
                return -EINVAL;

        number *= factor;
        if (number >= 9223372036854775808.0)
                return -ERANGE;
        *ret = (uint64_t)number;
        return 0;
}
