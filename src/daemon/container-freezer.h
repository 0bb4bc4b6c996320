/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pause and unpause. systemd's FreezeUnit/ThawUnit where systemd can freeze (pure cgroup v2); on a
 * hybrid layout it answers "does not support freezing", and the cgroup v1 freezer hierarchy does it:
 * berth-runtime puts the container into /sys/fs/cgroup/freezer/berth.slice/<unit>/ and berthd writes
 * FROZEN/THAWED to its freezer.state. */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "container.h"

#define FREEZER_V1_ROOT "/sys/fs/cgroup/freezer"

int container_pause(Container *c, sd_bus_message *request, sd_bus_error *error);
int container_unpause(Container *c, sd_bus_message *request, sd_bus_error *error);
/* Before a stop, kill or forced removal: a frozen container could not act on its signals. */
void container_thaw_for_stop(Container *c);
/* The answer to unit_freeze(): error NULL on success. */
void container_freeze_done(Container *c, sd_bus_message *request, bool freeze, const sd_bus_error *error);

/* Removes the container's v1 freezer cgroup once the unit has stopped (berth-runtime's ExecStopPost
 * tries first; a process still dying may keep it busy then). */
void container_freezer_cleanup(Container *c);

/* Writes FROZEN or THAWED to dir/freezer.state and waits (bounded) until it reads back. */
int freezer_v1_set(const char *dir, bool freeze);
