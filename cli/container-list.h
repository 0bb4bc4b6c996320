/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

/* One row of Manager.ListContainers. The strings point into the reply message. */
typedef struct ContainerRow {
        const char *id, *name, *image, *image_id, *command, *state;
        uint64_t created, started, finished;
        int32_t exit_code;
        uint32_t pid;
        const char *path;
        const char *health; /* "", starting, healthy or unhealthy */
} ContainerRow;

/* Calls ListContainers; the rows stay valid as long as *ret_reply is referenced. Logs its errors. */
int container_list_fetch(
        sd_bus *bus, bool all, sd_bus_message **ret_reply, ContainerRow **ret_rows, size_t *ret_n);
