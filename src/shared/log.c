/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

static int max_level = LOG_INFO;
static bool prefix_priority = false;
static char first_error[2048];

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

void log_set_prefix_priority(bool on) {
        prefix_priority = on;
}

void log_reset_first_error(void) {
        first_error[0] = 0;
}

const char *log_first_error(void) {
        return first_error[0] ? first_error : NULL;
}

int log_internal(
        int level, int error, const char *file, int line, const char *func, const char *format, ...) {
        va_list ap;
        char buf[2048];

        error = abs(error);
        errno = error; /* for %m */

        va_start(ap, format);
        (void)vsnprintf(buf, sizeof(buf), format, ap);
        va_end(ap);

        if (level <= LOG_ERR && !first_error[0])
                (void)snprintf(first_error, sizeof(first_error), "%s", buf);

        if (prefix_priority)
                fprintf(stderr, "<%i>%s\n", level, buf);
        else
                fprintf(stderr, "%s\n", buf);

        return -error;
}
