/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What berthd decides at create time and berth-network reads at every start: the bundle's network.json.
 * And what berth-network found at start (address, the host ports it picked) for berthd to show: the
 * network state file under the run directory. */

#include <stdint.h>

#include "port-spec.h"

#define NETWORK_CONFIG_FILE "network.json"
#define NETWORK_BRIDGE_NAME "berth0"
#define NETWORK_DEFAULT_BIP "172.17.0.1/16"
/* The MTU of berth's bridges and of the containers' interfaces on them unless daemon.json's "mtu" or the
 * network's com.docker.network.driver.mtu says otherwise: Podman's for its rootless networks, for the same
 * reason. The bridge is internal to the host, so segments the size of loopback's keep a published port as
 * fast as loopback (1500, Docker's, halves it); traffic that leaves the host gets the outside path's MTU
 * from TCP's MSS and from path MTU discovery, the host being the first hop. */
#define NETWORK_DEFAULT_MTU 65520U
#define NETWORK_MTU_MIN 68U
#define NETWORK_MTU_MAX 65535U
#define NETWORK_OPTION_MTU "com.docker.network.driver.mtu"

typedef enum NetworkMode {
        NETWORK_MODE_BRIDGE,
        NETWORK_MODE_NONE,
        NETWORK_MODE_HOST,
        _NETWORK_MODE_MAX,
        _NETWORK_MODE_INVALID = -EINVAL,
} NetworkMode;

const char *network_mode_to_string(NetworkMode m);
NetworkMode network_mode_from_string(const char *s);

/* A user network the container was connected to after create (berth network connect): its interfaces
 * eth1, eth2, … in this order; the first network keeps eth0 and the default route. */
typedef struct NetworkAttachment {
        char *network;
        char *bip;
        char *bridge;
        char **aliases; /* --alias: more names on this network, after the container's name */
        char *ip;       /* --ip: the address asked for; NULL: the lowest free one */
        unsigned mtu; /* a user network's; 0: NETWORK_DEFAULT_MTU (the default bridge's is daemon.json's) */
} NetworkAttachment;

typedef struct NetworkConfig {
        NetworkMode mode;
        char *network; /* a user network (network-store.h); NULL: the default bridge */
        char *bip;     /* the user network's gateway/prefix ("172.18.0.1/16") */
        char *bridge;  /* the user network's bridge */
        unsigned
                mtu; /* the user network's; 0: NETWORK_DEFAULT_MTU (the default bridge's is daemon.json's) */
        char *ip;    /* --ip: the address asked for on the user network; NULL: the lowest free one */
        bool detached; /* disconnected from the network above (or the default bridge): no eth0, no ports */
        char *hostname;
        char **names; /* the container's name and --network-alias: its own line in /etc/hosts, and what
                       * the other containers of a user network find it by */
        char **dns;
        char **extra_hosts;
        PortMapping *ports;
        size_t n_ports;
        NetworkAttachment *connected;
        size_t n_connected;
} NetworkConfig;

void network_attachment_done(NetworkAttachment *a);
void network_config_done(NetworkConfig *c);
/* The attachment to network, or NULL. */
NetworkAttachment *network_config_find_attachment(const NetworkConfig *c, const char *network);
/* Appends a (taking its contents) or removes the attachment to network. */
int network_config_add_attachment(NetworkConfig *c, NetworkAttachment *a);
void network_config_remove_attachment(NetworkConfig *c, const char *network);
int network_config_to_json(const NetworkConfig *c, cJSON **ret);
int network_config_from_json(const cJSON *o, NetworkConfig *ret);
int network_config_load(int bundle_fd, NetworkConfig *ret);

/* An IPv4 subnet with its gateway, host byte order. */
typedef struct Subnet {
        uint32_t network;
        unsigned prefixlen;
        uint32_t gateway;
} Subnet;

/* Docker's "bip": the bridge's address with the prefix length, "172.17.0.1/16". Prefix 8 to 30. */
int subnet_parse_bip(const char *s, Subnet *ret);
/* The "bip" of daemon.json text (NULL: no file), or NETWORK_DEFAULT_BIP. -EINVAL with a message. */
int daemon_config_bridge_subnet(const char *daemon_json, Subnet *ret, char **ret_error);
/* The "mtu" of daemon.json text (NULL: no file), or NETWORK_DEFAULT_MTU. -EINVAL with a message. */
int daemon_config_bridge_mtu(const char *daemon_json, unsigned *ret, char **ret_error);
/* An MTU as text (the value of com.docker.network.driver.mtu): decimal, NETWORK_MTU_MIN to NETWORK_MTU_MAX.
 * -EINVAL with a message. */
int mtu_parse(const char *s, unsigned *ret, char **ret_error);

/* Docker's MAC for an address: 02:42 and the four bytes of the address. */
void mac_from_ip(uint32_t ip, char ret[static 18]);
/* An address asked for on subnet s (--ip), in host byte order: -EINVAL when text is not an IPv4 address,
 * -ERANGE when s does not contain it, -EADDRINUSE for s's network, gateway and broadcast addresses. */
int subnet_address_parse(const Subnet *s, const char *text, uint32_t *ret);
void ip_to_string(uint32_t ip, char ret[static 16]);

/* What berth-network made for a NetworkAttachment of a running container. */
typedef struct NetworkEndpoint {
        char *network;
        char ip[16];
        unsigned prefixlen;
        char gateway[16];
        char mac[18];
        char bridge[16];
        char ifname[16]; /* eth1, … in the container */
        char veth[16];   /* the host end */
} NetworkEndpoint;

typedef struct NetworkState {
        char *network; /* NULL: the default bridge */
        char *bundle;
        char ip[16];
        unsigned prefixlen;
        char gateway[16];
        char mac[18];
        char bridge[16];
        PortMapping *ports; /* host ports as published (picked ones filled in) */
        size_t n_ports;
        NetworkEndpoint *connected;
        size_t n_connected;
} NetworkState;

void network_endpoint_done(NetworkEndpoint *e);
/* The endpoint on network, or NULL. */
NetworkEndpoint *network_state_find_endpoint(const NetworkState *s, const char *network);
void network_state_remove_endpoint(NetworkState *s, const char *network);

void network_state_done(NetworkState *s);
int network_state_to_json(const NetworkState *s, cJSON **ret);
int network_state_from_json(const cJSON *o, NetworkState *ret);
/* <run_dir>/network/containers/<id>.json */
int network_state_path(const char *run_dir, const char *id, char **ret);
int network_state_load(const char *run_dir, const char *id, NetworkState *ret);
