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

static int append_endpoint(
        sd_bus_message *reply,
        const char *network,
        char *const *aliases,
        const char *ip,
        unsigned prefixlen,
        const char *gateway,
        const char *mac) {
        int r;

        r = sd_bus_message_open_container(reply, 'r', "sassuss");
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", network);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, (char **)aliases);
        if (r >= 0)
                r = sd_bus_message_append(reply, "suss", ip, prefixlen, gateway, mac);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        return r;
}

/* Every network of the container: the one it was created on (unless it left it), then those it was connected
 * to, with the aliases it has there and, while it runs, its address there. */
static int append_networks(sd_bus_message *reply, const Container *c, const NetworkState *state) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        char *const *aliases;
        int r;

        if (fd < 0 || network_config_load(fd, &config) < 0)
                config = (NetworkConfig){};
        r = sd_bus_message_open_container(reply, 'a', "(sassuss)");
        if (r < 0)
                return r;
        /* The first name is the container's own, not an alias. */
        aliases = config.network && config.names && config.names[0] ? config.names + 1 : NULL;
        /* Not the one it was created on once it left that. */
        if (!config.detached)
                r = append_endpoint(
                        reply,
                        c->network_name ?: network_mode_to_string(c->network_mode),
                        aliases,
                        state->ip,
                        state->prefixlen,
                        state->gateway,
                        state->mac);
        for (size_t i = 0; r >= 0 && i < config.n_connected; i++) {
                const NetworkEndpoint *e = network_state_find_endpoint(state, config.connected[i].network);

                r = append_endpoint(
                        reply,
                        config.connected[i].network,
                        config.connected[i].aliases,
                        e ? e->ip : "",
                        e ? e->prefixlen : 0,
                        e ? e->gateway : "",
                        e ? e->mac : "");
        }
        if (r < 0)
                return r;
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
        if (streq(property, "Networks"))
                return append_networks(reply, c, &state);
        return append_ports(reply, state.ports, state.n_ports, false);
}
