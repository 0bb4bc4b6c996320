/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The Manager: berthd's whole state — the containers, the image store, the bus and the event loop. */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "container.h"
#include "image-store.h"

typedef struct CreateCall CreateCall;

struct Manager {
        sd_event *event;
        sd_bus *bus;
        char *state_dir;
        ImageStore *image_store;

        Container *containers;
        /* Creates waiting for their volumes' copy-up (bus-container-create.c): their containers are not
         * visible yet, but their names are taken and their volumes in use. */
        Container *creating;
        CreateCall *create_calls;
        bool first_start_after_boot; /* no flag in the run directory yet: apply restart policies */

        sd_bus_slot *job_removed_slot;
        sd_bus_slot *unit_removed_slot;
};

int manager_new(sd_event *event, sd_bus *bus, const char *state_dir, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Reads containers/<id>/state.json of every container, collects leftovers of interrupted creates and
 * re-attaches to the units of running containers. */
int manager_load_containers(Manager *m);

void manager_add_container(Manager *m, Container *c);
/* Unlinks c from the manager (it is not freed). */
void manager_unlink_container(Manager *m, Container *c);

Container *manager_get_container_by_id(Manager *m, const char *id);
Container *manager_get_container_by_name(Manager *m, const char *name);
Container *manager_get_container_by_job(Manager *m, const char *job);
Container *manager_get_container_by_unit(Manager *m, const char *unit);
/* Docker's lookup: full id, then name, then unique id prefix. -ENOENT or -ENOTUNIQ. */
int manager_find_container(Manager *m, const char *name_or_id, Container **ret);
