/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "container.h"
#include "manager.h"

extern const sd_bus_vtable bus_container_vtable[];

/* The fallback vtable, find function and node enumerator of /org/berth/berth1/container/<id>. */
int bus_container_register(Manager *m);
/* PropertiesChanged for State, ExitCode, Pid, StartedAt, FinishedAt. */
void bus_container_emit_changed(Container *c);
