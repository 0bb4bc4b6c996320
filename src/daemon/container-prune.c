/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ftw.h>
#include <stdio.h>

#include "container-lifecycle.h"
#include "container-prune.h"
#include "log.h"
#include "strv.h"

static uint64_t du_total;

static int du_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type == FTW_F || type == FTW_SL)
                du_total += (uint64_t)st->st_blocks * 512U;
        return 0;
}

/* The disk the container's writable layer takes (Docker's "reclaimed space"). Single-threaded. */
static uint64_t upper_dir_size(const Container *c) {
        _cleanup_free_ char *upper = NULL;

        if (asprintf(&upper, "%s/upper", c->bundle) < 0)
                return 0;
        du_total = 0;
        (void)nftw(upper, du_one, 16, FTW_PHYS);
        return du_total;
}

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
                space += upper_dir_size(c);
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
