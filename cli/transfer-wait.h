/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Following a Transfer of berthd (Manager.PullImage, Manager.PushImage): the call answers with the
 * Transfer's path, its LayerProgress signals report each layer and Finished the result. Signals may come
 * before the call's answer, so they are subscribed to first and kept until the path is known. Ctrl-C asks
 * berthd to cancel the transfer; a second Ctrl-C stops waiting. */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#define TRANSFER_IFACE "org.berth.berth1.Transfer"

/* One LayerProgress of our transfer, in order; a negative return stops the wait with it. */
typedef int (*TransferLayerFunction)(
        const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata);

typedef struct TransferResult {
        char *image_id;
        char *digest;
        bool updated;
        char *error; /* "" on success */
} TransferResult;

void transfer_result_done(TransferResult *r);

/* Sends call (a Manager method answering "o transfer") and waits for the transfer's end. A failed call is
 * printed and returned; -EINTR after Ctrl-C. berthd going away ends the wait with the error "berthd
 * stopped during the <what>" in ret. */
int transfer_call_and_wait(
        sd_bus *bus,
        sd_bus_message *call,
        const char *what,
        TransferLayerFunction on_layer,
        void *userdata,
        TransferResult *ret);

/* The names docker pull and push print for an argument: "busybox" → "busybox:latest" (tag or digest
 * kept when given) and Docker's full name "docker.io/library/busybox:latest". */
int transfer_reference_names(const char *arg, char **ret_with_tag, char **ret_full);
