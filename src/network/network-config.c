/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-set.h"
#include "json-util.h"
#include "network-config.h"
#include "strv.h"

#define NETWORK_FILE_MAX (1024U * 1024U)

static const char *const mode_table[_NETWORK_MODE_MAX] = {
        [NETWORK_MODE_BRIDGE] = "bridge",
        [NETWORK_MODE_NONE] = "none",
        [NETWORK_MODE_HOST] = "host",
};

const char *network_mode_to_string(NetworkMode m) {
        return m >= 0 && m < _NETWORK_MODE_MAX ? mode_table[m] : NULL;
}

NetworkMode network_mode_from_string(const char *s) {
        for (size_t i = 0; s && i < _NETWORK_MODE_MAX; i++)
                if (streq(mode_table[i], s))
                        return (NetworkMode)i;
        return _NETWORK_MODE_INVALID;
}

void network_attachment_done(NetworkAttachment *a) {
        free(a->network);
        free(a->bip);
        free(a->bridge);
        strv_free(a->aliases);
        free(a->ip);
        *a = (NetworkAttachment){};
}

void network_config_done(NetworkConfig *c) {
        for (size_t i = 0; i < c->n_connected; i++)
                network_attachment_done(&c->connected[i]);
        free(c->connected);
        free(c->network);
        free(c->bip);
        free(c->bridge);
        free(c->ip);
        free(c->hostname);
        strv_free(c->names);
        strv_free(c->dns);
        strv_free(c->extra_hosts);
        free(c->ports);
        *c = (NetworkConfig){};
}

NetworkAttachment *network_config_find_attachment(const NetworkConfig *c, const char *network) {
        for (size_t i = 0; i < c->n_connected; i++)
                if (streq(c->connected[i].network, network))
                        return &c->connected[i];
        return NULL;
}

int network_config_add_attachment(NetworkConfig *c, NetworkAttachment *a) {
        NetworkAttachment *t = realloc(c->connected, (c->n_connected + 1) * sizeof(NetworkAttachment));

        if (!t)
                return -ENOMEM;
        c->connected = t;
        c->connected[c->n_connected++] = *a;
        *a = (NetworkAttachment){};
        return 0;
}

void network_config_remove_attachment(NetworkConfig *c, const char *network) {
        NetworkAttachment *a = network_config_find_attachment(c, network);

        if (!a)
                return;
        network_attachment_done(a);
        memmove(a, a + 1, (size_t)(c->connected + c->n_connected - (a + 1)) * sizeof(NetworkAttachment));
        c->n_connected--;
}

/* A network's "Mtu" in network.json: absent (0), or one the kernel takes. */
static int mtu_from_json(const cJSON *o, unsigned *ret) {
        const cJSON *mtu = cJSON_GetObjectItemCaseSensitive(o, "Mtu");

        if (!mtu) {
                *ret = 0;
                return 0;
        }
        if (!cJSON_IsNumber(mtu) || mtu->valuedouble < NETWORK_MTU_MIN ||
            mtu->valuedouble > NETWORK_MTU_MAX || mtu->valuedouble != (double)mtu->valueint)
                return -EINVAL;
        *ret = (unsigned)mtu->valueint;
        return 0;
}

/* The subnet and bridge of a user network as network.json names them. */
static bool bridge_fields_valid(const char *bip, const char *bridge) {
        Subnet s;

        return bip && subnet_parse_bip(bip, &s) >= 0 && bridge && strlen(bridge) > 0 && strlen(bridge) <= 15;
}

static int add_strv(cJSON *o, const char *key, char *const *l) {
        cJSON *a = json_from_strv(l);

        if (!a)
                return -ENOMEM;
        cJSON_AddItemToObject(o, key, a);
        return 0;
}

