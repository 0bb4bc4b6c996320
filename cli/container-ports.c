/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-util.h"
#include "container-ports.h"
#include "json-util.h"
#include "strv.h"

/* Reads an array of (ssqq) or, with ranges, (ssqqq): proto, host IP, host port [, its range end],
 * container port. */
static int
fetch_mappings(sd_bus *bus, const char *path, const char *property, PortMapping **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ PortMapping *l = NULL;
        bool ranges = streq(property, "PortBindings");
        const char *type = ranges ? "(ssqqq)" : "(ssqq)";
        size_t n = 0;
        int r;

        r = sd_bus_get_property(
                bus,
                BERTH_BUS_NAME,
                path,
                BERTH_CONTAINER_IFACE,
                property,
                &error,
                &reply,
                ranges ? "a(ssqqq)" : "a(ssqq)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', type);
        if (r < 0)
                return r;
        for (;;) {
                const char *proto, *ip;
                uint16_t hp, he = 0, cp;
                PortMapping *t;

                if (ranges)
                        r = sd_bus_message_read(reply, "(ssqqq)", &proto, &ip, &hp, &he, &cp);
                else
                        r = sd_bus_message_read(reply, "(ssqq)", &proto, &ip, &hp, &cp);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (n >= PORT_MAPPINGS_MAX)
                        return -E2BIG;
                t = realloc(l, (n + 1) * sizeof(PortMapping));
                if (!t)
                        return -ENOMEM;
                l = t;
                l[n] = (PortMapping){
                        .proto = port_proto_from_string(proto),
                        .host_port = hp,
                        .host_port_end = ranges ? he : hp,
                        .container_port = cp,
                };
                if (l[n].proto < 0)
                        return -EINVAL;
                snprintf(l[n].host_ip, sizeof(l[n].host_ip), "%s", ip);
                n++;
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int container_ports_fetch(sd_bus *bus, const char *path, PortMapping **ret, size_t *ret_n) {
        return fetch_mappings(bus, path, "Ports", ret, ret_n);
}

static const char *host_ip(const PortMapping *m) {
        return isempty(m->host_ip) ? "0.0.0.0" : m->host_ip;
}

int ports_summary(const PortMapping *ports, size_t n, char **ret) {
        _cleanup_free_ char *s = strdup("");

        if (!s)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *t;

                if (asprintf(
                            &t,
                            "%s%s%s:%u->%u/%s",
                            s,
                            i > 0 ? ", " : "",
                            host_ip(&ports[i]),
                            ports[i].host_port,
                            ports[i].container_port,
                            port_proto_to_string(ports[i].proto)) < 0)
                        return -ENOMEM;
                free(s);
                s = t;
        }
        *ret = TAKE_PTR(s);
        return 0;
}

int ports_format_port_verb(const PortMapping *ports, size_t n, const char *filter, char **ret) {
        _cleanup_free_ PortMapping *want = NULL;
        _cleanup_free_ char *s = strdup("");
        size_t n_want = 0;
        bool any = false;
        int r;

        if (!s)
                return -ENOMEM;
        if (filter) {
                r = port_spec_parse(filter, &want, &n_want, NULL);
                if (r < 0)
                        return r;
                if (n_want != 1)
                        return -EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
                const PortMapping *m = &ports[i];
                char *t;

                if (want && (m->container_port != want->container_port || m->proto != want->proto))
                        continue;
                if (want)
                        r = asprintf(&t, "%s%s:%u\n", s, host_ip(m), m->host_port);
                else
                        r = asprintf(
                                &t,
                                "%s%u/%s -> %s:%u\n",
                                s,
                                m->container_port,
                                port_proto_to_string(m->proto),
                                host_ip(m),
                                m->host_port);
                if (r < 0)
                        return -ENOMEM;
                free(s);
                s = t;
                any = true;
        }
        if (filter && !any)
                return -ENOENT;
        *ret = TAKE_PTR(s);
        return 0;
}

/* {"1234/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8000"}]}; keep_empty_ip: "" stays "" (PortBindings). */
static cJSON *port_map_json(const PortMapping *ports, size_t n, bool bindings) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();

        if (!o)
                return NULL;
        for (size_t i = 0; i < n; i++) {
                const PortMapping *m = &ports[i];
                _cleanup_free_ char *key = NULL;
                char port[16] = "";
                cJSON *list, *e;

                if (port_mapping_container_key(m, &key) < 0)
                        return NULL;
                list = cJSON_GetObjectItemCaseSensitive(o, key);
                if (!list) {
                        list = cJSON_AddArrayToObject(o, key);
                        if (!list)
                                return NULL;
                }
                if (m->host_port != 0 && m->host_port_end != m->host_port)
                        snprintf(port, sizeof(port), "%u-%u", m->host_port, m->host_port_end);
                else if (m->host_port != 0)
                        snprintf(port, sizeof(port), "%u", m->host_port);
                e = cJSON_CreateObject();
                if (!e)
                        return NULL;
                cJSON_AddItemToArray(list, e);
                if (!cJSON_AddStringToObject(e, "HostIp", bindings ? m->host_ip : host_ip(m)) ||
                    !cJSON_AddStringToObject(e, "HostPort", port))
                        return NULL;
        }
        return TAKE_PTR(o);
}

/* NetworkSettings.Networks: an endpoint per network the container is on (Container.Networks). */
static int networks_fetch(sd_bus *bus, const char *path, cJSON *networks) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_get_property(
                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Networks", &error, &reply, "a(sassuss)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sassuss)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'r', "sassuss")) > 0) {
                _cleanup_strv_free_ char **aliases = NULL;
                const char *name, *ip, *gateway, *mac;
                uint32_t prefix;
                cJSON *endpoint, *a;

                r = sd_bus_message_read(reply, "s", &name);
                if (r >= 0)
                        r = sd_bus_message_read_strv(reply, &aliases);
                if (r >= 0)
                        r = sd_bus_message_read(reply, "suss", &ip, &prefix, &gateway, &mac);
                if (r >= 0)
                        r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
                endpoint = cJSON_AddObjectToObject(networks, name);
                a = json_from_strv(aliases);
                if (!endpoint || !a)
                        return cJSON_Delete(a), -ENOMEM;
                cJSON_AddItemToObject(endpoint, "Aliases", a);
                if (!cJSON_AddStringToObject(endpoint, "Gateway", gateway) ||
                    !cJSON_AddStringToObject(endpoint, "IPAddress", ip) ||
                    !cJSON_AddNumberToObject(endpoint, "IPPrefixLen", prefix) ||
                    !cJSON_AddStringToObject(endpoint, "MacAddress", mac))
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(reply);
}

