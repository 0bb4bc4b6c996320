/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-container-health.h"
#include "bus-util.h"
#include "container-health.h"
#include "log.h"
#include "manager.h"

static int append_log(sd_bus_message *reply, const ContainerHealth *h) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', "(ttis)");
        for (size_t i = 0; r >= 0 && h && i < h->n_log; i++)
                r = sd_bus_message_append(
                        reply,
                        "(ttis)",
                        h->log[i].start_usec,
                        h->log[i].end_usec,
                        (int32_t)h->log[i].exit_code,
                        h->log[i].output ?: "");
        if (r < 0)
                return r;
        return sd_bus_message_close_container(reply);
}

int bus_container_property_get_health(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        Container *c = userdata;
        const ContainerHealth *h = c->health;

        if (streq(property, "Health"))
                return sd_bus_message_append(reply, "s", container_health_status_string(c));
        if (streq(property, "HealthFailingStreak"))
                return sd_bus_message_append(reply, "u", h ? h->failing_streak : 0U);
        if (streq(property, "HealthLog"))
                return append_log(reply, h);
        if (streq(property, "HealthTest"))
                return sd_bus_message_append_strv(reply, h ? h->config.test : NULL);
        if (streq(property, "HealthInterval"))
                return sd_bus_message_append(reply, "t", h ? h->config.interval_usec : UINT64_C(0));
        if (streq(property, "HealthTimeout"))
                return sd_bus_message_append(reply, "t", h ? h->config.timeout_usec : UINT64_C(0));
        if (streq(property, "HealthStartPeriod"))
                return sd_bus_message_append(reply, "t", h ? h->config.start_period_usec : UINT64_C(0));
        if (streq(property, "HealthRetries"))
                return sd_bus_message_append(reply, "u", h ? h->config.retries : 0U);
        if (streq(property, "HealthOnFailure"))
                return sd_bus_message_append(
                        reply,
                        "s",
                        health_on_failure_to_string(h ? h->config.on_failure : HEALTH_ON_FAILURE_NONE));
        return -ENOENT;
}

void bus_container_emit_health_changed(Container *c, bool status_changed) {
        int r;

        r = sd_bus_emit_properties_changed(
                c->manager->bus,
                c->object_path,
                BERTH_CONTAINER_IFACE,
                "HealthFailingStreak",
                "HealthLog",
                status_changed ? "Health" : NULL,
                NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit PropertiesChanged for %s: %m", c->id);
}
