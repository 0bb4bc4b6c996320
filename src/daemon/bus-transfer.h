/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Image transfers, like systemd-importd's: Manager.PullImage() returns at once a Transfer object
 * /org/berth/berth1/transfer/<n> (interface org.berth.berth1.Transfer); the pull itself runs in a worker
 * process, so berthd's event loop never waits for the registry. When it ends the Transfer emits
 * Finished(image_id, manifest_digest, error) and goes away (Manager.TransferRemoved). */

#include <systemd/sd-bus.h>

#include "manager.h"

#define BERTH_TRANSFER_PREFIX "/org/berth/berth1/transfer"
#define BERTH_TRANSFER_IFACE "org.berth.berth1.Transfer"

extern const sd_bus_vtable bus_transfer_vtable[];

int bus_transfer_method_pull(sd_bus_message *msg, void *userdata, sd_bus_error *error);
