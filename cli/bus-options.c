/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-options.h"

int bus_append_strv_option(sd_bus_message *m, const char *key, char **value) {
        int r;

        if (!value)
                return 0;
        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "as");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, value);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}
