/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The links of the bridge network, through libnl-route: the bridge, a veth pair per container, the
 * container side's address and default route. */

#include <stdint.h>

#include "network-config.h"

/* The bridge with the gateway's address and mtu, up; created when missing (*ret_created), given mtu when
 * it has another (made by an older berth, or before daemon.json changed). Returns its ifindex. */
int bridge_ensure(const char *name, const Subnet *subnet, unsigned mtu, bool *ret_created);

/* A veth pair with mtu at both ends: host_name enslaved to the bridge and up, the peer as peer_name (eth0,
 * eth1, …; with mac) in the network namespace netns_fd. */
int veth_create(
        const char *host_name,
        int bridge_ifindex,
        int netns_fd,
        const char *peer_name,
        const char *mac,
        unsigned mtu);

/* Run inside the container's network namespace: lo and ifname up, ifname's address, and the default route
 * through gateway unless it is 0. */
int container_interfaces_configure(const char *ifname, uint32_t ip, unsigned prefixlen, uint32_t gateway);
/* Run inside a container's network namespace that has no other interface yet: lo up. */
int container_loopback_up(void);

/* Deletes a link (for a veth, both ends); a missing one is fine. Slow: the kernel waits for an RCU barrier
 * (12 to 30 ms here). */
int link_delete(const char *name);

/* Stops a bridge port: disabled, it neither forwards nor learns, and the bridge forgets the addresses it
 * learned there, so that a container that gets the same address (and MAC address) next is reached at once; a
 * missing link is fine. For a veth whose peer's namespace is about to go: the kernel then deletes the pair
 * without anyone waiting. Taking it off the bridge or down instead waits for an RCU grace period (0.5 to 5
 * ms here). */
int bridge_port_disable(const char *name);
