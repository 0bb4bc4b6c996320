/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "container.h"
#include "manager.h"

extern const sd_bus_vtable bus_manager_vtable[];

/* Registers the error map and every object: the manager, containers and images. */
int bus_manager_register(Manager *m);

void bus_manager_emit_container_new(Manager *m, Container *c);
void bus_manager_emit_container_removed(Manager *m, Container *c);
