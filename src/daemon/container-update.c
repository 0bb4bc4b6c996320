/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "bus-container-resources.h"
#include "bus-errors.h"
#include "container-cgroup-v1.h"
#include "container-state-file.h"
#include "container-update.h"
#include "events.h"
#include "log.h"
#include "manager.h"
#include "strv.h"
#include "unit-manager.h"

/* An update waiting for systemd's answer; the container is looked up again, it may be gone. */
typedef struct ContainerUpdate {
        Manager *manager;
        char *id;
        ContainerResources resources;
        char **warnings; /* what the update discarded */
        uint32_t given;  /* the resource fields the update sets */
        ResourceHost host;
        bool has_policy;
        RestartPolicy policy;
        sd_bus_message *request;
} ContainerUpdate;

static ContainerUpdate *container_update_free(ContainerUpdate *u) {
        if (!u)
                return NULL;
        free(u->id);
        container_resources_done(&u->resources);
        strv_free(u->warnings);
        sd_bus_message_unref(u->request);
        free(u);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(ContainerUpdate *, container_update_free);

static int reply_warnings(sd_bus_message *request, char **warnings) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(request, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, warnings);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        return r;
}

static void update_commit(Container *c, ContainerUpdate *u) {
        int r;

        if (u->given != 0) {
                r = container_cgroup_v1_update_bundle(c, &u->resources, &u->host);
                if (r < 0)
                        log_warning_errno(
                                r, "Failed to write the limits into %s/config.json: %m", c->bundle);
        }
        container_resources_done(&c->resources);
        c->resources = u->resources;
        u->resources = (ContainerResources){};
        if (u->has_policy)
                c->restart_policy = u->policy;
        r = container_save_state(c);
        if (r < 0)
                log_warning_errno(r, "Failed to save the state of container %s: %m", c->id);
        bus_container_emit_resources_changed(c);
        container_emit_event(c, "update");
        r = reply_warnings(u->request, u->warnings);
        if (r < 0)
                log_warning_errno(r, "Failed to answer the update of %s: %m", c->id);
}

static int on_set_unit_properties_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(container_update_freep) ContainerUpdate *u = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = manager_get_container_by_id(u->manager, u->id);

        if (!c)
                return (void)sd_bus_reply_method_errorf(
                               u->request, BERTH_ERROR_NO_SUCH_CONTAINER, "No such container: %s", u->id),
                       0;
        /* A unit that ended meanwhile gets the limits at its next start. */
        if (e && !sd_bus_error_has_name(e, "org.freedesktop.systemd1.NoSuchUnit"))
                return (void)sd_bus_reply_method_errorf(
                               u->request,
                               SD_BUS_ERROR_FAILED,
                               "Cannot update container %s: %s",
                               c->id,
                               e->message ?: e->name),
                       0;
        if (!e) {
                _cleanup_free_ char *message = NULL;
                int r = container_cgroup_v1_apply(c, &u->resources, u->given, &u->host, &message);

                if (r < 0)
                        return (void)sd_bus_reply_method_errorf(
                                       u->request,
                                       SD_BUS_ERROR_FAILED,
                                       "Cannot update container %s: %s",
                                       c->id,
                                       message ?: strerror(-r)),
                               0;
        }
        update_commit(c, u);
        return 0;
}

int container_update(
        Container *c,
        const ContainerResourcesOptions *o,
        const char *restart_policy,
        sd_bus_message *request,
        sd_bus_error *error) {
        _cleanup_(container_update_freep) ContainerUpdate *u = NULL;
        _cleanup_free_ char *message = NULL;
        int r;

        u = calloc(1, sizeof(ContainerUpdate));
        if (!u)
                return -ENOMEM;
        r = resource_host_get(&u->host);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to read the host's CPUs: %m");
        u->manager = c->manager;
        u->given = o->given;
        u->id = strdup(c->id);
        if (!u->id)
                return -ENOMEM;

        r = container_resources_resolve(&c->resources, o, &u->host, &u->resources, &u->warnings, &message);
        if (r == -EINVAL)
                return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
        if (r < 0)
                return r;
        if (restart_policy) {
                r = restart_policy_parse(restart_policy, &u->policy, &message);
                if (r == -EINVAL)
                        return sd_bus_error_set(error, BERTH_ERROR_INVALID_ARGUMENT, message);
                if (r < 0)
                        return r;
                if (c->auto_remove && u->policy.kind != RESTART_POLICY_NO)
                        return sd_bus_error_set(
                                error,
                                BERTH_ERROR_INVALID_ARGUMENT,
                                "Restart policy cannot be updated because AutoRemove is enabled for the "
                                "container");
                u->has_policy = true;
        }
        u->request = sd_bus_message_ref(request);

        if (c->state != CONTAINER_RUNNING || o->given == 0) {
                update_commit(c, u);
                return 0;
        }
        /* memsw may not be below the memory limit systemd is about to write. */
        r = container_cgroup_v1_raise_memsw(c, &u->resources, &u->host);
        if (r < 0)
                return sd_bus_error_set_errnof(
                        error, r, "Failed to raise the memory+swap limit of %s: %m", c->unit);
        r = unit_set_resource_properties(
                c, &u->resources, o->given, &u->host, on_set_unit_properties_reply, u);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to update the unit %s: %m", c->unit);
        TAKE_PTR(u);
        return 0;
}
