/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Manager.PushImage(s reference, a{sv} options) → o transfer: a Transfer (bus-transfer.h) of type "push"
 * whose worker runs image_store_push() with the registry settings of daemon.json. Option: "auth" (s,
 * Docker config.json's "auth" value for the registry; the CLI reads config.json, berthd never reads users'
 * homes). */

#include <systemd/sd-bus.h>

int bus_push_method_push_image(sd_bus_message *msg, void *userdata, sd_bus_error *error);
