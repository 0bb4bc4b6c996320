/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Manager.GetDiskUsage (docker system df): the images' layers counted once, per image its size, the part
 * it shares with other images and how many containers use it, per container its writable layer. */
int bus_method_get_disk_usage(sd_bus_message *msg, void *userdata, sd_bus_error *error);
