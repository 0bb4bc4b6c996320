/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "bus-container-network.h"
#include "container.h"
#include "network-config.h"

static int append_ports(sd_bus_message *reply, const PortMapping *ports, size_t n, bool with_range) {
        int r;

        r = sd_bus_message_open_container(reply, 'a', with_range ? "(ssqqq)" : "(ssqq)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                const PortMapping *m = &ports[i];

                if (with_range)
                        r = sd_bus_message_append(
                                reply,
                                "(ssqqq)",
                                port_proto_to_string(m->proto),
                                m->host_ip,
                                m->host_port,
                                m->host_port_end,
                                m->container_port);
                else
                        r = sd_bus_message_append(
                                reply,
                                "(ssqq)",
                                port_proto_to_string(m->proto),
                                m->host_ip,
                                m->host_port,
                                m->container_port);
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(reply);
}

int bus_container_property_get_network(
        sd_bus *bus,
        const char *path,
        const char *interface,
        const char *property,
        sd_bus_message *reply,
        void *userdata,
        sd_bus_error *error) {
        _cleanup_(network_state_done) NetworkState state = {};
        Container *c = userdata;
        bool running = c->state == CONTAINER_RUNNING && c->network_mode == NETWORK_MODE_BRIDGE;

        if (streq(property, "NetworkMode"))
                return sd_bus_message_append(
                        reply, "s", c->network_name ?: network_mode_to_string(c->network_mode));
        if (streq(property, "PortBindings")) {
                _cleanup_(network_config_done) NetworkConfig config = {};
                _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

                if (fd < 0 || network_config_load(fd, &config) < 0)
                        return append_ports(reply, NULL, 0, true);
                return append_ports(reply, config.ports, config.n_ports, true);
        }

        /* Only a running container's state file is its own: a stopped one's may be a leftover. */
        if (!running || network_state_load(BERTH_RUN_DIR, c->id, &state) < 0)
                state = (NetworkState){};
        if (streq(property, "IPAddress"))
                return sd_bus_message_append(reply, "s", state.ip);
        if (streq(property, "IPPrefixLen"))
                return sd_bus_message_append(reply, "u", state.prefixlen);
        if (streq(property, "Gateway"))
                return sd_bus_message_append(reply, "s", state.gateway);
        if (streq(property, "MacAddress"))
                return sd_bus_message_append(reply, "s", state.mac);
        return append_ports(reply, state.ports, state.n_ports, false);
}
