/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-container-host-config.h"
#include "container.h"
#include "strv.h"

static int append_devices(sd_bus_message *reply, const ContainerHostConfig *hc) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', "s");
        for (size_t i = 0; r >= 0 && i < hc->n_devices; i++) {
                _cleanup_free_ char *s = NULL;

                r = container_device_to_string(&hc->devices[i], &s);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", s);
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int append_sysctls(sd_bus_message *reply, char **sysctls) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', "{ss}");
        STRV_FOREACH (s, sysctls) {
                _cleanup_free_ char *key = NULL;
                const char *eq = strchr(*s, '=');

                if (r < 0)
                        break;
                key = strndup(*s, eq ? (size_t)(eq - *s) : strlen(*s));
                if (!key)
                        return -ENOMEM;
                r = sd_bus_message_append(reply, "{ss}", key, eq ? eq + 1 : "");
        }
        return r < 0 ? r : sd_bus_message_close_container(reply);
}

int bus_container_property_get_host_config(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        const ContainerHostConfig *hc = &((Container *)userdata)->host_config;

        if (streq(property, "Devices"))
                return append_devices(reply, hc);
        if (streq(property, "Privileged"))
                return sd_bus_message_append(reply, "b", hc->privileged);
        if (streq(property, "GroupAdd"))
                return sd_bus_message_append_strv(reply, hc->group_add);
        if (streq(property, "Ulimits"))
                return sd_bus_message_append_strv(reply, hc->ulimits);
        if (streq(property, "Sysctls"))
                return append_sysctls(reply, hc->sysctls);
        if (streq(property, "ShmSize"))
                return sd_bus_message_append(reply, "t", hc->shm_size);
        if (streq(property, "Init"))
                return sd_bus_message_append(reply, "b", hc->init);
        return -EINVAL;
}
