/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Network.Connect(s container, a{sv} options) and Network.Disconnect(s container, b force): Docker's
 * POST /networks/{id}/connect and /disconnect. A running container's interface is made or removed by
 * berth-network in a worker; the call is answered when it is done. */

#include <systemd/sd-bus.h>

int bus_network_method_connect(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int bus_network_method_disconnect(sd_bus_message *msg, void *userdata, sd_bus_error *error);
