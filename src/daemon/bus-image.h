/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "manager.h"

extern const sd_bus_vtable bus_image_vtable[];

/* /org/berth/berth1/image/<hex id>: fallback vtable, find function, node enumerator. */
int bus_image_register(Manager *m);

/* The Manager's image methods. */
int bus_image_method_get(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_image_method_list(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_image_method_load(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_image_method_import(sd_bus_message *m, void *userdata, sd_bus_error *error);
