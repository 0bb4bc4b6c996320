/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Restart policies at work (DESIGN §2): systemd restarts the unit, berthd follows it through
 * "activating (auto-restart)" as state "restarting", mirrors NRestarts, and re-applies the policies on
 * its first start after a boot. Also the verbs built on the start/stop machinery: Restart and
 * WaitCondition. */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "container-create.h"
#include "container.h"
#include "manager.h"

/* The RestartPolicy create option, checked against the others (Docker refuses it with AutoRemove). */
int container_restart_policy_validate(
        const ContainerCreateOptions *o, RestartPolicy *ret, sd_bus_error *error);

/* A unit ActiveState for a running container with no start in flight. Returns true when it was a step
 * of an automatic restart (handled here), false when the lifecycle code should look at it. */
bool container_restart_follow(Container *c, const char *active_state);
/* The unit's NRestarts changed. */
void container_unit_restarts(Container *c, uint32_t n_restarts);
/* Records that the user stopped (true) or started (false) the container; saved at once. */
void container_set_manually_stopped(Container *c, bool b);

/* Restart(timeout): stop as Stop(timeout) when running (and not only then), then start; replies once
 * the container runs again. */
int container_restart(Container *c, uint64_t timeout_usec, sd_bus_message *request, sd_bus_error *error);
/* Takes the waiters of one kind off the container, in order. */
Waiter *container_take_waiters(Container *c, WaiterKind kind);
/* After the exit that a Restart() waited for: starts again (destroyed: the container is gone). */
void container_restart_resume(Container *c, Waiter *restarters, bool destroyed);
/* Answers WaitCondition("removed") callers; the container is being destroyed. */
void container_reply_removed_waiters(Container *c);

/* WaitCondition(condition): "not-running" (as Wait), "next-exit" or "removed". */
int container_wait_condition(
        Container *c, const char *condition, sd_bus_message *request, sd_bus_error *error);

/* Whether this is berthd's first start since the machine booted (the flag file in the run
 * directory, a tmpfs, is absent); creates the flag. Sets m->first_start_after_boot. */
int manager_check_boot(Manager *m, const char *run_dir);
/* On the first start after a boot: starts, through our own Start method, the containers whose
 * policy says so. Call once the bus name is ours. */
int manager_start_at_boot(Manager *m);

/* "paused" and "restarting" are states of a running container; else the State. */
const char *container_status_to_string(const Container *c);