int network_config_to_json(const NetworkConfig *c, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        cJSON *ports, *connected;

        if (!o || !cJSON_AddStringToObject(o, "Mode", network_mode_to_string(c->mode)) ||
            !cJSON_AddStringToObject(o, "Hostname", c->hostname ?: "") ||
            add_strv(o, "Names", c->names) < 0 || add_strv(o, "Dns", c->dns) < 0 ||
            add_strv(o, "ExtraHosts", c->extra_hosts) < 0)
                return -ENOMEM;
        if (c->network && (!cJSON_AddStringToObject(o, "Network", c->network) ||
                           !cJSON_AddStringToObject(o, "Bip", c->bip ?: "") ||
                           !cJSON_AddStringToObject(o, "Bridge", c->bridge ?: "") ||
                           (c->mtu > 0 && !cJSON_AddNumberToObject(o, "Mtu", c->mtu))))
                return -ENOMEM;
        if ((c->detached && !cJSON_AddTrueToObject(o, "Detached")) ||
            (c->ip && !cJSON_AddStringToObject(o, "IPv4Address", c->ip)))
                return -ENOMEM;
        ports = port_mappings_to_json(c->ports, c->n_ports);
        if (!ports)
                return -ENOMEM;
        cJSON_AddItemToObject(o, "Ports", ports);
        connected = cJSON_AddArrayToObject(o, "Connected");
        if (!connected)
                return -ENOMEM;
        for (size_t i = 0; i < c->n_connected; i++) {
                const NetworkAttachment *a = &c->connected[i];
                cJSON *e = cJSON_CreateObject();

                if (!e)
                        return -ENOMEM;
                cJSON_AddItemToArray(connected, e);
                if (!cJSON_AddStringToObject(e, "Network", a->network) ||
                    !cJSON_AddStringToObject(e, "Bip", a->bip) ||
                    !cJSON_AddStringToObject(e, "Bridge", a->bridge) ||
                    add_strv(e, "Aliases", a->aliases) < 0 ||
                    (a->mtu > 0 && !cJSON_AddNumberToObject(e, "Mtu", a->mtu)) ||
                    (a->ip && !cJSON_AddStringToObject(e, "IPv4Address", a->ip)))
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

static int attachments_from_json(const cJSON *a, NetworkConfig *c) {
        const cJSON *e;
        int r;

        if (!a)
                return 0;
        if (!cJSON_IsArray(a))
                return -EINVAL;
        cJSON_ArrayForEach (e, a) {
                _cleanup_(network_attachment_done) NetworkAttachment t = {};
                const char *network = json_get_string(e, "Network"), *ip = json_get_string(e, "IPv4Address");
                Subnet s;
                uint32_t address;

                /* Its first network only once it left that (the default bridge when it names none). */
                if (!network ||
                    !bridge_fields_valid(json_get_string(e, "Bip"), json_get_string(e, "Bridge")) ||
                    network_config_find_attachment(c, network) ||
                    (!c->detached && streq(network, c->network ?: "bridge")))
                        return -EINVAL;
                if (!ip && cJSON_GetObjectItemCaseSensitive(e, "IPv4Address"))
                        return -EINVAL;
                if (ip && (subnet_parse_bip(json_get_string(e, "Bip"), &s) < 0 ||
                           subnet_address_parse(&s, ip, &address) < 0))
                        return -EINVAL;
                if (mtu_from_json(e, &t.mtu) < 0)
                        return -EINVAL;
                t.network = strdup(network);
                t.bip = strdup(json_get_string(e, "Bip"));
                t.bridge = strdup(json_get_string(e, "Bridge"));
                t.ip = ip ? strdup(ip) : NULL;
                if (!t.network || !t.bip || !t.bridge || (ip && !t.ip))
                        return -ENOMEM;
                if ((r = json_get_strv(e, "Aliases", &t.aliases)) < 0 ||
                    (r = network_config_add_attachment(c, &t)) < 0)
                        return r;
        }
        return 0;
}

int network_config_from_json(const cJSON *o, NetworkConfig *ret) {
        _cleanup_(network_config_done) NetworkConfig c = {};
        int r;

        c.mode = network_mode_from_string(json_get_string(o, "Mode"));
        if (c.mode < 0)
                return -EINVAL;
        c.hostname = strdup(json_get_string(o, "Hostname") ?: "");
        if (!c.hostname)
                return -ENOMEM;
        if (json_get_string(o, "Network")) {
                const char *bip = json_get_string(o, "Bip"), *bridge = json_get_string(o, "Bridge");

                if (!bridge_fields_valid(bip, bridge) || mtu_from_json(o, &c.mtu) < 0)
                        return -EINVAL;
                c.network = strdup(json_get_string(o, "Network"));
                c.bip = strdup(bip);
                c.bridge = strdup(bridge);
                if (!c.network || !c.bip || !c.bridge)
                        return -ENOMEM;
        }
        /* An address asked for: of the user network's subnet only. */
        if (cJSON_GetObjectItemCaseSensitive(o, "IPv4Address")) {
                const char *ip = json_get_string(o, "IPv4Address");
                Subnet s;
                uint32_t address;

                if (!ip || !c.bip || subnet_parse_bip(c.bip, &s) < 0 ||
                    subnet_address_parse(&s, ip, &address) < 0)
                        return -EINVAL;
                c.ip = strdup(ip);
                if (!c.ip)
                        return -ENOMEM;
        }
        if ((r = json_get_strv(o, "Names", &c.names)) < 0 || (r = json_get_strv(o, "Dns", &c.dns)) < 0 ||
            (r = json_get_strv(o, "ExtraHosts", &c.extra_hosts)) < 0)
                return r;
        r = port_mappings_from_json(cJSON_GetObjectItemCaseSensitive(o, "Ports"), &c.ports, &c.n_ports);
        if (r < 0)
                return r;
        c.detached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "Detached"));
        r = attachments_from_json(cJSON_GetObjectItemCaseSensitive(o, "Connected"), &c);
        if (r < 0)
                return r;
        *ret = c;
        c = (NetworkConfig){};
        return 0;
}

