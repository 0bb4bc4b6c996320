/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <net/if.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <stdio.h>

#include "link-setup.h"
#include "log.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_addr *, rtnl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_route *, rtnl_route_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_addr *, nl_addr_put);

#define NL_FAIL(r, what) log_error_errno(EIO, "Failed to %s: %s", what, nl_geterror(r))

static int route_socket(struct nl_sock **ret) {
        struct nl_sock *sk = nl_socket_alloc();
        int r;

        if (!sk)
                return log_oom();
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0) {
                nl_socket_free(sk);
                return NL_FAIL(r, "connect to rtnetlink");
        }
        *ret = sk;
        return 0;
}

/* Up, and with mtu unless it is 0: one request. */
static int link_set_up(struct nl_sock *sk, struct rtnl_link *link, unsigned mtu) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();
        int r;

        if (!change)
                return log_oom();
        rtnl_link_set_flags(change, IFF_UP);
        if (mtu > 0)
                rtnl_link_set_mtu(change, mtu);
        r = rtnl_link_change(sk, link, change, 0);
        return r < 0 ? NL_FAIL(r, "bring a link up") : 0;
}

static int address_add(struct nl_sock *sk, int ifindex, uint32_t ip, unsigned prefixlen) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *addr = rtnl_addr_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *local = NULL;
        struct in_addr a = {.s_addr = htonl(ip)};
        int r;

        local = nl_addr_build(AF_INET, &a, sizeof(a));
        if (!addr || !local)
                return log_oom();
        nl_addr_set_prefixlen(local, (int)prefixlen);
        rtnl_addr_set_ifindex(addr, ifindex);
        r = rtnl_addr_set_local(addr, local);
        if (r < 0)
                return NL_FAIL(r, "set an address");
        r = rtnl_addr_add(sk, addr, 0);
        if (r < 0 && r != -NLE_EXIST)
                return NL_FAIL(r, "add an address");
        return 0;
}

int bridge_ensure(const char *name, const Subnet *subnet, unsigned mtu, bool *ret_created) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        int r;

        r = route_socket(&sk);
        if (r < 0)
                return r;
        *ret_created = false;
        r = rtnl_link_get_kernel(sk, 0, name, &link);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV) {
                _cleanup_(rtnl_link_putp) struct rtnl_link *bridge = rtnl_link_bridge_alloc();

                if (!bridge)
                        return log_oom();
                rtnl_link_set_name(bridge, name);
                r = rtnl_link_add(sk, bridge, NLM_F_CREATE);
                if (r < 0 && r != -NLE_EXIST)
                        return NL_FAIL(r, "create the bridge");
                *ret_created = r >= 0;
                r = rtnl_link_get_kernel(sk, 0, name, &link);
        }
        if (r < 0)
                return NL_FAIL(r, "look up the bridge");
        if (!rtnl_link_is_bridge(link))
                return log_error_errno(EEXIST, "%s exists and is not a bridge", name);

        r = address_add(sk, rtnl_link_get_ifindex(link), subnet->gateway, subnet->prefixlen);
        if (r < 0)
                return r;
        /* The MTU changed on the link, not asked for at creation: only that keeps a bridge from following
         * its smallest port (and from 1500 without ports). A new bridge is down: one request for both. */
        if (!(rtnl_link_get_flags(link) & IFF_UP) || rtnl_link_get_mtu(link) != mtu) {
                r = link_set_up(sk, link, rtnl_link_get_mtu(link) != mtu ? mtu : 0);
                if (r < 0)
                        return r;
        }
        return rtnl_link_get_ifindex(link);
}

static int mac_parse(const char *s, struct nl_addr **ret) {
        unsigned char b[6];

        if (sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
                return -EINVAL;
        *ret = nl_addr_build(AF_LLC, b, sizeof(b));
        return *ret ? 0 : -ENOMEM;
}

int veth_create(
        const char *host_name,
        int bridge_ifindex,
        int netns_fd,
        const char *peer_name,
        const char *mac,
        unsigned mtu) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *veth = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *lladdr = NULL;
        struct rtnl_link *peer;
        int r;

        r = route_socket(&sk);
        if (r < 0)
                return r;
        veth = rtnl_link_veth_alloc();
        if (!veth)
                return log_oom();
        r = mac_parse(mac, &lladdr);
        if (r < 0)
                return log_error_errno(r, "Invalid MAC address %s", mac);

        /* One queue each way, as veth ends up with anyway: asked for at creation, the kernel does not shrink
         * the queues of the registered pair afterwards, which waits for an RCU grace period per end. */
        rtnl_link_set_name(veth, host_name);
        rtnl_link_set_master(veth, bridge_ifindex);
        rtnl_link_set_flags(veth, IFF_UP);
        rtnl_link_set_mtu(veth, mtu);
        rtnl_link_set_num_tx_queues(veth, 1);
        rtnl_link_set_num_rx_queues(veth, 1);
        peer = rtnl_link_veth_get_peer(veth);
        rtnl_link_set_name(peer, peer_name);
        rtnl_link_set_addr(peer, lladdr);
        rtnl_link_set_ns_fd(peer, netns_fd);
        rtnl_link_set_mtu(peer, mtu);
        rtnl_link_set_num_tx_queues(peer, 1);
        rtnl_link_set_num_rx_queues(peer, 1);
        rtnl_link_put(peer);
        r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
        return r < 0 ? NL_FAIL(r, "create the veth pair") : 0;
}

