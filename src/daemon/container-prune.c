/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container-prune.h"
#include "container-lifecycle.h"
#include "container-size.h"
#include "log.h"
#include "strv.h"

int manager_prune_containers(Manager *m, sd_bus_message *request, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **ids = NULL;
        uint64_t space = 0;
        int r;

        for (Container *c = m->containers, *next; c; c = next) {
                next = c->next;
                if ((c->state != CONTAINER_EXITED && c->state != CONTAINER_CREATED) || c->start_request)
                        continue;
                r = strv_extend(&ids, c->id);
                if (r < 0)
                        return r;
                space += container_size_rw(c);
                log_info("Pruning container %s.", c->id);
                container_destroy(c);
        }

        r = sd_bus_message_new_method_return(request, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_append_strv(reply, ids);
        if (r < 0)
                return r;
        r = sd_bus_message_append(reply, "t", space);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}