int network_config_load(int bundle_fd, NetworkConfig *ret) {
        _cleanup_json_ cJSON *o = NULL;
        int r;

        r = json_parse_file_at(bundle_fd, NETWORK_CONFIG_FILE, NETWORK_FILE_MAX, &o);
        if (r < 0)
                return r;
        return network_config_from_json(o, ret);
}

int subnet_parse_bip(const char *s, Subnet *ret) {
        char buf[INET_ADDRSTRLEN];
        const char *slash = strchr(s, '/');
        struct in_addr a;
        char *end;
        unsigned long prefix;
        uint32_t ip, mask;

        if (!slash || (size_t)(slash - s) >= sizeof(buf))
                return -EINVAL;
        memcpy(buf, s, (size_t)(slash - s));
        buf[slash - s] = 0;
        if (inet_pton(AF_INET, buf, &a) != 1)
                return -EINVAL;
        errno = 0;
        prefix = strtoul(slash + 1, &end, 10);
        if (errno != 0 || *end != 0 || end == slash + 1 || prefix < 8 || prefix > 30)
                return -EINVAL;
        ip = ntohl(a.s_addr);
        mask = ~0U << (32 - prefix);
        /* The bridge's address must be a host of the subnet, not its network or broadcast address. */
        if ((ip & ~mask) == 0 || (ip & ~mask) == ~mask)
                return -EINVAL;
        *ret = (Subnet){
                .network = ip & mask,
                .prefixlen = (unsigned)prefix,
                .gateway = ip,
        };
        return 0;
}

int daemon_config_bridge_subnet(const char *daemon_json, Subnet *ret, char **ret_error) {
        _cleanup_json_ cJSON *o = NULL;
        const cJSON *bip;

        if (daemon_json) {
                o = cJSON_Parse(daemon_json);
                if (!o || !cJSON_IsObject(o))
                        return error_set(ret_error, -EINVAL, "daemon.json: not a JSON object");
        }
        bip = cJSON_GetObjectItemCaseSensitive(o, "bip");
        if (!bip)
                return subnet_parse_bip(NETWORK_DEFAULT_BIP, ret);
        if (!cJSON_IsString(bip) || subnet_parse_bip(bip->valuestring, ret) < 0)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "daemon.json: \"bip\" must be an IPv4 address with a prefix length of 8 to 30, "
                        "such as \"%s\"",
                        NETWORK_DEFAULT_BIP);
        return 0;
}

int daemon_config_bridge_mtu(const char *daemon_json, unsigned *ret, char **ret_error) {
        _cleanup_json_ cJSON *o = NULL;
        const cJSON *mtu;

        if (daemon_json) {
                o = cJSON_Parse(daemon_json);
                if (!o || !cJSON_IsObject(o))
                        return error_set(ret_error, -EINVAL, "daemon.json: not a JSON object");
        }
        mtu = cJSON_GetObjectItemCaseSensitive(o, "mtu");
        if (!mtu) {
                *ret = NETWORK_DEFAULT_MTU;
                return 0;
        }
        if (!cJSON_IsNumber(mtu) || mtu->valuedouble < NETWORK_MTU_MIN ||
            mtu->valuedouble > NETWORK_MTU_MAX || mtu->valuedouble != (double)mtu->valueint)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "daemon.json: \"mtu\" must be a number from %u to %u, such as 1500",
                        NETWORK_MTU_MIN,
                        NETWORK_MTU_MAX);
        *ret = (unsigned)mtu->valueint;
        return 0;
}

