/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Networks on the bus: Manager.CreateNetwork, ListNetworks, GetNetwork, RemoveNetwork, PruneNetworks,
 * the NetworkNew/NetworkRemoved signals, and objects /org/berth/berth1/network/<name>
 * (org.berth.berth1.Network) for the predefined networks (bridge, host, none) and the user networks of
 * network-store.h. */

#include <systemd/sd-bus.h>

#include "manager.h"

#define BERTH_NETWORK_PREFIX "/org/berth/berth1/network"
#define BERTH_NETWORK_IFACE "org.berth.berth1.Network"

extern const sd_bus_vtable bus_network_vtable[];

int bus_network_register(Manager *m);
/* The id of a predefined or user network (for events). -ENOENT. */
int bus_network_id(Manager *m, const char *name, char ret[static 65]);

int bus_network_method_create(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_network_method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_network_method_get(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_network_method_remove(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_network_method_prune(sd_bus_message *msg, void *userdata, sd_bus_error *error);
