/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth-network: the bridge network of one container, run by its unit. ExecStart= "setup BUNDLE -- RUNTIME"
 * makes the network namespace the runtime joins, the veth pair, the address, NAT and published ports, then
 * becomes the runtime; ExecStopPost= "teardown BUNDLE -- RUNTIME stop-post" removes all of it, then becomes
 * the runtime's stop-post. systemd runs both on every start and stop, also for Restart= and after the
 * monitor was killed. Setup and teardown of all containers are serialized by one
 * lock, and setup first removes whatever a previous run of the same container left behind. berthd runs
 * "connect BUNDLE NETWORK" and "disconnect BUNDLE NETWORK" for a running container (berth network
 * connect): under the same lock, recorded in the same state file, so that teardown removes those too. */

#include <arpa/inet.h>
#include <fcntl.h>
#include <libgen.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "hosts-file.h"
#include "json-util.h"
#include "lease-dir.h"
#include "link-setup.h"
#include "log.h"
#include "netns.h"
#include "network-config.h"
#include "network-members.h"
#include "network-store.h"
#include "nft-rules.h"
#include "nft-run.h"

#define EXIT_ENGINE_ERROR 125
#define NETWORK_DIR BERTH_RUN_DIR "/network"
#define NETNS_DIR BERTH_RUN_DIR "/netns"
#define DAEMON_JSON BERTH_CONFIG_DIR "/daemon.json"
#define START_ERROR_FILE "network-error"
#define NFT_MARKER NETWORK_DIR "/nft-table"
#define SMALL_FILE_MAX (64U * 1024U)

typedef struct Dirs {
        int lock_fd;
        int ports_fd;
} Dirs;

static void dirs_done(Dirs *d) {
        safe_close(d->lock_fd);
        safe_close(d->ports_fd);
}

static int open_dir(const char *path, int *ret) {
        int r = mkdir_p(path, 0755);

        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", path);
        *ret = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return *ret < 0 ? log_error_errno(errno, "Failed to open %s: %m", path) : 0;
}

/* Takes the lock every setup and teardown holds. */
static int dirs_open(Dirs *d) {
        int r;

        *d = (Dirs){.lock_fd = -EBADF, .ports_fd = -EBADF};
        if ((r = open_dir(NETWORK_DIR "/containers", &d->lock_fd)) < 0 ||
            (r = open_dir(NETWORK_DIR "/ports", &d->ports_fd)) < 0 || (r = mkdir_p(NETNS_DIR, 0755)) < 0)
                return r;
        if (flock(d->lock_fd, LOCK_EX) < 0)
                return log_error_errno(errno, "Failed to lock %s: %m", NETWORK_DIR);
        return 0;
}

/* The address leases of the default bridge network (NULL, or "bridge" when connected to it), or of a user
 * network. */
static int leases_dir(const char *network, char **ret) {
        if (!network || streq(network, "bridge"))
                return (*ret = strdup(NETWORK_DIR "/bridge/leases")) ? 0 : -ENOMEM;
        return asprintf(ret, NETWORK_DIR "/networks/%s/leases", network) < 0 ? -ENOMEM : 0;
}

static int release_address(const char *network, const char *id) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -EBADF;
        int r;

        r = leases_dir(network, &path);
        if (r < 0)
                return r;
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return errno == ENOENT ? 0 : -errno;
        return lease_release_owner(fd, id);
}

static void veth_name(const char *id, char ret[static 16]) {
        snprintf(ret, 16, "vb%.11s", id);
}

static int netns_path(const char *id, char **ret) {
        return asprintf(ret, NETNS_DIR "/%s", id) < 0 ? -ENOMEM : 0;
}

