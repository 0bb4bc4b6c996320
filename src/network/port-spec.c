/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-set.h"
#include "json-util.h"
#include "port-spec.h"

static const char *const proto_table[_PORT_PROTO_MAX] = {
        [PORT_PROTO_TCP] = "tcp",
        [PORT_PROTO_UDP] = "udp",
};

const char *port_proto_to_string(PortProto p) {
        return p >= 0 && p < _PORT_PROTO_MAX ? proto_table[p] : NULL;
}

PortProto port_proto_from_string(const char *s) {
        for (size_t i = 0; s && i < _PORT_PROTO_MAX; i++)
                if (streq(proto_table[i], s))
                        return (PortProto)i;
        return _PORT_PROTO_INVALID;
}

static int parse_port(const char *s, size_t len, uint16_t *ret) {
        unsigned v = 0;

        if (len == 0 || len > 5)
                return -EINVAL;
        for (size_t i = 0; i < len; i++) {
                if (s[i] < '0' || s[i] > '9')
                        return -EINVAL;
                v = v * 10 + (unsigned)(s[i] - '0');
        }
        if (v > 65535)
                return -EINVAL;
        *ret = (uint16_t)v;
        return 0;
}

/* "80" or "80-81"; start ≤ end. */
static int parse_range(const char *s, uint16_t *ret_start, uint16_t *ret_end) {
        const char *dash = strchr(s, '-');
        uint16_t a, b;

        if (!dash) {
                if (parse_port(s, strlen(s), &a) < 0)
                        return -EINVAL;
                *ret_start = *ret_end = a;
                return 0;
        }
        if (parse_port(s, (size_t)(dash - s), &a) < 0 || parse_port(dash + 1, strlen(dash + 1), &b) < 0 ||
            b < a)
                return -EINVAL;
        *ret_start = a;
        *ret_end = b;
        return 0;
}

int port_spec_parse(const char *spec, PortMapping **mappings, size_t *n_mappings, char **ret_error) {
        _cleanup_free_ char *copy = NULL;
        char *ip = NULL, *host = NULL, *ctr, *proto_s, *colon;
        uint16_t hs = 0, he = 0, cs, ce;
        struct in_addr addr;
        PortProto proto = PORT_PROTO_TCP;
        size_t count;
        PortMapping *l;

        copy = strdup(spec);
        if (!copy)
                return -ENOMEM;

        proto_s = strrchr(copy, '/');
        if (proto_s) {
                *proto_s++ = 0;
                proto = port_proto_from_string(proto_s);
                if (proto < 0)
                        return error_set(ret_error, -EINVAL, "invalid proto: %s", proto_s);
        }

        /* From the right: CTR, HOST:CTR, IP:HOST:CTR. */
        colon = strrchr(copy, ':');
        if (colon) {
                *colon = 0;
                ctr = colon + 1;
                colon = strrchr(copy, ':');
                if (colon) {
                        *colon = 0;
                        ip = copy;
                        host = colon + 1;
                } else
                        host = copy;
        } else
                ctr = copy;

        if (ip) {
                if (strchr(ip, ':') || strchr(ip, '[') || inet_pton(AF_INET, ip, &addr) != 1)
                        return error_set(ret_error, -EINVAL, "invalid IP address: %s", ip);
        }
        if (isempty(ctr))
                return error_set(ret_error, -EINVAL, "no port specified: %s<empty>", spec);
        if (parse_range(ctr, &cs, &ce) < 0 || cs == 0)
                return error_set(ret_error, -EINVAL, "invalid containerPort: %s", ctr);
        if (!isempty(host) && parse_range(host, &hs, &he) < 0)
                return error_set(ret_error, -EINVAL, "invalid hostPort: %s", host);
        /* Docker: equal ranges map port to port; one container port may take any free port of a range. */
        if (!isempty(host) && (he - hs) != (ce - cs) && ce != cs)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid ranges specified for container and host Ports: %s and %s",
                        ctr,
                        host);

        count = (size_t)(ce - cs) + 1;
        if (*n_mappings + count > PORT_MAPPINGS_MAX)
                return error_set(
                        ret_error, -E2BIG, "too many published ports (at most %u)", PORT_MAPPINGS_MAX);
        l = realloc(*mappings, (*n_mappings + count) * sizeof(PortMapping));
        if (!l)
                return -ENOMEM;
        *mappings = l;

        for (size_t i = 0; i < count; i++) {
                PortMapping *m = &l[(*n_mappings)++];

                *m = (PortMapping){
                        .proto = proto,
                        .container_port = (uint16_t)(cs + i),
                };
                if (ip)
                        inet_ntop(AF_INET, &addr, m->host_ip, sizeof(m->host_ip));
                if (count > 1 && hs != 0)
                        m->host_port = m->host_port_end = (uint16_t)(hs + i);
                else {
                        m->host_port = hs;
                        m->host_port_end = he;
                }
        }
        return 0;
}

int port_mapping_container_key(const PortMapping *m, char **ret) {
        return asprintf(ret, "%u/%s", m->container_port, port_proto_to_string(m->proto)) < 0 ? -ENOMEM : 0;
}

cJSON *port_mappings_to_json(const PortMapping *mappings, size_t n) {
        _cleanup_json_ cJSON *a = cJSON_CreateArray();

        if (!a)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                const PortMapping *m = &mappings[i];
                cJSON *o = cJSON_CreateObject();

                if (!o)
                        return NULL;
                cJSON_AddItemToArray(a, o);
                if (!cJSON_AddStringToObject(o, "Proto", port_proto_to_string(m->proto)) ||
                    !cJSON_AddStringToObject(o, "HostIp", m->host_ip) ||
                    !cJSON_AddNumberToObject(o, "HostPort", m->host_port) ||
                    !cJSON_AddNumberToObject(o, "HostPortEnd", m->host_port_end) ||
                    !cJSON_AddNumberToObject(o, "ContainerPort", m->container_port))
                        return NULL;
        }
        return TAKE_PTR(a);
}

int port_mappings_from_json(const cJSON *a, PortMapping **ret, size_t *ret_n) {
        _cleanup_free_ PortMapping *l = NULL;
        const cJSON *o;
        size_t n = 0, size;
        struct in_addr addr;

        if (a && !cJSON_IsArray(a))
                return -EINVAL;
        size = (size_t)cJSON_GetArraySize(a);
        if (size > PORT_MAPPINGS_MAX)
                return -E2BIG;
        if (size > 0) {
                l = calloc(size, sizeof(PortMapping));
                if (!l)
                        return -ENOMEM;
        }
        cJSON_ArrayForEach (o, a) {
                PortMapping *m = &l[n++];
                const char *ip = json_get_string(o, "HostIp");
                int64_t hp = json_get_integer(o, "HostPort", -1),
                        he = json_get_integer(o, "HostPortEnd", -1),
                        cp = json_get_integer(o, "ContainerPort", -1);

                m->proto = port_proto_from_string(json_get_string(o, "Proto"));
                if (m->proto < 0 || !ip || hp < 0 || hp > 65535 || he < hp || he > 65535 || cp <= 0 ||
                    cp > 65535)
                        return -EINVAL;
                if (*ip && inet_pton(AF_INET, ip, &addr) != 1)
                        return -EINVAL;
                snprintf(m->host_ip, sizeof(m->host_ip), "%s", ip);
                m->host_port = (uint16_t)hp;
                m->host_port_end = (uint16_t)he;
                m->container_port = (uint16_t)cp;
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}
