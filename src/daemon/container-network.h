/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The network of a container: CreateContainer's network options resolved into the bundle's network.json
 * (network-config.h), which berth-network reads at every start. */

#include <stdbool.h>

#include "container.h"
#include "network-config.h"

typedef struct ContainerNetworkOptions {
        char *network_mode;   /* NetworkMode: bridge (default), none, host or a user network's name */
        char **aliases;       /* NetworkAliases: more names on a user network */
        char *ip;             /* IPv4Address: the address on a user network created with a subnet */
        char **port_bindings; /* PortBindings: -p values */
        bool publish_all;     /* PublishAllPorts: -P */
        char **dns;           /* Dns */
        char **extra_hosts;   /* ExtraHosts: NAME:IP */
} ContainerNetworkOptions;

void container_network_options_done(ContainerNetworkOptions *o);

/* Validates the options (Docker's messages in *ret_error, -EINVAL; -ENOENT for a network that does not
 * exist) and adds the image's exposed ports for PublishAllPorts. */
int container_network_resolve(
        const char *state_dir,
        const ContainerNetworkOptions *o,
        char *const *exposed_ports,
        const char *name,
        const char *hostname,
        NetworkConfig *ret,
        char **ret_error);

/* Checks the address asked for (--ip) on a network with subnet s, configured: whether it was given at
 * create time. Docker's messages in *ret_error: -EINVAL, or -EADDRINUSE for the network's own addresses. */
int container_network_requested_address(const Subnet *s, bool configured, const char *ip, char **ret_error);

/* Writes network.json into the bundle; for none and host also hosts and resolv.conf with the extra hosts
 * and DNS servers (bridge containers get theirs from berth-network, with their address). */
int container_network_write_bundle(const char *bundle, const NetworkConfig *config);

/* What berth-network left in the bundle when the network could not be set up ("Bind for 0.0.0.0:8000
 * failed: port is already allocated"); -ENOENT when it did not fail. */
int container_network_start_error(const Container *c, char **ret);

#define CONTAINER_NETWORK_DAEMON_JSON BERTH_CONFIG_DIR "/daemon.json"
/* Docker's runconfig.ErrUnsupportedNetworkAndIP. */
#define CONTAINER_NETWORK_ERROR_IP_PREDEFINED                                                               \
        "user specified IP address is supported on user defined networks only"

/* The default bridge's subnet, from daemon.json's "bip". */
int container_network_default_subnet(Subnet *ret);
/* The default bridge's MTU: daemon.json's "mtu", or NETWORK_DEFAULT_MTU. */
int container_network_default_mtu(unsigned *ret);

/* The network of a container as the unit needs it: whether berth-network runs. */
bool container_network_needs_setup(const Container *c);