int mtu_parse(const char *s, unsigned *ret, char **ret_error) {
        unsigned long v;
        char *end;

        /* strtoul() would take a sign or blanks first. */
        if (s[0] < '0' || s[0] > '9')
                return error_set(ret_error, -EINVAL, "invalid MTU \"%s\": not a number", s);
        errno = 0;
        v = strtoul(s, &end, 10);
        if (*end != 0)
                return error_set(ret_error, -EINVAL, "invalid MTU \"%s\": not a number", s);
        if (errno != 0 || v < NETWORK_MTU_MIN || v > NETWORK_MTU_MAX)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "invalid MTU %s: it must be from %u to %u",
                        s,
                        NETWORK_MTU_MIN,
                        NETWORK_MTU_MAX);
        *ret = (unsigned)v;
        return 0;
}

void mac_from_ip(uint32_t ip, char ret[static 18]) {
        snprintf(
                ret,
                18,
                "02:42:%02x:%02x:%02x:%02x",
                (ip >> 24) & 0xff,
                (ip >> 16) & 0xff,
                (ip >> 8) & 0xff,
                ip & 0xff);
}

int subnet_address_parse(const Subnet *s, const char *text, uint32_t *ret) {
        uint32_t mask = ~0U << (32 - s->prefixlen), ip;
        struct in_addr a;

        if (inet_pton(AF_INET, text, &a) != 1)
                return -EINVAL;
        ip = ntohl(a.s_addr);
        if ((ip & mask) != s->network)
                return -ERANGE;
        if (ip == s->gateway || (ip & ~mask) == 0 || (ip & ~mask) == ~mask)
                return -EADDRINUSE;
        *ret = ip;
        return 0;
}

void ip_to_string(uint32_t ip, char ret[static 16]) {
        struct in_addr a = {.s_addr = htonl(ip)};

        inet_ntop(AF_INET, &a, ret, 16);
}

void network_endpoint_done(NetworkEndpoint *e) {
        free(e->network);
        *e = (NetworkEndpoint){};
}

NetworkEndpoint *network_state_find_endpoint(const NetworkState *s, const char *network) {
        for (size_t i = 0; i < s->n_connected; i++)
                if (streq(s->connected[i].network, network))
                        return &s->connected[i];
        return NULL;
}

void network_state_remove_endpoint(NetworkState *s, const char *network) {
        NetworkEndpoint *e = network_state_find_endpoint(s, network);

        if (!e)
                return;
        network_endpoint_done(e);
        memmove(e, e + 1, (size_t)(s->connected + s->n_connected - (e + 1)) * sizeof(NetworkEndpoint));
        s->n_connected--;
}

void network_state_done(NetworkState *s) {
        for (size_t i = 0; i < s->n_connected; i++)
                network_endpoint_done(&s->connected[i]);
        free(s->connected);
        free(s->network);
        free(s->bundle);
        free(s->ports);
        *s = (NetworkState){};
}

static int endpoint_to_json(const NetworkEndpoint *e, cJSON *array) {
        cJSON *o = cJSON_CreateObject();

        if (!o)
                return -ENOMEM;
        cJSON_AddItemToArray(array, o);
        if (!cJSON_AddStringToObject(o, "Network", e->network) ||
            !cJSON_AddStringToObject(o, "IPAddress", e->ip) ||
            !cJSON_AddNumberToObject(o, "IPPrefixLen", e->prefixlen) ||
            !cJSON_AddStringToObject(o, "Gateway", e->gateway) ||
            !cJSON_AddStringToObject(o, "MacAddress", e->mac) ||
            !cJSON_AddStringToObject(o, "Bridge", e->bridge) ||
            !cJSON_AddStringToObject(o, "Interface", e->ifname) ||
            !cJSON_AddStringToObject(o, "Veth", e->veth))
                return -ENOMEM;
        return 0;
}

