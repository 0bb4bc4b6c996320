/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "manager.h"

#define BERTH_VOLUME_PREFIX "/org/berth/berth1/volume"
#define BERTH_VOLUME_IFACE "org.berth.berth1.Volume"

extern const sd_bus_vtable bus_volume_vtable[];

/* /org/berth/berth1/volume/<name>: fallback vtable, find function, node enumerator. */
int bus_volume_register(Manager *m);

/* The Manager's VolumeNew / VolumeRemoved signals. */
void bus_volume_emit_new(Manager *m, const char *name);
void bus_volume_emit_removed(Manager *m, const char *name);

/* The Container property Mounts (dbus/org.berth.berth1.Container.xml). */
int bus_container_property_get_mounts(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error);

/* GetDiskUsage's volumes: "a(sut)" of name, number of containers using it, bytes. */
int bus_volume_append_disk_usage(sd_bus_message *reply, Manager *m);

/* The Manager's volume methods. */
int bus_volume_method_create(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_volume_method_list(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_volume_method_get(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_volume_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error);
int bus_volume_method_prune(sd_bus_message *m, void *userdata, sd_bus_error *error);
