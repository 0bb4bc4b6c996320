/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "error-set.h"

int error_set(char **error, int r, const char *format, ...) {
        va_list ap;

        if (error && !*error) {
                va_start(ap, format);
                if (vasprintf(error, format, ap) < 0)
                        *error = NULL;
                va_end(ap);
        }
        return r;
}
