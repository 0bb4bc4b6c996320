/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Building the a{sv} options of a call from parsed flags. */

#include <systemd/sd-bus.h>

/* Appends the a{sv} entry key → as value to m; nothing when value is NULL (the option not given). */
int bus_append_strv_option(sd_bus_message *m, const char *key, char **value);
