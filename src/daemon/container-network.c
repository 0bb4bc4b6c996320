/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container-network.h"
#include "error-set.h"
#include "fileio.h"
#include "hosts-file.h"
#include "json-util.h"
#include "network-store.h"
#include "strv.h"

#define RESOLV_CONF_MAX (64U * 1024U)
#define START_ERROR_MAX 4096U
#define DAEMON_JSON_MAX (1024U * 1024U)

void container_network_options_done(ContainerNetworkOptions *o) {
        free(o->network_mode);
        strv_free(o->aliases);
        free(o->ip);
        strv_free(o->port_bindings);
        strv_free(o->dns);
        strv_free(o->extra_hosts);
}

/* An exposed port ("80/tcp", "53/udp", "8080") published on a free host port. */
static int add_exposed(const char *key, PortMapping **ports, size_t *n) {
        _cleanup_free_ char *spec = NULL;

        /* Images may expose ranges ("8000-8010/tcp"), which the -p parser takes as they are. */
        if (strchr(key, ':'))
                return -EINVAL;
        spec = strdup(key);
        if (!spec)
                return -ENOMEM;
        return port_spec_parse(spec, ports, n, NULL);
}

int container_network_requested_address(const Subnet *s, bool configured, const char *ip, char **ret_error) {
        uint32_t address;
        int r;

        if (!configured)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "user specified IP address is supported only when connecting to networks with user "
                        "configured subnets");
        r = subnet_address_parse(s, ip, &address);
        if (r == -EINVAL)
                return error_set(ret_error, -EINVAL, "invalid IPv4 address: %s", ip);
        if (r == -ERANGE)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "Invalid address %s: It does not belong to any of this network's subnets",
                        ip);
        if (r == -EADDRINUSE)
                return error_set(ret_error, -EADDRINUSE, "Address already in use");
        return r;
}

int container_network_resolve(
        const char *state_dir,
        const ContainerNetworkOptions *o,
        char *const *exposed_ports,
        const char *name,
        const char *hostname,
        NetworkConfig *ret,
        char **ret_error) {
        _cleanup_(network_config_done) NetworkConfig c = {};
        int r;

        c.mode = o->network_mode ? network_mode_from_string(o->network_mode) : NETWORK_MODE_BRIDGE;
        if (c.mode < 0) {
                _cleanup_(user_network_freep) UserNetwork *n = NULL;
                char bip[20];

                r = user_network_get(state_dir, o->network_mode, &n);
                if (r == -ENOENT)
                        return error_set(ret_error, -ENOENT, "network %s not found", o->network_mode);
                if (r < 0)
                        return r;
                /* The network's own addresses are bad input here: nothing holds them at create time. */
                if (o->ip && (r = container_network_requested_address(
                                      &n->subnet, n->subnet_configured, o->ip, ret_error)) < 0)
                        return r == -EADDRINUSE ? -EINVAL : r;
                subnet_to_bip(&n->subnet, bip);
                c.mode = NETWORK_MODE_BRIDGE;
                c.ip = o->ip ? strdup(o->ip) : NULL;
                if (o->ip && !c.ip)
                        return -ENOMEM;
                c.network = strdup(n->name);
                c.bip = strdup(bip);
                c.bridge = strdup(n->bridge);
                c.mtu = n->mtu;
                if (!c.network || !c.bip || !c.bridge)
                        return -ENOMEM;
        }
        if (o->ip && !c.network)
                return error_set(ret_error, -EINVAL, CONTAINER_NETWORK_ERROR_IP_PREDEFINED);
        if (o->aliases && !c.network)
                return error_set(
                        ret_error,
                        -EINVAL,
                        "network-scoped alias is supported only for containers in user defined networks");
        STRV_FOREACH (a, o->aliases)
                if (extra_host_validate_name(*a) < 0)
                        return error_set(ret_error, -EINVAL, "invalid network alias: %s", *a);

        STRV_FOREACH (p, o->port_bindings) {
                r = port_spec_parse(*p, &c.ports, &c.n_ports, ret_error);
                if (r < 0)
                        return r;
        }
        if (o->publish_all)
                STRV_FOREACH (e, (char **)exposed_ports) {
                        r = add_exposed(*e, &c.ports, &c.n_ports);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                return error_set(
                                        ret_error, -EINVAL, "invalid exposed port in the image: %s", *e);
                }
        /* Docker publishes nothing without the bridge, and says so only as a warning. */
        if (c.mode != NETWORK_MODE_BRIDGE) {
                free(c.ports);
                c.ports = NULL;
                c.n_ports = 0;
        }
        STRV_FOREACH (d, o->dns)
                if (dns_server_validate(*d) < 0)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "invalid argument \"%s\" for \"--dns\" flag: %s is not an ip address",
                                *d,
                                *d);
        STRV_FOREACH (h, o->extra_hosts)
                if (extra_host_validate(*h) < 0)
                        return error_set(
                                ret_error,
                                -EINVAL,
                                "invalid argument \"%s\" for \"--add-host\" flag: bad format for add-host: "
                                "\"%s\"",
                                *h,
                                *h);

        c.hostname = strdup(hostname);
        c.dns = strv_copy(o->dns);
        c.extra_hosts = strv_copy(o->extra_hosts);
        if (!c.hostname || (o->dns && !c.dns) || (o->extra_hosts && !c.extra_hosts) ||
            strv_extend(&c.names, name) < 0)
                return -ENOMEM;
        STRV_FOREACH (a, o->aliases)
                if (!strv_contains(c.names, *a) && strv_extend(&c.names, *a) < 0)
                        return -ENOMEM;
        *ret = c;
        c = (NetworkConfig){};
        return 0;
}

