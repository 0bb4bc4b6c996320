/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "container-rename.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "container-create.h"
#include "container-name.h"
#include "container-state-file.h"
#include "events.h"
#include "log.h"
#include "manager.h"

int container_rename(Container *c, const char *new_name, sd_bus_error *error) {
        _cleanup_free_ char *old = NULL;
        const char *n = new_name && new_name[0] == '/' ? new_name + 1 : new_name;
        Container *other;
        int r;

        if (isempty(n))
                return sd_bus_error_set(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Neither old nor new names may be empty");
        if (!container_name_is_valid(n))
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                        new_name);
        if (streq(n, c->name))
                return sd_bus_error_set(
                        error,
                        BERTH_ERROR_INVALID_ARGUMENT,
                        "Renaming a container with the same name as its current name");
        other = container_create_name_taken(c->manager, n);
        if (other)
                return sd_bus_error_setf(
                        error,
                        BERTH_ERROR_NAME_IN_USE,
                        "Error when allocating new name: Conflict. The container name \"/%s\" is already in "
                        "use by container \"%s\". You have to remove (or rename) that container to be able "
                        "to reuse that name.",
                        n,
                        other->id);
        if (c->state == CONTAINER_REMOVING)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Container %s is being removed", c->id);

        old = c->name;
        c->name = strdup(n);
        if (!c->name) {
                c->name = TAKE_PTR(old);
                return -ENOMEM;
        }
        r = container_rename_apply_unit(c);
        if (r >= 0)
                r = container_save_state(c);
        if (r < 0) {
                free(c->name);
                c->name = TAKE_PTR(old);
                (void)container_rename_apply_unit(c);
                return sd_bus_error_set_errnof(error, r, "Failed to rename container %s: %m", c->id);
        }

        log_info("Renamed container %s from %s to %s.", c->id, old, c->name);
        container_emit_event(c, "rename", "oldName", old);
        r = sd_bus_emit_properties_changed(
                c->manager->bus, c->object_path, BERTH_CONTAINER_IFACE, "Name", "Unit", NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s: %m", c->id);
        return 0;
}

int container_rename_apply_unit(Container *c) {
        /* A unit is watched from the start until the exit: while it is, it keeps its name. */
        if (c->unit_match_slot || c->start_request || c->state == CONTAINER_RUNNING)
                return 0;
        return container_set_unit(c, NULL);
}
