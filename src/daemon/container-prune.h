/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "manager.h"

/* PruneContainers: removes every container that is not running (exited or created) and answers with
 * their ids and the bytes their writable layers took. */
int manager_prune_containers(Manager *m, sd_bus_message *request, sd_bus_error *error);
