/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The only systemd client in berthd: the container units' life cycle over org.freedesktop.systemd1.
 * Results come back through the container_unit_*() / container_start_*() calls of
 * container-lifecycle.h. */

#include "container.h"
#include "manager.h"

/* Subscribe() and the JobRemoved / UnitRemoved matches; once at start, before any unit is started. */
int unit_manager_attach(Manager *m);

/* Watches PropertiesChanged of the container's unit (idempotent). Must precede the start. */
int unit_watch(Container *c);
void unit_unwatch(Container *c);

/* StartTransientUnit of berth-<name>.service with the properties of contract (4); uses c->start_fds
 * when they are set. */
int unit_start(Container *c);
/* Asks for the unit's ActiveState now; the answer arrives as container_unit_active_state(). */
int unit_query_state(Container *c);
int unit_stop(Container *c);
/* KillUnit; when request is not NULL it is answered (empty or with systemd's error). */
int unit_kill(Container *c, const char *whom, int signo, sd_bus_message *request);
/* ResetFailedUnit, so that a failed unit of a previous run is collected. */
int unit_reset_failed(Container *c);

/* Freeze/Thaw of the unit (cgroup v2); the answer goes to container_freeze_done(). */
int unit_freeze(Container *c, bool freeze, sd_bus_message *request);
/* GetUnitProcesses: answers request with a(us), pid and command line, without berth-runtime. */
int unit_get_processes(Container *c, sd_bus_message *request);
/* The unit's accounting: answers request through container_stats_reply(). */
int unit_get_stats(Container *c, sd_bus_message *request);
/* SetUnitProperties (runtime) of the resource properties in mask (container-resources.h); callback gets
 * systemd's reply with userdata. */
int unit_set_resource_properties(
        Container *c,
        const ContainerResources *resources,
        uint32_t mask,
        const ResourceHost *host,
        sd_bus_message_handler_t callback,
        void *userdata);