int network_state_to_json(const NetworkState *s, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        cJSON *ports, *connected;

        if (!o || !cJSON_AddStringToObject(o, "IPAddress", s->ip) ||
            !cJSON_AddNumberToObject(o, "IPPrefixLen", s->prefixlen) ||
            !cJSON_AddStringToObject(o, "Gateway", s->gateway) ||
            !cJSON_AddStringToObject(o, "MacAddress", s->mac) ||
            !cJSON_AddStringToObject(o, "Bridge", s->bridge) ||
            (s->network && !cJSON_AddStringToObject(o, "Network", s->network)) ||
            (s->bundle && !cJSON_AddStringToObject(o, "Bundle", s->bundle)))
                return -ENOMEM;
        ports = port_mappings_to_json(s->ports, s->n_ports);
        if (!ports)
                return -ENOMEM;
        cJSON_AddItemToObject(o, "Ports", ports);
        connected = cJSON_AddArrayToObject(o, "Connected");
        if (!connected)
                return -ENOMEM;
        for (size_t i = 0; i < s->n_connected; i++)
                if (endpoint_to_json(&s->connected[i], connected) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static int copy_field(const cJSON *o, const char *key, char *dest, size_t size) {
        const char *v = json_get_string(o, key);

        if (!v || strlen(v) >= size)
                return -EINVAL;
        memcpy(dest, v, strlen(v) + 1);
        return 0;
}

static int endpoints_from_json(const cJSON *a, NetworkState *s) {
        const cJSON *o;

        if (!a)
                return 0;
        if (!cJSON_IsArray(a))
                return -EINVAL;
        cJSON_ArrayForEach (o, a) {
                NetworkEndpoint e = {}, *t;
                int64_t prefix = json_get_integer(o, "IPPrefixLen", -1);

                if (!json_get_string(o, "Network") || copy_field(o, "IPAddress", e.ip, sizeof(e.ip)) < 0 ||
                    copy_field(o, "Gateway", e.gateway, sizeof(e.gateway)) < 0 ||
                    copy_field(o, "MacAddress", e.mac, sizeof(e.mac)) < 0 ||
                    copy_field(o, "Bridge", e.bridge, sizeof(e.bridge)) < 0 ||
                    copy_field(o, "Interface", e.ifname, sizeof(e.ifname)) < 0 ||
                    copy_field(o, "Veth", e.veth, sizeof(e.veth)) < 0 || prefix < 0 || prefix > 32)
                        return -EINVAL;
                e.prefixlen = (unsigned)prefix;
                t = realloc(s->connected, (s->n_connected + 1) * sizeof(NetworkEndpoint));
                if (!t)
                        return -ENOMEM;
                s->connected = t;
                e.network = strdup(json_get_string(o, "Network"));
                if (!e.network)
                        return -ENOMEM;
                s->connected[s->n_connected++] = e;
        }
        return 0;
}

int network_state_from_json(const cJSON *o, NetworkState *ret) {
        _cleanup_(network_state_done) NetworkState s = {};
        int64_t prefix = json_get_integer(o, "IPPrefixLen", -1);
        int r;

        if (copy_field(o, "IPAddress", s.ip, sizeof(s.ip)) < 0 ||
            copy_field(o, "Gateway", s.gateway, sizeof(s.gateway)) < 0 ||
            copy_field(o, "MacAddress", s.mac, sizeof(s.mac)) < 0 ||
            copy_field(o, "Bridge", s.bridge, sizeof(s.bridge)) < 0 || prefix < 0 || prefix > 32)
                return -EINVAL;
        s.prefixlen = (unsigned)prefix;
        if ((json_get_string(o, "Network") && !(s.network = strdup(json_get_string(o, "Network")))) ||
            (json_get_string(o, "Bundle") && !(s.bundle = strdup(json_get_string(o, "Bundle")))))
                return -ENOMEM;
        r = port_mappings_from_json(cJSON_GetObjectItemCaseSensitive(o, "Ports"), &s.ports, &s.n_ports);
        if (r < 0)
                return r;
        r = endpoints_from_json(cJSON_GetObjectItemCaseSensitive(o, "Connected"), &s);
        if (r < 0)
                return r;
        *ret = s;
        s = (NetworkState){};
        return 0;
}

int network_state_path(const char *run_dir, const char *id, char **ret) {
        return asprintf(ret, "%s/network/containers/%s.json", run_dir, id) < 0 ? -ENOMEM : 0;
}

int network_state_load(const char *run_dir, const char *id, NetworkState *ret) {
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ cJSON *o = NULL;
        int r;

        r = network_state_path(run_dir, id, &path);
        if (r < 0)
                return r;
        r = json_parse_file_at(AT_FDCWD, path, NETWORK_FILE_MAX, &o);
        if (r < 0)
                return r;
        return network_state_from_json(o, ret);
}
