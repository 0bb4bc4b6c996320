/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Published ports: Docker's -p [IP:][HOST[-HOST]:]CTR[-CTR][/tcp|udp], one mapping per container port. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

/* A container has at most this many published ports (each is an nft map element). */
#define PORT_MAPPINGS_MAX 4096U

typedef enum PortProto {
        PORT_PROTO_TCP,
        PORT_PROTO_UDP,
        _PORT_PROTO_MAX,
        _PORT_PROTO_INVALID = -EINVAL,
} PortProto;

const char *port_proto_to_string(PortProto p);
PortProto port_proto_from_string(const char *s);

typedef struct PortMapping {
        PortProto proto;
        char host_ip[16]; /* dotted IPv4, "" for every address of the host */
        /* The host port, or a range to pick a free one from; 0-0: any free port. Equal when fixed. */
        uint16_t host_port, host_port_end;
        uint16_t container_port;
} PortMapping;

/* Parses one -p value and appends its mappings to *mappings. -EINVAL with Docker's message in
 * *ret_error ("invalid containerPort: abc"), -E2BIG past PORT_MAPPINGS_MAX in all. */
int port_spec_parse(const char *spec, PortMapping **mappings, size_t *n_mappings, char **ret_error);

/* "8000/tcp" style key of the container side, Docker's NetworkSettings.Ports key. */
int port_mapping_container_key(const PortMapping *m, char **ret);

/* JSON form for the bundle's network.json and the network state: {"Proto", "HostIp", "HostPort",
 * "HostPortEnd", "ContainerPort"}. */
cJSON *port_mappings_to_json(const PortMapping *mappings, size_t n);
int port_mappings_from_json(const cJSON *a, PortMapping **ret, size_t *ret_n);
