/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The network flags of run/create: -p/--publish, -P/--publish-all, --network (--net), --dns, --add-host.
 * -p values are checked here with the daemon's parser (port-spec.h) for Docker's messages, and sent as
 * given. */

#include <getopt.h>
#include <stdbool.h>
#include <systemd/sd-bus.h>

enum {
        PORT_FLAG_PUBLISH = 0xc00,
        PORT_FLAG_PUBLISH_ALL,
        PORT_FLAG_NETWORK,
        PORT_FLAG_DNS,
        PORT_FLAG_ADD_HOST,
        PORT_FLAG_NETWORK_ALIAS,
        PORT_FLAG_IP,
        _PORT_FLAG_LAST = PORT_FLAG_IP,
};

/* Entries for a getopt_long table; -p and -P map to PORT_FLAG_PUBLISH and PORT_FLAG_PUBLISH_ALL. */
#define PORT_FLAG_OPTIONS                                                                                   \
        {"publish", required_argument, NULL, PORT_FLAG_PUBLISH},                                            \
                {"publish-all", no_argument, NULL, PORT_FLAG_PUBLISH_ALL},                                  \
                {"network", required_argument, NULL, PORT_FLAG_NETWORK},                                    \
                {"net", required_argument, NULL, PORT_FLAG_NETWORK},                                        \
                {"dns", required_argument, NULL, PORT_FLAG_DNS},                                            \
                {"add-host", required_argument, NULL, PORT_FLAG_ADD_HOST},                                  \
                {"network-alias", required_argument, NULL, PORT_FLAG_NETWORK_ALIAS}, {                      \
                "ip", required_argument, NULL, PORT_FLAG_IP                                                 \
        }

#define PORT_FLAG_HELP                                                                                      \
        "      --add-host list        Add a custom host-to-IP mapping (host:ip)\n"                          \
        "      --dns list             Set custom DNS servers\n"                                             \
        "      --ip string            IPv4 address (e.g., 172.30.100.104)\n"                                \
        "      --network string       Connect a container to a network (bridge, host, none or NAME)\n"      \
        "      --network-alias list   Add network-scoped alias for the container\n"                         \
        "  -p, --publish list         Publish a container's port(s) to the host\n"                          \
        "  -P, --publish-all          Publish all exposed ports to random ports\n"

typedef struct PortFlags {
        char **publish;
        bool publish_all;
        char *network;
        char **dns;
        char **add_host;
        char **network_alias;
        char *ip;
} PortFlags;

void port_flags_done(PortFlags *f);
/* One flag (PORT_FLAG_*). Prints Docker's error and returns -EINVAL for a bad value. */
int port_flags_parse(PortFlags *f, int flag, const char *arg);
/* The CreateContainer options: PortBindings, PublishAllPorts, NetworkMode, Dns, ExtraHosts, NetworkAliases,
 * IPv4Address. */
int port_flags_append(sd_bus_message *m, const PortFlags *f);