int container_network_write_bundle(const char *bundle, const NetworkConfig *config) {
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_free_ char *hosts = NULL, *host_resolv = NULL, *resolv = NULL;
        int r;

        fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        r = network_config_to_json(config, &o);
        if (r < 0)
                return r;
        r = json_write_file_atomic_at(fd, NETWORK_CONFIG_FILE, o);
        if (r < 0 || config->mode == NETWORK_MODE_BRIDGE)
                return r;

        r = hosts_file_build(NULL, NULL, config->hostname, config->names, config->extra_hosts, &hosts);
        if (r < 0)
                return r;
        r = read_full_file_at(AT_FDCWD, "/etc/resolv.conf", RESOLV_CONF_MAX, &host_resolv, NULL);
        if (r < 0 && r != -ENOENT)
                return r;
        r = resolv_conf_build(host_resolv, config->dns, config->mode == NETWORK_MODE_HOST, &resolv);
        if (r < 0)
                return r;
        r = write_file_atomic_at(fd, "hosts", hosts, strlen(hosts), 0644);
        if (r < 0)
                return r;
        return write_file_atomic_at(fd, "resolv.conf", resolv, strlen(resolv), 0644);
}

int container_network_start_error(const Container *c, char **ret) {
        _cleanup_close_ int fd = open(c->bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return read_full_file_at(fd, "network-error", START_ERROR_MAX, ret, NULL);
}

/* daemon.json's text in *ret, NULL when there is none. */
static int daemon_json_read(char **ret) {
        int r = read_full_file_at(AT_FDCWD, CONTAINER_NETWORK_DAEMON_JSON, DAEMON_JSON_MAX, ret, NULL);

        if (r == -ENOENT) {
                *ret = NULL;
                return 0;
        }
        return r;
}

int container_network_default_subnet(Subnet *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = daemon_json_read(&text);
        return r < 0 ? r : daemon_config_bridge_subnet(text, ret, NULL);
}

int container_network_default_mtu(unsigned *ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = daemon_json_read(&text);
        return r < 0 ? r : daemon_config_bridge_mtu(text, ret, NULL);
}

bool container_network_needs_setup(const Container *c) {
        return c->network_mode == NETWORK_MODE_BRIDGE;
}
