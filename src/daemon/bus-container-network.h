/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The network properties of org.berth.berth1.Container (the vtable entries are in bus-container.c). */

#include <systemd/sd-bus.h>

/* NetworkMode, PortBindings (as asked for: proto, host IP, host port range, container port) and, while
 * it runs, what berth-network set up: IPAddress, IPPrefixLen, Gateway, MacAddress, Ports (proto, host IP,
 * host port, container port); empty values otherwise. Networks: every network it is on (name, aliases,
 * and while it runs its address, prefix length, gateway and MAC address there). */
int bus_container_property_get_network(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error);