static int link_up_by_name(struct nl_sock *sk, const char *name, int *ret_ifindex) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        int r;

        r = rtnl_link_get_kernel(sk, 0, name, &link);
        if (r < 0)
                return NL_FAIL(r, "look up a link");
        if (ret_ifindex)
                *ret_ifindex = rtnl_link_get_ifindex(link);
        return link_set_up(sk, link, 0);
}

int container_interfaces_configure(const char *ifname, uint32_t ip, unsigned prefixlen, uint32_t gateway) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_route_putp) struct rtnl_route *route = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *dst = NULL, *gw = NULL;
        struct in_addr any = {}, g = {.s_addr = htonl(gateway)};
        struct rtnl_nexthop *nh;
        int ifindex, r;

        r = route_socket(&sk);
        if (r < 0)
                return r;
        r = link_up_by_name(sk, "lo", NULL);
        if (r < 0)
                return r;
        r = link_up_by_name(sk, ifname, &ifindex);
        if (r < 0)
                return r;
        r = address_add(sk, ifindex, ip, prefixlen);
        if (r < 0 || gateway == 0)
                return r;

        route = rtnl_route_alloc();
        nh = rtnl_route_nh_alloc();
        dst = nl_addr_build(AF_INET, &any, sizeof(any));
        gw = nl_addr_build(AF_INET, &g, sizeof(g));
        if (!route || !nh || !dst || !gw) {
                if (nh)
                        rtnl_route_nh_free(nh);
                return log_oom();
        }
        nl_addr_set_prefixlen(dst, 0);
        rtnl_route_nh_set_gateway(nh, gw);
        rtnl_route_nh_set_ifindex(nh, ifindex);
        rtnl_route_add_nexthop(route, nh);
        r = rtnl_route_set_dst(route, dst);
        if (r < 0)
                return NL_FAIL(r, "set the default route");
        r = rtnl_route_add(sk, route, NLM_F_CREATE);
        if (r < 0 && r != -NLE_EXIST)
                return NL_FAIL(r, "add the default route");
        return 0;
}

int container_loopback_up(void) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        int r;

        r = route_socket(&sk);
        if (r < 0)
                return r;
        return link_up_by_name(sk, "lo", NULL);
}

int bridge_port_disable(const char *name) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        struct ifinfomsg ifi = {.ifi_family = AF_BRIDGE};
        struct nl_msg *msg;
        struct nlattr *port;
        int r;

        ifi.ifi_index = (int)if_nametoindex(name);
        if (ifi.ifi_index == 0)
                return errno == ENODEV ? 0 : log_error_errno(errno, "Failed to look up %s: %m", name);
        r = route_socket(&sk);
        if (r < 0)
                return r;
        msg = nlmsg_alloc_simple(RTM_SETLINK, NLM_F_REQUEST);
        if (!msg)
                return log_oom();
        r = nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO);
        port = r >= 0 ? nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED) : NULL;
        if (!port || nla_put_u8(msg, IFLA_BRPORT_STATE, BR_STATE_DISABLED) < 0 ||
            nla_put_flag(msg, IFLA_BRPORT_FLUSH) < 0) {
                nlmsg_free(msg);
                return log_oom();
        }
        nla_nest_end(msg, port);
        r = nl_send_sync(sk, msg);
        /* Gone meanwhile, or no longer a bridge port: nothing to stop. */
        if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV && r != -NLE_INVAL && r != -NLE_OPNOTSUPP)
                return NL_FAIL(r, "disable a bridge port");
        return 0;
}

int link_delete(const char *name) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        int r;

        r = route_socket(&sk);
        if (r < 0)
                return r;
        r = rtnl_link_get_kernel(sk, 0, name, &link);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
                return 0;
        if (r < 0)
                return NL_FAIL(r, "look up a link");
        r = rtnl_link_delete(sk, link);
        if (r < 0 && r != -NLE_OBJ_NOTFOUND && r != -NLE_NODEV)
                return NL_FAIL(r, "delete a link");
        return 0;
}
