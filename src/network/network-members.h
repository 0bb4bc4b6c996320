/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The containers of a user network find each other by name through their /etc/hosts files, which
 * berth-network rewrites whenever one of them starts or stops. */

#include <stddef.h>

#include "network-config.h"

/* The network states (network-config.h) of the running containers on network: for one connected to it
 * later, its endpoint there as a state. */
int network_members(const char *network, NetworkState **ret, size_t *ret_n);
void network_members_free(NetworkState *l, size_t n);

/* Rewrites the hosts file of every member: its own lines, then one line per container that shares one of
 * its user networks, with its address, name and aliases there. In place, as the files are bind-mounted
 * into running containers. */
int network_hosts_refresh(const char *network);
/* The same for the one running container id (after it left a network). */
int container_hosts_refresh(const char *id);
