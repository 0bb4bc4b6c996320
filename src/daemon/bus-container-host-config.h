/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The HostConfig properties of org.berth.berth1.Container (the vtable entries are in bus-container.c). */

#include <systemd/sd-bus.h>

/* Devices (as, "HOST:CONTAINER:PERMISSIONS"), Privileged (b), GroupAdd (as), Ulimits (as,
 * "NAME=SOFT:HARD", -1 unlimited), Sysctls (a{ss}), ShmSize (t, bytes), Init (b): by the property's name. */
int bus_container_property_get_host_config(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error);
