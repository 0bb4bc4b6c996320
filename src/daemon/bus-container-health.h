/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The health properties of org.berth.berth1.Container (the vtable entries are in bus-container.c). */

#include <systemd/sd-bus.h>

#include "container.h"

/* Health, HealthFailingStreak, HealthLog, HealthTest, HealthInterval, HealthTimeout, HealthStartPeriod,
 * HealthRetries, HealthOnFailure: by the property's name; empty values without a check. */
int bus_container_property_get_health(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error);

/* PropertiesChanged for HealthFailingStreak and HealthLog (invalidated), and Health when status_changed. */
void bus_container_emit_health_changed(Container *c, bool status_changed);
