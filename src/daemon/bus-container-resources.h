/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The resource options of CreateContainer and Container.Update (Docker's HostConfig fields), the
 * Container properties that show them, OOMKilled, and the Update method. */

#include <stddef.h>
#include <systemd/sd-bus.h>

#include "container-resources.h"
#include "container.h"

/* An entry of an options a{sv}: 1 when key is a resource option (read into o), 0 when it is not one
 * (nothing read), or InvalidArgument for a value of the wrong type. */
int bus_read_resource_option(
        sd_bus_message *m, const char *key, ContainerResourcesOptions *o, sd_bus_error *error);

/* Memory, MemorySwap, …, CpusetCpus and OOMKilled of the Container interface. */
int bus_container_property_get_resource(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error);

/* Update(a{sv} options): the resource options and RestartPolicy. */
int bus_container_method_update(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* PropertiesChanged of the resource properties, after an update. */
void bus_container_emit_resources_changed(Container *c);

#define BUS_CONTAINER_RESOURCE_PROPERTY(name, type)                                                         \
        SD_BUS_PROPERTY(                                                                                    \
                name, type, bus_container_property_get_resource, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE)

/* The Container interface's resource properties, for its vtable. */
#define BUS_CONTAINER_RESOURCE_PROPERTIES                                                                   \
        BUS_CONTAINER_RESOURCE_PROPERTY("Memory", "x"), BUS_CONTAINER_RESOURCE_PROPERTY("MemorySwap", "x"), \
                BUS_CONTAINER_RESOURCE_PROPERTY("MemoryReservation", "x"),                                  \
                BUS_CONTAINER_RESOURCE_PROPERTY("NanoCpus", "x"),                                           \
                BUS_CONTAINER_RESOURCE_PROPERTY("CpuShares", "x"),                                          \
                BUS_CONTAINER_RESOURCE_PROPERTY("CpuQuota", "x"),                                           \
                BUS_CONTAINER_RESOURCE_PROPERTY("CpuPeriod", "x"),                                          \
                BUS_CONTAINER_RESOURCE_PROPERTY("CpusetCpus", "s"),                                         \
                BUS_CONTAINER_RESOURCE_PROPERTY("PidsLimit", "x"),                                          \
                BUS_CONTAINER_RESOURCE_PROPERTY("BlkioWeight", "x"),                                        \
                BUS_CONTAINER_RESOURCE_PROPERTY("OOMKilled", "b"),                                          \
                SD_BUS_PROPERTY(                                                                            \
                        "ResourceWarnings",                                                                 \
                        "as",                                                                               \
                        NULL,                                                                               \
                        offsetof(Container, resource_warnings),                                             \
                        SD_BUS_VTABLE_PROPERTY_CONST)
