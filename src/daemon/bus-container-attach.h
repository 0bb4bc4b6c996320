/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Container.Attach(a{sv}) → h and Container.Exec(as, a{sv}) → h, for bus_container_vtable. */
int bus_container_method_attach(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_container_method_exec(sd_bus_message *m, void *userdata, sd_bus_error *error);
