/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth network connect / disconnect: a container on more than one network. The networks it was
 * connected to after create are in its bundle's network.json (NetworkConfig.connected); for a running
 * one berth-network makes or removes the interface. */

#include "container.h"

/* The networks of c: the one it was created on ("bridge", "none", "host" or a user network), then those
 * it was connected to, in order. */
int container_network_list(const Container *c, char ***ret);

/* Adds network (a user network, or the default bridge) with aliases and the address asked for (ip, may be
 * NULL) to c's network.json. Docker's messages in *ret_error with -ENOENT (no such network), -EEXIST
 * (already connected), -EADDRINUSE (ip is the network's own) or -EINVAL. */
int container_network_attach(
        const char *state_dir,
        const Container *c,
        const char *network,
        char **aliases,
        const char *ip,
        char **ret_error);
/* Removes network from c's network.json; the one c was created on stays marked as left (detached). -ENOENT
 * when c is not connected to it, -EINVAL for host and none, with Docker's messages in *ret_error. */
int container_network_detach(const Container *c, const char *network, char **ret_error);

/* Runs "berth-network connect|disconnect BUNDLE NETWORK" and waits; on failure logs what berth-network
 * left in the bundle. For a worker process (worker.h). */
int container_network_run(const Container *c, const char *verb, const char *network);
