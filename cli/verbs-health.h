/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The health check in the CLI: its CreateContainer options, ps's STATUS and inspect's State.Health and
 * Config.Healthcheck. */

#include <cjson/cJSON.h>
#include <systemd/sd-bus.h>

#include "health-flags.h"
#include "output.h"

/* Appends the {sv} entries of the flags given to an open a{sv} of CreateContainer. */
int health_append_create_options(sd_bus_message *m, const HealthFlags *f);

/* Docker's STATUS suffix of a running container: " (healthy)", " (unhealthy)", " (health: starting)";
 * status gets it appended (within FORMAT_BUF) when health is set. */
void health_append_status(char status[static FORMAT_BUF], const char *health);

/* Adds State.Health ({Status, FailingStreak, Log}) and Config.Healthcheck to an inspect object, from
 * the container's properties (p, from GetAll) and its HealthLog; nothing without a check. */
int health_inspect_json(sd_bus *bus, const char *path, const cJSON *p, cJSON *state, cJSON *config);
