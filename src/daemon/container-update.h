/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth update: new resource limits and restart policy for a container. The limits of a running
 * container change at once (SetUnitProperties of its unit, runtime only: the unit is transient) and
 * are kept in state.json for its next starts. A new restart policy waits for the next start: systemd
 * cannot change Restart= of a loaded unit ("Cannot set property Restart"). */

#include <systemd/sd-bus.h>

#include "container-resources.h"
#include "container.h"

/* Checks the update with Docker's rules, then answers request once it is applied (or with an error). */
int container_update(
        Container *c,
        const ContainerResourcesOptions *o,
        const char *restart_policy,
        sd_bus_message *request,
        sd_bus_error *error);
