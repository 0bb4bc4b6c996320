/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Manager.PullImage(s reference, a{sv} options) → o transfer: a Transfer (bus-transfer.h) whose worker runs
 * image_store_pull() with the registry settings of daemon.json. Options: "platform" (s, "os/arch[/variant]")
 * and "auth" (s, Docker config.json's "auth" value for the registry; the CLI reads config.json, berthd never
 * reads users' homes). */

#include <systemd/sd-bus.h>

int bus_pull_method_pull_image(sd_bus_message *msg, void *userdata, sd_bus_error *error);
