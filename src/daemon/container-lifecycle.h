/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container state machine created → running → exited (→ removed): what each D-Bus verb does and
 * what each systemd event means for the container. Replies to the callers that wait for an outcome. */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "container.h"

/* Verbs. Each either replies to request itself (now or later) and returns >= 0, or returns < 0 with
 * error set, for the bus layer to send. */
int container_start(Container *c, sd_bus_message *request, const int fds[3], sd_bus_error *error);
int container_stop(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
int container_kill(Container *c, int signo, sd_bus_message *request, sd_bus_error *error);
int container_remove(Container *c, bool force, sd_bus_message *request, sd_bus_error *error);
int container_wait(Container *c, sd_bus_message *request, sd_bus_error *error);

/* Deletes the container: bundle, object, record (container prune, rm). c is freed. */
void container_destroy(Container *c);

/* After a daemon start: find out what became of the unit of a container that was running. */
int container_reattach(Container *c);

/* Events from the unit manager. */
void container_start_failed(Container *c, const char *message);
void container_start_job_done(Container *c, const char *result);
void container_unit_active_state(Container *c, const char *active_state);
void container_unit_removed(Container *c);
