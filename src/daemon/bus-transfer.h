/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Image transfers, like systemd-importd's: a method (Manager.PullImage, …) returns at once a Transfer
 * object /org/berth/berth1/transfer/<n> (interface org.berth.berth1.Transfer); the work runs in a worker
 * process (worker.h), so berthd's event loop never waits for a registry. The worker reports per-layer
 * progress with transfer_on_layer_progress(); the Transfer turns it into LayerProgress signals and its
 * BytesDone/BytesTotal/Progress properties. When the work ends the Transfer emits Finished(image_id,
 * manifest_digest, updated, error) and goes away (Manager.TransferRemoved). */

#include <systemd/sd-bus.h>

#include "manager.h"
#include "worker.h"

#define BERTH_TRANSFER_PREFIX "/org/berth/berth1/transfer"
#define BERTH_TRANSFER_IFACE "org.berth.berth1.Transfer"

extern const sd_bus_vtable bus_transfer_vtable[];

/* Starts run(userdata) in a worker as a Transfer of type ("pull", "push") for reference; free_userdata
 * (may be NULL) is called on userdata in berthd when the transfer is gone. run's result text on success:
 * "<image id> <manifest digest> <updated: 0 or 1>". ret_path: the object path. */
int transfer_start(
        Manager *m,
        const char *type,
        const char *reference,
        WorkerFunction run,
        void *userdata,
        void (*free_userdata)(void *),
        char **ret_path);

/* In the worker: the state of one layer (blob digest, Docker's status text, bytes done and total). The
 * shape of a pull's and a push's progress callback; userdata is unused. */
void transfer_on_layer_progress(
        const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata);
