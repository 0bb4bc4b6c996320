/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "bus-container-resources.h"
#include "bus-errors.h"
#include "bus-util.h"
#include "container-update.h"
#include "log.h"
#include "manager.h"

int bus_read_resource_option(
        sd_bus_message *m, const char *key, ContainerResourcesOptions *o, sd_bus_error *error) {
        int f = resource_field_from_string(key), r;
        char type[2] = {};

        if (f < 0)
                return 0;
        type[0] = resource_field_type(f);
        r = sd_bus_message_enter_container(m, 'v', type);
        if (r == -ENXIO)
                return sd_bus_error_setf(
                        error, BERTH_ERROR_INVALID_ARGUMENT, "Option %s must be of type '%s'", key, type);
        if (r < 0)
                return r;
        if (type[0] == 's') {
                const char *s;

                r = bus_read_string(m, key, &s, error);
                if (r < 0)
                        return r;
                free(o->values.cpuset_cpus);
                o->values.cpuset_cpus = strdup(s);
                if (!o->values.cpuset_cpus)
                        return -ENOMEM;
        } else {
                r = sd_bus_message_read_basic(m, 'x', resource_field_int64(&o->values, f));
                if (r < 0)
                        return r;
        }
        o->given |= RESOURCE_MASK(f);
        r = sd_bus_message_exit_container(m);
        return r < 0 ? r : 1;
}

int bus_container_property_get_resource(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        int f;

        if (streq(property, "OOMKilled"))
                return sd_bus_message_append(reply, "b", c->oom_killed);
        f = resource_field_from_string(property);
        if (f == RESOURCE_CPUSET_CPUS)
                return sd_bus_message_append(reply, "s", c->resources.cpuset_cpus ?: "");
        if (f < 0)
                return -EINVAL;
        return sd_bus_message_append(reply, "x", *resource_field_int64(&c->resources, f));
}

typedef struct UpdateOptions {
        ContainerResourcesOptions resources;
        char *restart_policy;
} UpdateOptions;

static void update_options_done(UpdateOptions *o) {
        container_resources_options_done(&o->resources);
        free(o->restart_policy);
}

static int read_update_option(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error) {
        UpdateOptions *o = userdata;
        int r;

        r = bus_read_resource_option(m, key, &o->resources, error);
        if (r != 0)
                return r < 0 ? r : 0;
        if (streq(key, "RestartPolicy"))
                return bus_read_string_variant(m, key, &o->restart_policy, error);
        return sd_bus_error_setf(error, BERTH_ERROR_INVALID_ARGUMENT, "Unknown option: %s", key);
}

int bus_container_method_update(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        _cleanup_(update_options_done) UpdateOptions o = {};
        int r;

        r = bus_read_dict(m, read_update_option, &o, error);
        if (r < 0)
                return r;
        r = container_update(userdata, &o.resources, o.restart_policy, m, error);
        /* > 0: answered now or later by container_update(). */
        return r < 0 ? r : 1;
}

void bus_container_emit_resources_changed(Container *c) {
        int r;

        r = sd_bus_emit_properties_changed(
                c->manager->bus,
                c->object_path,
                BERTH_CONTAINER_IFACE,
                "Memory",
                "MemorySwap",
                "MemoryReservation",
                "NanoCpus",
                "CpuShares",
                "CpuQuota",
                "CpuPeriod",
                "CpusetCpus",
                "PidsLimit",
                "BlkioWeight",
                "RestartPolicy",
                NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s: %m", c->id);
}
