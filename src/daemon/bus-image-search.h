/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Manager.SearchImages (docker search): the registry is asked from a worker process and the call answered
 * when it is done, so berthd's loop never waits for the network. */
int bus_image_method_search(sd_bus_message *msg, void *userdata, sd_bus_error *error);
