/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-util.h"
#include "bus-errors.h"
#include "strv.h"

int bus_read_string(sd_bus_message *m, const char *what, const char **ret, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(m, "s", &s);
        if (r < 0)
                return r;
        if (strlen(s) > BUS_STRING_MAX)
                return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "%s is too long", what);
        *ret = s;
        return 0;
}

int bus_read_strv(sd_bus_message *m, const char *what, char ***ret, sd_bus_error *error) {
        _cleanup_strv_free_ char **l = NULL;
        int r;

        r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        if (strv_length(l) > BUS_STRV_MAX)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "%s has too many entries", what);
        STRV_FOREACH (s, l)
                if (strlen(*s) > BUS_STRING_MAX)
                        return sd_bus_error_setf(
                                error, BERTH_ERROR_INVALID_ARGUMENT, "%s has an entry too long", what);
        *ret = TAKE_PTR(l);
        return 0;
}