int container_network_inspect_json(
        sd_bus *bus, const char *path, const cJSON *p, cJSON *o, cJSON *host_config) {
        _cleanup_free_ PortMapping *ports = NULL, *bindings = NULL;
        size_t n_ports = 0, n_bindings = 0;
        const char *mode = json_get_string(p, "NetworkMode") ?: "none";
        const char *ip = json_get_string(p, "IPAddress") ?: "",
                   *gateway = json_get_string(p, "Gateway") ?: "",
                   *mac = json_get_string(p, "MacAddress") ?: "";
        double prefix = (double)json_get_integer(p, "IPPrefixLen", 0);
        cJSON *settings, *networks, *v;
        int r;

        r = container_ports_fetch(bus, path, &ports, &n_ports);
        if (r >= 0)
                r = fetch_mappings(bus, path, "PortBindings", &bindings, &n_bindings);
        if (r < 0)
                return r;

        if (!cJSON_AddStringToObject(host_config, "NetworkMode", mode))
                return -ENOMEM;
        v = port_map_json(bindings, n_bindings, true);
        if (!v)
                return -ENOMEM;
        cJSON_AddItemToObject(host_config, "PortBindings", v);

        settings = cJSON_AddObjectToObject(o, "NetworkSettings");
        if (!settings || !cJSON_AddStringToObject(settings, "Bridge", "") ||
            !cJSON_AddStringToObject(settings, "Gateway", gateway) ||
            !cJSON_AddStringToObject(settings, "IPAddress", ip) ||
            !cJSON_AddNumberToObject(settings, "IPPrefixLen", prefix) ||
            !cJSON_AddStringToObject(settings, "MacAddress", mac))
                return -ENOMEM;
        v = port_map_json(ports, n_ports, false);
        if (!v)
                return -ENOMEM;
        cJSON_AddItemToObject(settings, "Ports", v);
        networks = cJSON_AddObjectToObject(settings, "Networks");
        if (!networks)
                return -ENOMEM;
        return networks_fetch(bus, path, networks);
}
