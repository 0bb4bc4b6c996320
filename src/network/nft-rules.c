/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nft-rules.h"

/* Flushing and refilling the chains in the same transaction keeps this idempotent. Locally generated
 * packets to 127.0.0.1 leave through the bridge with a loopback source (route_localnet on the bridge),
 * so they are masqueraded to the bridge's address. */
#define NFT_TABLE                                                                                           \
        "add table ip berth\n"                                                                              \
        "add map ip berth ports_any { type inet_proto . inet_service : ipv4_addr . inet_service; }\n"       \
        "add map ip berth ports_ip { type ipv4_addr . inet_proto . inet_service : ipv4_addr . "             \
        "inet_service; }\n"                                                                                 \
        "add set ip berth subnets { type ipv4_addr; flags interval; }\n"                                    \
        "add chain ip berth prerouting { type nat hook prerouting priority dstnat; policy accept; }\n"      \
        "add chain ip berth output { type nat hook output priority -100; policy accept; }\n"                \
        "add chain ip berth postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"    \
        "add chain ip berth publish\n"                                                                      \
        "add map ip berth isolation { type ipv4_addr : verdict; flags interval; }\n"                        \
        "add chain ip berth forward { type filter hook forward priority filter; policy accept; }\n"         \
        "flush chain ip berth forward\n"                                                                    \
        "add rule ip berth forward ip daddr @subnets ip saddr vmap @isolation\n"                            \
        "flush chain ip berth prerouting\n"                                                                 \
        "flush chain ip berth output\n"                                                                     \
        "flush chain ip berth postrouting\n"                                                                \
        "flush chain ip berth publish\n"                                                                    \
        "add rule ip berth prerouting fib daddr type local jump publish\n"                                  \
        "add rule ip berth output fib daddr type local jump publish\n"                                      \
        "add rule ip berth publish dnat ip to ip daddr . meta l4proto . th dport map @ports_ip\n"           \
        "add rule ip berth publish dnat ip to meta l4proto . th dport map @ports_any\n"                     \
        "add rule ip berth postrouting ip saddr @subnets ip daddr != @subnets masquerade\n"                 \
        "add rule ip berth postrouting ip saddr 127.0.0.0/8 ip daddr @subnets masquerade\n"

typedef struct Buffer {
        char *s;
        size_t len;
} Buffer;

static int buffer_append(Buffer *b, const char *format, ...) _printf_(2, 3);
static int buffer_append(Buffer *b, const char *format, ...) {
        _cleanup_free_ char *t = NULL;
        va_list ap;
        char *n;
        int k;

        va_start(ap, format);
        k = vasprintf(&t, format, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        n = realloc(b->s, b->len + (size_t)k + 1);
        if (!n)
                return -ENOMEM;
        memcpy(n + b->len, t, (size_t)k + 1);
        b->s = n;
        b->len += (size_t)k;
        return 0;
}

/* "create element"/"delete element" lines for the mappings with (with_ip) or without a host address. */
static int append_elements(
        Buffer *b,
        const char *verb,
        bool with_ip,
        const char *container_ip,
        const PortMapping *ports,
        size_t n) {
        for (size_t i = 0; i < n; i++) {
                const PortMapping *m = &ports[i];
                int r;

                if (with_ip != !isempty(m->host_ip))
                        continue;
                if (with_ip)
                        r = buffer_append(
                                b,
                                "%s element ip berth ports_ip { %s . %s . %u : %s . %u }\n",
                                verb,
                                m->host_ip,
                                port_proto_to_string(m->proto),
                                m->host_port,
                                container_ip,
                                m->container_port);
                else
                        r = buffer_append(
                                b,
                                "%s element ip berth ports_any { %s . %u : %s . %u }\n",
                                verb,
                                port_proto_to_string(m->proto),
                                m->host_port,
                                container_ip,
                                m->container_port);
                if (r < 0)
                        return r;
        }
        return 0;
}

int nft_setup_commands(
        const Subnet *subnet,
        const char *container_ip,
        const PortMapping *ports,
        size_t n_ports,
        bool with_table,
        char **ret) {
        _cleanup_free_ char *s = strdup(with_table ? NFT_TABLE : "");
        Buffer b = {.s = s, .len = strlen(s ?: "")};
        char network[16];
        int r;

        if (!s)
                return -ENOMEM;
        s = NULL;
        ip_to_string(subnet->network, network);
        r = buffer_append(&b, "add element ip berth subnets { %s/%u }\n", network, subnet->prefixlen);
        if (r >= 0)
                r = append_elements(&b, "create", false, container_ip, ports, n_ports);
        if (r >= 0)
                r = append_elements(&b, "create", true, container_ip, ports, n_ports);
        if (r < 0) {
                free(b.s);
                return r;
        }
        *ret = b.s;
        return 0;
}

static void isolation_chain(const char *bridge, char ret[static 32]) {
        snprintf(ret, 32, "iso_%s", bridge);
        for (char *p = ret; *p; p++)
                if (*p == '-')
                        *p = '_';
}

int nft_isolation_commands(
        const char *bridge, const Subnet *subnet, bool add, char **ret_chain, char **ret_element) {
        char chain[32], network[16];

        isolation_chain(bridge, chain);
        ip_to_string(subnet->network, network);
        if (!add) {
                *ret_element = NULL;
                return asprintf(
                               ret_chain,
                               "delete element ip berth isolation { %s/%u }\n"
                               "flush chain ip berth %s\n"
                               "delete chain ip berth %s\n",
                               network,
                               subnet->prefixlen,
                               chain,
                               chain) < 0
                               ? -ENOMEM
                               : 0;
        }
        if (asprintf(
                    ret_chain,
                    "add chain ip berth %s\n"
                    "flush chain ip berth %s\n"
                    "add rule ip berth %s ip daddr %s/%u return\n"
                    "add rule ip berth %s drop\n",
                    chain,
                    chain,
                    chain,
                    network,
                    subnet->prefixlen,
                    chain) < 0)
                return -ENOMEM;
        if (asprintf(
                    ret_element,
                    "add element ip berth isolation { %s/%u : jump %s }\n",
                    network,
                    subnet->prefixlen,
                    chain) < 0) {
                free(*ret_chain);
                return -ENOMEM;
        }
        return 0;
}

int nft_teardown_commands(const char *container_ip, const PortMapping *ports, size_t n_ports, char **ret) {
        Buffer b = {.s = strdup(""), .len = 0};
        int r;

        if (!b.s)
                return -ENOMEM;
        r = append_elements(&b, "delete", false, container_ip, ports, n_ports);
        if (r >= 0)
                r = append_elements(&b, "delete", true, container_ip, ports, n_ports);
        if (r < 0) {
                free(b.s);
                return r;
        }
        *ret = b.s;
        return 0;
}
