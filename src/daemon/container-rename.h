/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "container.h"

/* Rename(new_name): validated as a create's name. A running container's unit keeps its old name until
 * the next start (a unit cannot be renamed); a stopped one gets berth-<new name>.service at once. */
int container_rename(Container *c, const char *new_name, sd_bus_error *error);
/* Before a start: the unit of the current name, once the unit of a former name is gone. */
int container_rename_apply_unit(Container *c);
