/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* NAT for the bridge network in one nftables table, `ip berth`: masquerade for the subnets, and published
 * ports as elements of two maps (by port, and by host address and port) that one DNAT rule in prerouting
 * (other hosts and namespaces) and one in output (this host, localhost included) look up. A container adds
 * and removes only its own elements, so containers never touch each other's rules. */

#include <stddef.h>

#include "network-config.h"

/* The commands that add the subnet and create the container's elements (failing on a port another container
 * holds); with_table: first make sure the table, maps and chains exist with the right rules. Without the
 * table (about 4 times faster, as libnftables then neither parses nor caches the chains), they fail when
 * it is missing. */
int nft_setup_commands(
        const Subnet *subnet,
        const char *container_ip,
        const PortMapping *ports,
        size_t n_ports,
        bool with_table,
        char **ret);

/* Networks are isolated from each other, as Docker's are: forwarded traffic from one subnet to another of
 * berth's jumps by its source subnet (map "isolation") to the chain of its network, which lets only its own
 * subnet pass. add: the chain's commands and, as nftables refuses a jump to a chain made in the same
 * transaction, the map element's in a second string; !add: all in ret_chain, *ret_element NULL. */
int nft_isolation_commands(
        const char *bridge, const Subnet *subnet, bool add, char **ret_chain, char **ret_element);

/* The commands that delete the container's elements. */
int nft_teardown_commands(const char *container_ip, const PortMapping *ports, size_t n_ports, char **ret);
