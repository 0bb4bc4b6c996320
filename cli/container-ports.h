/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's published ports as the CLI shows them: ps's PORTS column, inspect's NetworkSettings and
 * HostConfig.PortBindings. */

#include <cjson/cJSON.h>
#include <systemd/sd-bus.h>

#include "port-spec.h"

/* The container's Ports property (published now; empty unless it runs). */
int container_ports_fetch(sd_bus *bus, const char *path, PortMapping **ret, size_t *ret_n);

/* "0.0.0.0:8000->1234/tcp, 127.0.0.1:8001->53/udp", Docker's PORTS column. */
int ports_summary(const PortMapping *ports, size_t n, char **ret);

/* "1234/tcp -> 0.0.0.0:8000" lines of `berth port`, all of them or those of one container port
 * ("1234" or "1234/udp"; the address only then). -ENOENT when nothing matches, -EINVAL for a bad port. */
int ports_format_port_verb(const PortMapping *ports, size_t n, const char *filter, char **ret);

/* Adds NetworkSettings to o and NetworkMode and PortBindings to host_config, from properties p
 * (GetAll) and the struct-typed properties read here. */
int container_network_inspect_json(
        sd_bus *bus, const char *path, const cJSON *p, cJSON *o, cJSON *host_config);
