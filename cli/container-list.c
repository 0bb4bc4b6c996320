/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "bus-util.h"
#include "container-list.h"
#include "log.h"

int container_list_fetch(
        sd_bus *bus, bool all, sd_bus_message **ret_reply, ContainerRow **ret_rows, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ ContainerRow *rows = NULL;
        size_t n = 0;
        int r;

        r = bus_call(
                bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ListContainers", 0, NULL, &reply, "b", all);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "(sssssstttiuos)");
        while (r >= 0) {
                ContainerRow row, *a;

                r = sd_bus_message_read(
                        reply,
                        "(sssssstttiuos)",
                        &row.id,
                        &row.name,
                        &row.image,
                        &row.image_id,
                        &row.command,
                        &row.state,
                        &row.created,
                        &row.started,
                        &row.finished,
                        &row.exit_code,
                        &row.pid,
                        &row.path,
                        &row.health);
                if (r <= 0)
                        break;
                a = realloc(rows, sizeof(ContainerRow) * (n + 1));
                if (!a)
                        return log_oom();
                rows = a;
                rows[n++] = row;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to parse the container list: %m");

        *ret_reply = TAKE_PTR(reply);
        *ret_rows = TAKE_PTR(rows);
        *ret_n = n;
        return 0;
}