/* Deletes the map elements of ports, each on its own: a batch fails as a whole when one is missing. */
static void nft_delete_elements(const char *ip, const PortMapping *ports, size_t n) {
        _cleanup_free_ char *commands = NULL;
        char *line, *save = NULL;

        if (n == 0 || nft_teardown_commands(ip, ports, n, &commands) < 0)
                return;
        if (nft_run(commands, NULL) >= 0)
                return;
        for (line = strtok_r(commands, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
                (void)nft_run(line, NULL);
}

/* The isolation chain of a network (nft-rules.h), made with its bridge or its table. */
static int nft_isolate(const char *bridge, const Subnet *subnet, bool add, char **ret_error) {
        _cleanup_free_ char *chain = NULL, *element = NULL;
        int r;

        r = nft_isolation_commands(bridge, subnet, add, &chain, &element);
        if (r < 0)
                return log_oom();
        r = nft_run(chain, ret_error);
        if (r >= 0 && element)
                r = nft_run(element, ret_error);
        return r;
}

/* After a container left a user network: the others' hosts files without it, and the bridge and the
 * subnet's NAT gone with the last one. */
static int user_network_left(const char *network, const NetworkState *state) {
        NetworkState *members = NULL;
        size_t n = 0;
        int r;

        /* The default bridge (connected to later): berth0 stays, and it has no names to resolve. */
        if (streq(network, "bridge"))
                return 0;
        r = network_members(network, &members, &n);
        network_members_free(members, n);
        if (r < 0)
                return log_error_errno(r, "Failed to list the containers of network %s: %m", network);
        if (n > 0)
                return network_hosts_refresh(network);
        if (state) {
                _cleanup_free_ char *command = NULL, *leases = NULL;
                Subnet s = {.prefixlen = state->prefixlen};
                struct in_addr a;
                char subnet[20];

                if (inet_pton(AF_INET, state->gateway, &a) == 1 && s.prefixlen >= 8 && s.prefixlen <= 30) {
                        s.network = ntohl(a.s_addr) & (~0U << (32 - s.prefixlen));
                        subnet_to_string(&s, subnet);
                        if (asprintf(&command, "delete element ip berth subnets { %s }\n", subnet) >= 0)
                                (void)nft_run(command, NULL);
                        (void)nft_isolate(state->bridge, &s, false, NULL);
                        (void)unlink(NFT_MARKER);
                }
                /* Its (empty) lease directory, which a removed network would leave behind. */
                if (leases_dir(network, &leases) >= 0 && rmdir(leases) >= 0)
                        (void)rmdir(dirname(leases));
                return link_delete(state->bridge);
        }
        return 0;
}

/* What user_network_left() needs of an endpoint: its network, gateway, prefix and bridge. */
static void endpoint_as_state(const NetworkEndpoint *e, NetworkState *ret) {
        *ret = (NetworkState){.prefixlen = e->prefixlen};
        memcpy(ret->ip, e->ip, sizeof(e->ip));
        memcpy(ret->gateway, e->gateway, sizeof(e->gateway));
        memcpy(ret->bridge, e->bridge, sizeof(e->bridge));
}

/* Removes everything of container id; what is not there is fine. wait_for_links: delete the veth pair
 * before returning (setup, which makes it again); otherwise its bridge port is disabled and it goes with the
 * network namespace, as the kernel destroys that in the background, and teardown does not wait for the RCU
 * barrier of a link's deletion. */
static int teardown_locked(const Dirs *d, const char *id, const char *network, bool wait_for_links) {
        _cleanup_(network_state_done) NetworkState state = {};
        _cleanup_free_ char *state_path = NULL, *ns = NULL;
        char veth[16];
        int r, ret = 0;

        r = network_state_path(BERTH_RUN_DIR, id, &state_path);
        if (r < 0)
                return r;
        r = network_state_load(BERTH_RUN_DIR, id, &state);
        if (r >= 0)
                nft_delete_elements(state.ip, state.ports, state.n_ports);
        else if (r != -ENOENT)
                log_warning_errno(r, "Failed to read %s, ports may stay published: %m", state_path);

        veth_name(id, veth);
        r = wait_for_links ? link_delete(veth) : bridge_port_disable(veth);
        if (r < 0)
                ret = r;
        for (size_t i = 0; i < state.n_connected; i++) {
                const NetworkEndpoint *e = &state.connected[i];

                r = wait_for_links ? link_delete(e->veth) : bridge_port_disable(e->veth);
                if (r < 0)
                        ret = r;
                if ((r = release_address(e->network, id)) < 0)
                        ret = log_error_errno(
                                r, "Failed to release the address of %s on %s: %m", id, e->network);
        }
        r = netns_path(id, &ns);
        if (r < 0)
                return r;
        r = netns_remove(ns);
        if (r < 0)
                ret = r;
        /* The network the state names, else the one the caller knows of. */
        if (state.network)
                network = state.network;
        if ((r = release_address(network, id)) < 0 || (r = lease_release_owner(d->ports_fd, id)) < 0)
                ret = log_error_errno(r, "Failed to release the leases of %s: %m", id);
        if (unlink(state_path) < 0 && errno != ENOENT)
                ret = log_error_errno(errno, "Failed to remove %s: %m", state_path);
        if (network) {
                r = user_network_left(network, state.ip[0] ? &state : NULL);
                if (r < 0)
                        ret = r;
        }
        for (size_t i = 0; i < state.n_connected; i++) {
                _cleanup_(network_state_done) NetworkState left = {};

                endpoint_as_state(&state.connected[i], &left);
                r = user_network_left(state.connected[i].network, &left);
                if (r < 0)
                        ret = r;
        }
        return ret;
}

static int write_sysctl(const char *path, const char *value) {
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", path);
        return loop_write(fd, value, strlen(value)) < 0
                       ? log_error_errno(errno, "Failed to write %s: %m", path)
                       : 0;
}

/* Whether a host process holds the port: Docker's proxy would fail to bind it, and DNAT would hide it. */
static bool host_port_free(const PortMapping *m, uint16_t port) {
        _cleanup_close_ int fd = -EBADF;
        struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
        int one = 1;

        if (!isempty(m->host_ip))
                inet_pton(AF_INET, m->host_ip, &sa.sin_addr);
        fd = socket(AF_INET, (m->proto == PORT_PROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return true;
        (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        return bind(fd, (struct sockaddr *)&sa, sizeof(sa)) >= 0 || errno != EADDRINUSE;
}

static int port_try(const Dirs *d, const char *id, const PortMapping *m, uint16_t port) {
        char name[16];
        int r;

        snprintf(name, sizeof(name), "%s-%u", port_proto_to_string(m->proto), port);
        r = lease_acquire(d->ports_fd, name, id);
        if (r < 0)
                return r;
        if (!host_port_free(m, port)) {
                (void)unlinkat(d->ports_fd, name, 0);
                return -EADDRINUSE;
        }
        return 0;
}

static void ephemeral_range(uint16_t *ret_lo, uint16_t *ret_hi) {
        _cleanup_free_ char *s = NULL;
        unsigned lo = 32768, hi = 60999;

        if (read_full_file_at(AT_FDCWD, "/proc/sys/net/ipv4/ip_local_port_range", 64, &s, NULL) >= 0)
                (void)sscanf(s, "%u %u", &lo, &hi);
        if (lo == 0 || hi > 65535 || lo > hi)
                lo = 32768, hi = 60999;
        *ret_lo = (uint16_t)lo;
        *ret_hi = (uint16_t)hi;
}

/* Reserves each mapping's host port; picks one for a range or for none given. */
static int ports_reserve(const Dirs *d, const char *id, PortMapping *ports, size_t n, char **ret_error) {
        for (size_t i = 0; i < n; i++) {
                PortMapping *m = &ports[i];
                const char *ip = isempty(m->host_ip) ? "0.0.0.0" : m->host_ip;
                uint16_t lo = m->host_port, hi = m->host_port_end;
                uint32_t start, span;
                int r = -EADDRINUSE;

                if (lo == m->host_port_end && lo != 0) {
                        r = port_try(d, id, m, lo);
                        if (r == -EADDRINUSE)
                                return asprintf(
                                               ret_error,
                                               "Bind for %s:%u failed: port is already allocated",
                                               ip,
                                               lo) < 0
                                               ? -ENOMEM
                                               : -EADDRINUSE;
                        if (r < 0)
                                return r;
                        continue;
                }
                if (lo == 0)
                        ephemeral_range(&lo, &hi);
                span = (uint32_t)(hi - lo) + 1;
                if (getrandom(&start, sizeof(start), 0) != (ssize_t)sizeof(start))
                        start = 0;
                for (uint32_t k = 0; k < span && r == -EADDRINUSE; k++) {
                        uint16_t port = (uint16_t)(lo + (start + k) % span);

                        r = port_try(d, id, m, port);
                        if (r >= 0)
                                m->host_port = m->host_port_end = port;
                }
                if (r == -EADDRINUSE)
                        return asprintf(
                                       ret_error,
                                       "Bind for %s:%u-%u failed: all ports are allocated",
                                       ip,
                                       lo,
                                       hi) < 0
                                       ? -ENOMEM
                                       : -EADDRINUSE;
                if (r < 0)
                        return r;
        }
        return 0;
}

/* The table is made by the first container after a boot (or after someone flushed the ruleset); the others
 * only add their elements. The marker names the subnet the table was made for: a container without ports
 * then needs no nftables at all. Returns 1 when it made the table. */
static int
nft_publish(const Subnet *subnet, const char *ip, const PortMapping *ports, size_t n, char **ret_error) {
        _cleanup_free_ char *commands = NULL, *marker = NULL, *current = NULL;
        char network[16];
        bool made;
        int r;

        ip_to_string(subnet->network, network);
        if (asprintf(&marker, "%s/%u\n", network, subnet->prefixlen) < 0)
                return log_oom();
        if (read_full_file_at(AT_FDCWD, NFT_MARKER, SMALL_FILE_MAX, &current, NULL) < 0)
                current = NULL;
        if (n == 0 && streq_ptr(current, marker))
                return 0;

        r = nft_setup_commands(subnet, ip, ports, n, false, &commands);
        if (r < 0)
                return log_oom();
        made = nft_run(commands, NULL) < 0;
        if (made) {
                free(commands);
                r = nft_setup_commands(subnet, ip, ports, n, true, &commands);
                if (r < 0)
                        return log_oom();
                /* The host ports are ours (their leases say so): an element for one is a leftover of a
                 * teardown that never ran, and goes. */
                if (nft_run(commands, NULL) < 0) {
                        nft_delete_elements(ip, ports, n);
                        r = nft_run(commands, ret_error);
                        if (r < 0)
                                return r;
                }
        }
        if (!streq_ptr(current, marker) && (r = write_string_file_atomic(NFT_MARKER, marker)) < 0)
                log_warning_errno(r, "Failed to write %s: %m", NFT_MARKER);
        return made;
}

typedef struct InterfaceArgs {
        const char *ifname;
        uint32_t ip, gateway; /* gateway 0: no default route */
        unsigned prefixlen;
} InterfaceArgs;

static int configure_interfaces(void *userdata) {
        const InterfaceArgs *a = userdata;
        return container_interfaces_configure(a->ifname, a->ip, a->prefixlen, a->gateway);
}

static int loopback_up(void *userdata) {
        return container_loopback_up();
}

static int state_save(const char *id, const NetworkState *state) {
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = network_state_to_json(state, &o);
        if (r >= 0)
                r = network_state_path(BERTH_RUN_DIR, id, &path);
        if (r >= 0)
                r = json_write_file_atomic_at(AT_FDCWD, path, o);
        return r < 0 ? log_error_errno(r, "Failed to write the network state of %s: %m", id) : 0;
}

static int
write_bundle_files(int bundle_fd, const NetworkConfig *config, const char *ip, const char *gateway) {
        _cleanup_free_ char *hosts = NULL, *host_resolv = NULL, *resolv = NULL;
        int r;

        r = hosts_file_build(ip, gateway, config->hostname, config->names, config->extra_hosts, &hosts);
        if (r < 0)
                return r;
        r = read_full_file_at(AT_FDCWD, "/etc/resolv.conf", SMALL_FILE_MAX, &host_resolv, NULL);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Failed to read /etc/resolv.conf: %m");
        r = resolv_conf_build(host_resolv, config->dns, false, &resolv);
        if (r < 0)
                return r;
        /* Made again at every start: no fsync. */
        r = write_file_replace_at(bundle_fd, "hosts", hosts, strlen(hosts), 0644);
        if (r >= 0)
                r = write_file_replace_at(bundle_fd, "resolv.conf", resolv, strlen(resolv), 0644);
        return r < 0 ? log_error_errno(r, "Failed to write the container's hosts and resolv.conf: %m") : 0;
}

/* The address a container asked for (--ip) on subnet, leased for owner: Docker's messages in *ret_error. */
static int address_acquire(
        int leases_fd,
        const Subnet *subnet,
        const char *text,
        const char *owner,
        uint32_t *ret,
        char **ret_error) {
        char name[16];
        int r;

        r = subnet_address_parse(subnet, text, ret);
        if (r == -EINVAL || r == -ERANGE)
                return asprintf(
                               ret_error,
                               "Invalid address %s: It does not belong to any of this network's subnets",
                               text) < 0
                               ? -ENOMEM
                               : -ERANGE;
        if (r >= 0) {
                ip_to_string(*ret, name);
                r = lease_acquire(leases_fd, name, owner);
        }
        if (r == -EADDRINUSE)
                return asprintf(ret_error, "Address already in use") < 0 ? -ENOMEM : r;
        return r < 0 ? log_error_errno(r, "Failed to lease %s: %m", text) : 0;
}

/* The MTU of a's network: a user network's own, the default bridge's from daemon.json. */
static int attachment_mtu(const NetworkAttachment *a, unsigned *ret, char **ret_error) {
        _cleanup_free_ char *daemon_json = NULL;
        int r;

        if (!streq(a->network, "bridge")) {
                *ret = a->mtu ?: NETWORK_DEFAULT_MTU;
                return 0;
        }
        r = read_full_file_at(AT_FDCWD, DAEMON_JSON, SMALL_FILE_MAX, &daemon_json, NULL);
        if (r < 0 && r != -ENOENT)
                return log_error_errno(r, "Failed to read %s: %m", DAEMON_JSON);
        return daemon_config_bridge_mtu(daemon_json, ret, ret_error);
}

/* Connects the running container id (its network state in state) to the network of a: the next free ethN,
 * the address asked for or the lowest free one of that network, and the default route only when the
 * container is on no other network. The endpoint goes into the state file before anything is made, so that
 * teardown finds it whatever happens next. */
static int attach_locked(const char *id, NetworkState *state, const NetworkAttachment *a, char **ret_error) {
        _cleanup_free_ char *leases_path = NULL, *ns = NULL;
        _cleanup_close_ int leases_fd = -EBADF, ns_fd = -EBADF;
        NetworkEndpoint *e, *t;
        InterfaceArgs args;
        Subnet subnet;
        bool bridge_created;
        unsigned index = state->ip[0] ? 1 : 0; /* eth0 is the first network's, unless it left that */
        unsigned mtu;
        uint32_t ip;
        int bridge, r;

        r = subnet_parse_bip(a->bip, &subnet);
        if (r < 0)
                return log_error_errno(r, "Invalid subnet of network %s: %s", a->network, a->bip);
        r = attachment_mtu(a, &mtu, ret_error);
        if (r < 0)
                return r;
        /* The lowest ethN no other endpoint has. */
        for (size_t i = 0; i < state->n_connected; i++) {
                char name[16];

                snprintf(name, sizeof(name), "eth%u", index);
                if (streq(state->connected[i].ifname, name)) {
                        index++;
                        i = (size_t)-1;
                }
        }
        r = leases_dir(a->network, &leases_path);
        if (r < 0)
                return log_oom();
        r = open_dir(leases_path, &leases_fd);
        if (r < 0)
                return r;
        r = a->ip ? address_acquire(leases_fd, &subnet, a->ip, id, &ip, ret_error)
                  : ipam_allocate(leases_fd, &subnet, id, &ip);
        if (r == -ENOSPC)
                return asprintf(ret_error, "no available IPv4 addresses on network %s", a->network) < 0
                               ? -ENOMEM
                               : r;
        if (r == -EADDRINUSE || r == -ERANGE)
                return r;
        if (r < 0)
                return log_error_errno(r, "Failed to lease an address: %m");

        t = realloc(state->connected, (state->n_connected + 1) * sizeof(NetworkEndpoint));
        if (!t)
                return log_oom();
        state->connected = t;
        e = &state->connected[state->n_connected];
        *e = (NetworkEndpoint){.network = strdup(a->network), .prefixlen = subnet.prefixlen};
        if (!e->network)
                return log_oom();
        state->n_connected++;
        ip_to_string(ip, e->ip);
        ip_to_string(subnet.gateway, e->gateway);
        mac_from_ip(ip, e->mac);
        snprintf(e->bridge, sizeof(e->bridge), "%s", a->bridge);
        snprintf(e->ifname, sizeof(e->ifname), "eth%u", index);
        snprintf(e->veth, sizeof(e->veth), "vx%.11s%u", id, index);
        r = state_save(id, state);
        if (r < 0)
                return r;

        r = netns_path(id, &ns);
        if (r < 0)
                return log_oom();
        bridge = bridge_ensure(a->bridge, &subnet, mtu, &bridge_created);
        if (bridge < 0)
                return bridge;
        r = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1");
        if (r < 0)
                return r;
        ns_fd = open(ns, O_RDONLY | O_CLOEXEC);
        if (ns_fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", ns);
        r = veth_create(e->veth, bridge, ns_fd, e->ifname, e->mac, mtu);
        if (r < 0)
                return r;
        args = (InterfaceArgs){
                .ifname = e->ifname,
                .ip = ip,
                .prefixlen = subnet.prefixlen,
                .gateway = !state->ip[0] && state->n_connected == 1 ? subnet.gateway : 0,
        };
        r = netns_run(ns, configure_interfaces, &args);
        if (r < 0)
                return r;
        r = nft_publish(&subnet, e->ip, NULL, 0, ret_error);
        if (r >= 0 && (bridge_created || r > 0))
                r = nft_isolate(a->bridge, &subnet, true, ret_error);
        return r < 0 ? r : 0;
}

/* Once the network it was created on is gone, a container's default route goes through the first network
 * it was connected to (as in Docker, it keeps a way out). */
static int default_route_ensure(const char *id, const NetworkState *state) {
        _cleanup_free_ char *ns = NULL;
        const NetworkEndpoint *e = state->connected;
        struct in_addr ip, gateway;
        InterfaceArgs args;

        if (state->ip[0] || state->n_connected == 0)
                return 0;
        if (inet_pton(AF_INET, e->ip, &ip) != 1 || inet_pton(AF_INET, e->gateway, &gateway) != 1)
                return log_error_errno(EINVAL, "Invalid address of %s on %s", id, e->network);
        if (netns_path(id, &ns) < 0)
                return log_oom();
        args = (InterfaceArgs){
                .ifname = e->ifname,
                .ip = ntohl(ip.s_addr),
                .prefixlen = e->prefixlen,
                .gateway = ntohl(gateway.s_addr),
        };
        return netns_run(ns, configure_interfaces, &args);
}

/* Takes the running container id off the network it was created on: eth0, its address and its published
 * ports; the state keeps an empty address for it. */
static int detach_first_locked(const Dirs *d, const char *id, NetworkState *state) {
        _cleanup_(network_state_done) NetworkState left = {};
        char veth[16];
        int r, ret = 0;

        nft_delete_elements(state->ip, state->ports, state->n_ports);
        veth_name(id, veth);
        if ((r = link_delete(veth)) < 0)
                ret = r;
        if ((r = release_address(state->network, id)) < 0 || (r = lease_release_owner(d->ports_fd, id)) < 0)
                ret = log_error_errno(r, "Failed to release the leases of %s: %m", id);
        left = (NetworkState){.network = TAKE_PTR(state->network), .prefixlen = state->prefixlen};
        memcpy(left.ip, state->ip, sizeof(left.ip));
        memcpy(left.gateway, state->gateway, sizeof(left.gateway));
        memcpy(left.bridge, state->bridge, sizeof(left.bridge));
        state->ip[0] = state->gateway[0] = state->mac[0] = state->bridge[0] = 0;
        state->prefixlen = 0;
        free(state->ports);
        state->ports = NULL;
        state->n_ports = 0;
        if ((r = state_save(id, state)) < 0)
                ret = r;
        if (left.network && (r = user_network_left(left.network, &left)) < 0)
                ret = r;
        if ((r = default_route_ensure(id, state)) < 0)
                ret = r;
        return ret;
}

/* Takes the running container id off network: its interface there, its address, and network's bridge with
 * the last member. */
static int detach_locked(const char *id, NetworkState *state, const char *network) {
        _cleanup_(network_state_done) NetworkState left = {};
        NetworkEndpoint *e = network_state_find_endpoint(state, network);
        int r, ret = 0;

        if (!e)
                return 0;
        if ((r = link_delete(e->veth)) < 0)
                ret = r;
        if ((r = release_address(network, id)) < 0)
                ret = log_error_errno(r, "Failed to release the address of %s on %s: %m", id, network);
        endpoint_as_state(e, &left);
        network_state_remove_endpoint(state, network);
        if ((r = state_save(id, state)) < 0)
                ret = r;
        if ((r = user_network_left(network, &left)) < 0)
                ret = r;
        if ((r = default_route_ensure(id, state)) < 0)
                ret = r;
        return ret;
}

/* The networks a starting container was connected to after create; then its name in the other members'
 * hosts files on each of its user networks, and theirs in its own. */
static int
connected_setup_locked(const char *id, NetworkState *state, const NetworkConfig *config, char **ret_error) {
        int r;

        for (size_t i = 0; i < config->n_connected; i++) {
                r = attach_locked(id, state, &config->connected[i], ret_error);
                if (r < 0)
                        return r;
        }
        if (state->network && (r = network_hosts_refresh(state->network)) < 0)
                return r;
        for (size_t i = 0; i < config->n_connected; i++)
                if ((r = network_hosts_refresh(config->connected[i].network)) < 0)
                        return r;
        return 0;
}

static int setup_locked(
        const Dirs *d,
        const char *id,
        const char *bundle,
        int bundle_fd,
        NetworkConfig *config,
        char **ret_error) {
        _cleanup_(network_state_done) NetworkState state = {};
        _cleanup_free_ char *daemon_json = NULL, *ns = NULL, *route_localnet = NULL, *leases_path = NULL;
        _cleanup_close_ int ns_fd = -EBADF, leases_fd = -EBADF;
        const char *bridge_name = config->network ? config->bridge : NETWORK_BRIDGE_NAME;
        InterfaceArgs args;
        Subnet subnet;
        char veth[16];
        bool bridge_created;
        uint32_t ip;
        unsigned mtu;
        int bridge, r;

        if (config->network) {
                r = subnet_parse_bip(config->bip, &subnet);
                if (r < 0)
                        return log_error_errno(
                                r, "Invalid subnet of network %s: %s", config->network, config->bip);
                mtu = config->mtu ?: NETWORK_DEFAULT_MTU;
        } else {
                r = read_full_file_at(AT_FDCWD, DAEMON_JSON, SMALL_FILE_MAX, &daemon_json, NULL);
                if (r < 0 && r != -ENOENT)
                        return log_error_errno(r, "Failed to read %s: %m", DAEMON_JSON);
                r = daemon_config_bridge_subnet(daemon_json, &subnet, ret_error);
                if (r < 0)
                        return r;
                r = daemon_config_bridge_mtu(daemon_json, &mtu, ret_error);
                if (r < 0)
                        return r;
        }

        r = leases_dir(config->network, &leases_path);
        if (r < 0)
                return log_oom();
        r = open_dir(leases_path, &leases_fd);
        if (r < 0)
                return r;
        r = config->ip ? address_acquire(leases_fd, &subnet, config->ip, id, &ip, ret_error)
                       : ipam_allocate(leases_fd, &subnet, id, &ip);
        if (r == -ENOSPC)
                return asprintf(
                               ret_error,
                               "no available IPv4 addresses on network %s",
                               config->network ?: "bridge") < 0
                               ? -ENOMEM
                               : r;
        if (r == -EADDRINUSE || r == -ERANGE)
                return r;
        if (r < 0)
                return log_error_errno(r, "Failed to lease an address: %m");
        r = ports_reserve(d, id, config->ports, config->n_ports, ret_error);
        if (r < 0)
                return r;

        /* Recorded before anything is made, so that teardown finds the ports whatever happens next. */
        ip_to_string(ip, state.ip);
        ip_to_string(subnet.gateway, state.gateway);
        mac_from_ip(ip, state.mac);
        state.prefixlen = subnet.prefixlen;
        snprintf(state.bridge, sizeof(state.bridge), "%s", bridge_name);
        state.network = config->network ? strdup(config->network) : NULL;
        state.bundle = strdup(bundle);
        if ((config->network && !state.network) || !state.bundle)
                return log_oom();
        if (config->n_ports > 0) {
                state.ports = malloc(config->n_ports * sizeof(PortMapping));
                if (!state.ports)
                        return log_oom();
                memcpy(state.ports, config->ports, config->n_ports * sizeof(PortMapping));
                state.n_ports = config->n_ports;
        }
        r = state_save(id, &state);
        if (r < 0)
                return r;

        r = netns_path(id, &ns);
        if (r < 0)
                return log_oom();
        r = netns_create(ns);
        if (r < 0)
                return r;
        bridge = bridge_ensure(bridge_name, &subnet, mtu, &bridge_created);
        if (bridge < 0)
                return bridge;
        if (asprintf(&route_localnet, "/proc/sys/net/ipv4/conf/%s/route_localnet", bridge_name) < 0)
                return log_oom();
        if ((r = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1")) < 0 ||
            (r = write_sysctl(route_localnet, "1")) < 0)
                return r;

        ns_fd = open(ns, O_RDONLY | O_CLOEXEC);
        if (ns_fd < 0)
                return log_error_errno(errno, "Failed to open %s: %m", ns);
        veth_name(id, veth);
        r = veth_create(veth, bridge, ns_fd, "eth0", state.mac, mtu);
        if (r < 0)
                return r;
        args = (InterfaceArgs){
                .ifname = "eth0", .ip = ip, .gateway = subnet.gateway, .prefixlen = subnet.prefixlen};
        r = netns_run(ns, configure_interfaces, &args);
        if (r < 0)
                return r;

        r = nft_publish(&subnet, state.ip, config->ports, config->n_ports, ret_error);
        if (r < 0)
                return r;
        if (bridge_created || r > 0) {
                r = nft_isolate(bridge_name, &subnet, true, ret_error);
                if (r < 0)
                        return r;
        }

        r = write_bundle_files(bundle_fd, config, state.ip, state.gateway);
        if (r < 0)
                return r;
        return connected_setup_locked(id, &state, config, ret_error);
}

/* A container that left the network it was created on (berth network disconnect): a network namespace with
 * lo only, then the networks it was connected to. */
static int setup_detached_locked(
        const char *id, const char *bundle, int bundle_fd, const NetworkConfig *config, char **ret_error) {
        _cleanup_(network_state_done) NetworkState state = {};
        _cleanup_free_ char *ns = NULL;
        int r;

        state.bundle = strdup(bundle);
        if (!state.bundle || netns_path(id, &ns) < 0)
                return log_oom();
        r = state_save(id, &state);
        if (r < 0)
                return r;
        r = netns_create(ns);
        if (r < 0)
                return r;
        r = netns_run(ns, loopback_up, NULL);
        if (r < 0)
                return r;
        r = write_bundle_files(bundle_fd, config, NULL, NULL);
        if (r < 0)
                return r;
        return connected_setup_locked(id, &state, config, ret_error);
}

static int verb_setup(const char *bundle, const char *id) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_(dirs_done) Dirs d = {.lock_fd = -EBADF, .ports_fd = -EBADF};
        _cleanup_close_ int bundle_fd = -EBADF;
        _cleanup_free_ char *error = NULL;
        int r;

        bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return log_error_errno(errno, "Bundle %s: %m", bundle), EXIT_ENGINE_ERROR;
        (void)unlinkat(bundle_fd, START_ERROR_FILE, 0);
        r = network_config_load(bundle_fd, &config);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s/" NETWORK_CONFIG_FILE ": %m", bundle),
                       EXIT_ENGINE_ERROR;
        if (config.mode != NETWORK_MODE_BRIDGE)
                return 0;

        log_reset_first_error();
        r = dirs_open(&d);
        if (r >= 0) {
                (void)teardown_locked(&d, id, config.network, true);
                r = config.detached ? setup_detached_locked(id, bundle, bundle_fd, &config, &error)
                                    : setup_locked(&d, id, bundle, bundle_fd, &config, &error);
        }
        if (r >= 0)
                return 0;

        if (!error && log_first_error())
                error = strdup(log_first_error());
        if (error) {
                log_error("%s", error);
                (void)write_file_atomic_at(bundle_fd, START_ERROR_FILE, error, strlen(error), 0644);
        }
        if (d.lock_fd >= 0)
                (void)teardown_locked(&d, id, config.network, true);
        return EXIT_ENGINE_ERROR;
}

/* The first error for berthd to show, in the bundle as with setup. */
static void error_record(int bundle_fd, const char *error) {
        if (!error)
                error = log_first_error();
        if (!error)
                return;
        log_error("%s", error);
        (void)write_file_atomic_at(bundle_fd, START_ERROR_FILE, error, strlen(error), 0644);
}

static int verb_connect(const char *bundle, const char *id, const char *network) {
        _cleanup_(network_config_done) NetworkConfig config = {};
        _cleanup_(network_state_done) NetworkState state = {};
        _cleanup_(dirs_done) Dirs d = {.lock_fd = -EBADF, .ports_fd = -EBADF};
        _cleanup_close_ int bundle_fd = -EBADF;
        _cleanup_free_ char *error = NULL;
        const NetworkAttachment *a;
        int r;

        bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return log_error_errno(errno, "Bundle %s: %m", bundle), EXIT_ENGINE_ERROR;
        (void)unlinkat(bundle_fd, START_ERROR_FILE, 0);
        log_reset_first_error();
        r = network_config_load(bundle_fd, &config);
        if (r < 0)
                log_error_errno(r, "Failed to read %s/" NETWORK_CONFIG_FILE ": %m", bundle);
        a = r >= 0 ? network_config_find_attachment(&config, network) : NULL;
        if (r >= 0 && !a)
                r = log_error_errno(-ENOENT, "%s does not name network %s", NETWORK_CONFIG_FILE, network);
        if (r >= 0)
                r = dirs_open(&d);
        if (r >= 0 && (r = network_state_load(BERTH_RUN_DIR, id, &state)) < 0)
                log_error_errno(r, "Failed to read the network state of %s (is it running?): %m", id);
        if (r >= 0 && network_state_find_endpoint(&state, network))
                return 0;
        if (r >= 0)
                r = attach_locked(id, &state, a, &error);
        if (r >= 0)
                r = network_hosts_refresh(network);
        if (r >= 0)
                return 0;
        error_record(bundle_fd, error);
        if (state.bundle)
                (void)detach_locked(id, &state, network);
        return EXIT_ENGINE_ERROR;
}

/* Whether network is the one the running container was created on (and still is on). */
static bool on_first_network(const NetworkState *s, const char *network) {
        return s->ip[0] && !network_state_find_endpoint(s, network) &&
               streq(s->network ?: "bridge", network);
}

static int verb_disconnect(const char *bundle, const char *id, const char *network) {
        _cleanup_(network_state_done) NetworkState state = {};
        _cleanup_(dirs_done) Dirs d = {.lock_fd = -EBADF, .ports_fd = -EBADF};
        _cleanup_close_ int bundle_fd = -EBADF;
        int r;

        bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bundle_fd < 0)
                return log_error_errno(errno, "Bundle %s: %m", bundle), EXIT_ENGINE_ERROR;
        (void)unlinkat(bundle_fd, START_ERROR_FILE, 0);
        log_reset_first_error();
        r = dirs_open(&d);
        if (r >= 0) {
                r = network_state_load(BERTH_RUN_DIR, id, &state);
                /* Not running: nothing to take down. */
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        log_error_errno(r, "Failed to read the network state of %s: %m", id);
        }
        if (r >= 0)
                r = on_first_network(&state, network) ? detach_first_locked(&d, id, &state)
                                                      : detach_locked(id, &state, network);
        /* Its own hosts file without the names of that network. */
        if (r >= 0)
                r = container_hosts_refresh(id);
        if (r >= 0)
                return 0;
        error_record(bundle_fd, NULL);
        return EXIT_ENGINE_ERROR;
}

static int verb_teardown(const char *id) {
        _cleanup_(dirs_done) Dirs d = {.lock_fd = -EBADF, .ports_fd = -EBADF};
        int r;

        r = dirs_open(&d);
        if (r >= 0)
                r = teardown_locked(&d, id, NULL, false);
        return r < 0 ? 1 : 0;
}

static void usage(void) {
        fprintf(stderr,
                "usage: berth-network setup BUNDLE [-- COMMAND...]     (ExecStart=; then execs COMMAND)\n"
                "       berth-network teardown BUNDLE [-- COMMAND...]  (ExecStopPost=; then execs COMMAND)\n"
                "       berth-network connect BUNDLE NETWORK     (berthd: a running container joins "
                "NETWORK)\n"
                "       berth-network disconnect BUNDLE NETWORK  (berthd: it leaves NETWORK)\n");
}

/* Replaces this process with the unit's next command: one process and one step of systemd's less per start
 * and per stop than separate ExecStartPre=/ExecStopPost= lines (about 2 ms each here). */
static int exec_next(char **command) {
        execv(command[0], command);
        return log_error_errno(errno, "Failed to execute %s: %m", command[0]), EXIT_ENGINE_ERROR;
}

int main(int argc, char *argv[]) {
        _cleanup_free_ char *copy = NULL;
        char **next = NULL;
        bool with_network;
        const char *id;
        int r;

        if (argc < 3) {
                usage();
                return EXIT_ENGINE_ERROR;
        }
        with_network = streq(argv[1], "connect") || streq(argv[1], "disconnect");
        if (!with_network && argc >= 5 && streq(argv[3], "--")) {
                next = argv + 4;
                argc = 3;
        }
        if ((with_network && argc != 4) ||
            (!with_network && (argc != 3 || (!streq(argv[1], "setup") && !streq(argv[1], "teardown"))))) {
                usage();
                return EXIT_ENGINE_ERROR;
        }
        copy = strdup(argv[2]);
        if (!copy)
                return log_oom(), EXIT_ENGINE_ERROR;
        id = basename(copy);
        if (strlen(id) != 64 || strspn(id, "0123456789abcdef") != 64)
                return log_error("Not a container bundle: %s", argv[2]), EXIT_ENGINE_ERROR;

        if (streq(argv[1], "connect"))
                return verb_connect(argv[2], id, argv[3]);
        if (streq(argv[1], "disconnect"))
                return verb_disconnect(argv[2], id, argv[3]);
        if (streq(argv[1], "setup")) {
                r = verb_setup(argv[2], id);
                return r == 0 && next ? exec_next(next) : r;
        }
        r = verb_teardown(id);
        return next ? exec_next(next) : r;
}
