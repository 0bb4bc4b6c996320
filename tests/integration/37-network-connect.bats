#!/usr/bin/env bats
# network connect / disconnect (issue 6): a container on several networks, running or not.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
        "$BERTH" network prune -f >/dev/null 2>&1 || true
}

network_footprint() {
        echo "links $(ip -o link | wc -l)"
        echo "addresses $(ip -o addr | wc -l)"
        echo "nft $(nft list ruleset | wc -l)"
        echo "netns $(find /run/berth/netns -mindepth 1 2>/dev/null | wc -l)"
        echo "leases $(find /run/berth/network -type f 2>/dev/null | wc -l)"
}

footprint_is() {
        [[ $(network_footprint) == "$1" ]]
}

@test "a running container connected to a second network reaches its members by name; disconnect undoes it" {
        "$BERTH" network create front >/dev/null
        "$BERTH" network create back >/dev/null
        "$BERTH" run -d --name db --network back busybox httpd -f -p 80 -h /etc
        "$BERTH" run -d --name app --network front busybox sleep 1000
        run "$BERTH" exec app ping -c 1 -W 1 db
        assert_status 1

        "$BERTH" network connect --alias api back app
        run "$BERTH" exec app ip -o -4 addr show eth1
        assert_status 0
        assert_output_contains "inet 172.19."
        # The default route stays on the first network.
        run "$BERTH" exec app ip route show default
        assert_output_contains "dev eth0"
        run "$BERTH" exec app wget -qO- http://db/hostname
        assert_status 0
        [[ $output == "$("$BERTH" inspect -f '{{.Config.Hostname}}' db)" ]]
        # Both ways, by name and by the alias it got on that network.
        run "$BERTH" exec db ping -c 1 -W 2 app
        assert_status 0
        run "$BERTH" exec db ping -c 1 -W 2 api
        assert_status 0

        run "$BERTH" inspect app
        jq -e '.[0].NetworkSettings.Networks | keys == ["back", "front"]' <<<"$output"
        jq -e '.[0].NetworkSettings.Networks.back.IPAddress | startswith("172.19.")' <<<"$output"
        jq -e '.[0].NetworkSettings.Networks.back.Aliases == ["api"]' <<<"$output"
        run "$BERTH" network inspect back
        jq -e '.[0].Containers | length == 2' <<<"$output"
        run "$BERTH" network rm back
        assert_status 1
        assert_output_contains "has active endpoints"

        "$BERTH" network disconnect back app
        run "$BERTH" exec app ip -o link
        ! grep -q eth1 <<<"$output"
        run "$BERTH" exec app cat /etc/hosts
        ! grep -q db <<<"$output"
        run "$BERTH" exec db cat /etc/hosts
        ! grep -q app <<<"$output"
        run "$BERTH" exec app ping -c 1 -W 1 db
        assert_status 1
        run "$BERTH" network inspect back
        jq -e '.[0].Containers | length == 1' <<<"$output"
        run "$BERTH" inspect app
        jq -e '.[0].NetworkSettings.Networks | keys == ["front"]' <<<"$output"
}

@test "connect to a network with its own MTU: eth1 has that network's, eth0 keeps its own" {
        "$BERTH" network create -o com.docker.network.driver.mtu=9000 jumbo >/dev/null
        "$BERTH" run -d --name m1 busybox sleep 1000
        "$BERTH" network connect jumbo m1
        [[ $("$BERTH" exec m1 cat /sys/class/net/eth1/mtu) == 9000 ]]
        [[ $("$BERTH" exec m1 cat /sys/class/net/eth0/mtu) == 65520 ]]
        # The same at the next start, made by setup.
        "$BERTH" restart -t 1 m1 >/dev/null
        [[ $("$BERTH" exec m1 cat /sys/class/net/eth1/mtu) == 9000 ]]
        # The default bridge connected to later: its MTU, 65520.
        "$BERTH" run -d --name m2 --network jumbo busybox sleep 1000
        "$BERTH" network connect bridge m2
        [[ $("$BERTH" exec m2 cat /sys/class/net/eth0/mtu) == 9000 ]]
        [[ $("$BERTH" exec m2 cat /sys/class/net/eth1/mtu) == 65520 ]]
}

@test "a created container connected before start comes up on both networks" {
        "$BERTH" network create one >/dev/null
        "$BERTH" network create two >/dev/null
        "$BERTH" run -d --name peer --network two busybox sleep 1000
        "$BERTH" create --name both --network one busybox sleep 1000
        "$BERTH" network connect two both
        "$BERTH" start both
        run "$BERTH" exec both ip -o -4 addr show
        assert_output_contains "eth0"
        assert_output_contains "eth1"
        run "$BERTH" exec both ping -c 1 -W 2 peer
        assert_status 0
        run "$BERTH" exec peer ping -c 1 -W 2 both
        assert_status 0
        # A created container: disconnect only edits its configuration.
        "$BERTH" stop -t 1 both
        "$BERTH" network disconnect two both
        "$BERTH" start both
        run "$BERTH" exec both ip -o link
        ! grep -q eth1 <<<"$output"
}

@test "stop after connect leaves no links, addresses, rules or leases behind" {
        "$BERTH" network create lone >/dev/null
        "$BERTH" run --rm busybox true
        sleep 1
        before=$(network_footprint)
        "$BERTH" run -d --name roamer busybox sleep 1000
        "$BERTH" network connect lone roamer
        [[ $("$BERTH" exec roamer ip -o link show eth1 | wc -l) == 1 ]]
        bridge=br-$("$BERTH" network inspect -f '{{.Id}}' lone | cut -c1-12)
        ip link show "$bridge"
        "$BERTH" stop -t 1 roamer
        run ip link show "$bridge"
        assert_status 1
        # The last container of a user network drops the table's marker; the next start writes it again.
        "$BERTH" run --rm busybox true
        wait_for 10 footprint_is "$before"
        # Started again, it is on both networks again.
        "$BERTH" start roamer
        run "$BERTH" exec roamer ip link show eth1
        assert_status 0
        "$BERTH" rm -f roamer
        "$BERTH" run --rm busybox true
        wait_for 10 footprint_is "$before"
}

@test "bad connect and disconnect input" {
        "$BERTH" network create net1 >/dev/null
        "$BERTH" run -d --name c1 --network net1 busybox sleep 1000
        "$BERTH" run -d --name hosted --network host busybox sleep 1000
        "$BERTH" create --name isolated --network none busybox true

        run "$BERTH" network connect net1 c1
        assert_status 1
        assert_output_contains "endpoint with name c1 already exists in network net1"
        run "$BERTH" network connect nosuch c1
        assert_status 1
        assert_output_contains "network nosuch not found"
        run "$BERTH" network connect net1 nosuch
        assert_status 1
        assert_output_contains "No such container: nosuch"
        run "$BERTH" network connect net1 hosted
        assert_status 1
        assert_output_contains "container sharing network namespace with another container or host cannot be connected to any other network"
        run "$BERTH" network connect bridge hosted
        assert_status 1
        assert_output_contains "container sharing network namespace with another container or host cannot be connected to any other network"
        run "$BERTH" network connect host c1
        assert_status 1
        assert_output_contains "container cannot be disconnected from host network or connected to host network"
        run "$BERTH" network connect net1 isolated
        assert_status 1
        assert_output_contains "private (none) mode"
        run "$BERTH" network connect bridge isolated
        assert_status 1
        assert_output_contains "container cannot be connected to multiple networks with one of the networks in private (none) mode"
        run "$BERTH" network disconnect none isolated
        assert_status 1
        run "$BERTH" network connect --alias 'bad alias' net1 isolated
        assert_status 1
        run "$BERTH" network disconnect host hosted
        assert_status 1
        assert_output_contains "container cannot be disconnected from host network or connected to host network"

        "$BERTH" network create net2 >/dev/null
        run "$BERTH" network disconnect net2 c1
        assert_status 1
        assert_output_contains "is not connected to network net2"
        run "$BERTH" network connect --alias 'bad alias' net2 c1
        assert_status 1
        assert_output_contains "invalid network alias: bad alias"
        run "$BERTH" network connect net2
        assert_status 1
        assert_output_contains "requires exactly 2 arguments"
        # Nothing was left half-connected.
        run "$BERTH" inspect c1
        jq -e '.[0].NetworkSettings.Networks | keys == ["net1"]' <<<"$output"
}

bridge_leases_of() {
        grep -rlx "$1" /run/berth/network/bridge/leases 2>/dev/null | wc -l
}

@test "a container on a user network connected to the default bridge gets an address on berth0; disconnect and stop undo it" {
        since=$(date +%s)
        "$BERTH" network create solo >/dev/null
        "$BERTH" run -d --name web busybox httpd -f -p 80 -h /etc
        web_ip=$("$BERTH" inspect -f '{{.NetworkSettings.IPAddress}}' web)
        "$BERTH" run -d --name roamer --network solo busybox sleep 1000
        id=$("$BERTH" inspect -f '{{.Id}}' roamer)
        # Networks are isolated from each other.
        run "$BERTH" exec roamer ping -c 1 -W 1 "$web_ip"
        assert_status 1

        "$BERTH" network connect bridge roamer
        run "$BERTH" exec roamer ip -o -4 addr show eth1
        assert_status 0
        assert_output_contains "inet 172.17."
        [[ $(bridge_leases_of "$id") == 1 ]]
        run "$BERTH" exec roamer wget -qO- "http://$web_ip/hostname"
        assert_status 0
        # The default route stays on its first network, and the default bridge resolves no names.
        run "$BERTH" exec roamer ip route show default
        assert_output_contains "dev eth0"
        run "$BERTH" exec roamer ping -c 1 -W 1 web
        assert_status 1
        run "$BERTH" inspect roamer
        jq -e '.[0].NetworkSettings.Networks | keys == ["bridge", "solo"]' <<<"$output"
        jq -e '.[0].NetworkSettings.Networks.bridge.IPAddress | startswith("172.17.")' <<<"$output"
        run "$BERTH" network inspect bridge
        jq -e --arg id "$id" '.[0].Containers | has($id)' <<<"$output"

        run "$BERTH" network connect bridge roamer
        assert_status 1
        assert_output_contains "endpoint with name roamer already exists in network bridge"
        run "$BERTH" network connect bridge web
        assert_status 1
        assert_output_contains "endpoint with name web already exists in network bridge"

        "$BERTH" network disconnect bridge roamer
        run "$BERTH" exec roamer ip link show eth1
        ((status != 0))
        [[ $(bridge_leases_of "$id") == 0 ]]
        run "$BERTH" exec roamer ping -c 1 -W 1 "$web_ip"
        assert_status 1
        run "$BERTH" inspect roamer
        jq -e '.[0].NetworkSettings.Networks | keys == ["solo"]' <<<"$output"
        run -0 "$BERTH" events --since "$since" --until "$(($(date +%s) + 1))" --filter type=network
        grep -q "network connect .*container=$id, name=bridge" <<<"$output"
        grep -q "network disconnect .*container=$id, name=bridge" <<<"$output"
        # The bridge stays for the containers created on it.
        run "$BERTH" exec web true
        ip link show berth0

        # Connected again and stopped: the unit's teardown takes the lease and the veth with the rest.
        "$BERTH" network connect bridge roamer
        [[ $(bridge_leases_of "$id") == 1 ]]
        "$BERTH" stop -t 1 roamer
        [[ $(bridge_leases_of "$id") == 0 ]]
        ! ip -o link | grep -q "vx${id:0:11}"
        # Started again, it is on both.
        "$BERTH" start roamer
        run "$BERTH" exec roamer wget -qO- "http://$web_ip/hostname"
        assert_status 0
}

@test "disconnecting a container from the network it was created on leaves it lo only, also after a restart" {
        "$BERTH" run -d --name lonely -p 18080:80 busybox sleep 1000
        id=$("$BERTH" inspect -f '{{.Id}}' lonely)
        nft list ruleset | grep -q 18080
        [[ -e /run/berth/network/ports/tcp-18080 ]]
        "$BERTH" network disconnect bridge lonely
        # Its published ports went with its address.
        ! nft list ruleset | grep -q 18080
        [[ ! -e /run/berth/network/ports/tcp-18080 ]]
        # Its own name in /etc/hosts is loopback's now.
        run "$BERTH" exec lonely cat /etc/hosts
        grep -q "^127.0.0.1[[:space:]]${id:0:12} lonely$" <<<"$output"
        ! grep -q "^[[:space:]]" <<<"$output"
        ! grep -q "172.17." <<<"$output"
        run "$BERTH" exec lonely ip -o link
        [[ $(wc -l <<<"$output") == 1 ]]
        assert_output_contains "lo:"
        [[ $(bridge_leases_of "$id") == 0 ]]
        run "$BERTH" inspect lonely
        jq -e '.[0].NetworkSettings.Networks == {}' <<<"$output"
        jq -e '.[0].HostConfig.NetworkMode == "bridge"' <<<"$output"
        run "$BERTH" network disconnect bridge lonely
        assert_status 1
        assert_output_contains "is not connected to network bridge"

        "$BERTH" restart -t 1 lonely
        run "$BERTH" exec lonely ip -o link
        [[ $(wc -l <<<"$output") == 1 ]]
        run "$BERTH" exec lonely ping -c 1 -W 1 127.0.0.1
        assert_status 0

        # Back on it: eth0 with an address and the default route.
        "$BERTH" network connect bridge lonely
        run "$BERTH" exec lonely ip route show default
        assert_output_contains "dev eth0"
        run "$BERTH" exec lonely ip -o -4 addr show eth0
        assert_output_contains "inet 172.17."
        [[ $(bridge_leases_of "$id") == 1 ]]
        "$BERTH" rm -f lonely
        [[ $(bridge_leases_of "$id") == 0 ]]
        [[ ! -e /run/berth/netns/$id ]]
        [[ ! -e /run/berth/network/containers/$id.json ]]
}

@test "the default route moves to the network a container was connected to when it leaves its first one" {
        "$BERTH" network create first >/dev/null
        "$BERTH" network create second >/dev/null
        "$BERTH" run -d --name peer --network first busybox sleep 1000
        "$BERTH" run -d --name mover --network first busybox sleep 1000
        "$BERTH" network connect second mover
        "$BERTH" network disconnect first mover
        run "$BERTH" exec mover ip link show eth0
        ((status != 0))
        run "$BERTH" exec mover ip route show default
        assert_output_contains "dev eth1"
        run "$BERTH" exec peer ping -c 1 -W 1 mover
        assert_status 1
        run "$BERTH" exec peer cat /etc/hosts
        ! grep -q mover <<<"$output"
        # Its own name is on its address on the network it is still on.
        id=$("$BERTH" inspect -f '{{.Id}}' mover)
        run "$BERTH" exec mover cat /etc/hosts
        grep -q "^172\.19\.[0-9.]*[[:space:]]${id:0:12} mover$" <<<"$output"
        run "$BERTH" network inspect first
        jq -e '.[0].Containers | length == 1' <<<"$output"
        run "$BERTH" inspect mover
        jq -e '.[0].NetworkSettings.Networks | keys == ["second"]' <<<"$output"

        # At the next start its one network is eth0, with the default route.
        "$BERTH" stop -t 1 mover
        "$BERTH" start mover
        run "$BERTH" exec mover ip route show default
        assert_output_contains "dev eth0"
        run "$BERTH" exec mover ip -o -4 addr show eth0
        assert_output_contains "inet 172.19."
        # Its first network may go now, and it may come back to it.
        "$BERTH" rm -f peer
        "$BERTH" network rm first
        "$BERTH" network create first >/dev/null
        "$BERTH" network connect first mover
        run "$BERTH" inspect mover
        jq -e '.[0].NetworkSettings.Networks | keys == ["first", "second"]' <<<"$output"
}

@test "network connect --ip: the address asked for on a network with a configured subnet" {
        "$BERTH" network create --subnet 10.50.0.0/24 fixed >/dev/null
        "$BERTH" network create auto >/dev/null
        "$BERTH" run -d --name holder --network auto busybox sleep 1000
        "$BERTH" network connect --ip 10.50.0.20 fixed holder
        run "$BERTH" exec holder ip -o -4 addr show eth1
        assert_output_contains "inet 10.50.0.20/24"
        run "$BERTH" inspect holder
        jq -e '.[0].NetworkSettings.Networks.fixed.IPAddress == "10.50.0.20"' <<<"$output"

        # Taken by a running container: refused at once, nothing left half-connected.
        "$BERTH" run -d --name rival --network auto busybox sleep 1000
        run "$BERTH" network connect --ip 10.50.0.20 fixed rival
        assert_status 1
        assert_output_contains "Address already in use"
        run "$BERTH" inspect rival
        jq -e '.[0].NetworkSettings.Networks | keys == ["auto"]' <<<"$output"
        run "$BERTH" exec rival ip link show eth1
        ((status != 0))
        # A created container takes it at start, as in Docker: that start fails while it is taken.
        "$BERTH" create --name later --network auto busybox sleep 1000
        "$BERTH" network connect --ip 10.50.0.20 fixed later
        run "$BERTH" start later
        assert_status 1
        assert_output_contains "Address already in use"
        "$BERTH" network disconnect fixed holder
        "$BERTH" start later
        run "$BERTH" exec later ip -o -4 addr show eth1
        assert_output_contains "inet 10.50.0.20/24"
}

@test "bad --ip input" {
        "$BERTH" network create --subnet 10.60.0.0/24 fixed >/dev/null
        "$BERTH" network create auto >/dev/null
        "$BERTH" create --name c2 --network auto busybox sleep 1000

        run "$BERTH" network connect --ip 10.61.0.5 fixed c2
        assert_status 1
        assert_output_contains "Invalid address 10.61.0.5: It does not belong to any of this network's subnets"
        run "$BERTH" network connect --ip 10.60.0.1 fixed c2
        assert_status 1
        assert_output_contains "Address already in use"
        run "$BERTH" network connect --ip 10.60.0.255 fixed c2
        assert_status 1
        assert_output_contains "Address already in use"
        run "$BERTH" network connect --ip foo fixed c2
        assert_status 1
        assert_output_contains "invalid IPv4 address: foo"
        run "$BERTH" network connect --ip 10.60.0.300 fixed c2
        assert_status 1
        assert_output_contains "invalid IPv4 address: 10.60.0.300"
        run "$BERTH" network connect --ip 172.30.0.5 auto c2
        assert_status 1
        assert_output_contains "user specified IP address is supported only when connecting to networks with user configured subnets"
        run "$BERTH" network connect --ip 172.17.0.50 bridge c2
        assert_status 1
        assert_output_contains "user specified IP address is supported on user defined networks only"
        run "$BERTH" network connect --alias x bridge c2
        assert_status 1
        assert_output_contains "network-scoped alias is supported only for containers in user defined networks"
        run "$BERTH" network connect --ip
        assert_status 125
        assert_output_contains "option '--ip' requires an argument"
        run "$BERTH" inspect c2
        jq -e '.[0].NetworkSettings.Networks | keys == ["auto"]' <<<"$output"
}

@test "run --ip: the address on the network a container is created on, taken again at every start" {
        "$BERTH" network create --subnet 10.70.0.0/24 fixed >/dev/null
        "$BERTH" network create auto >/dev/null
        "$BERTH" run -d --name pinned --network fixed --ip 10.70.0.30 busybox sleep 1000
        run "$BERTH" exec pinned ip -o -4 addr show eth0
        assert_output_contains "inet 10.70.0.30/24"
        "$BERTH" restart -t 1 pinned
        run "$BERTH" exec pinned ip -o -4 addr show eth0
        assert_output_contains "inet 10.70.0.30/24"
        # Taken: the second one is created, and its start fails until the address is free.
        run "$BERTH" run -d --name twin --network fixed --ip 10.70.0.30 busybox sleep 1000
        ((status != 0))
        assert_output_contains "Address already in use"
        "$BERTH" stop -t 1 pinned
        "$BERTH" start twin
        run "$BERTH" exec twin ip -o -4 addr show eth0
        assert_output_contains "inet 10.70.0.30/24"

        run "$BERTH" create --ip 10.70.0.31 busybox true
        assert_status 125
        assert_output_contains "user specified IP address is supported on user defined networks only"
        run "$BERTH" create --network auto --ip 172.30.0.5 busybox true
        assert_status 125
        assert_output_contains "user specified IP address is supported only when connecting to networks with user configured subnets"
        run "$BERTH" create --network fixed --ip 10.71.0.5 busybox true
        assert_status 125
        assert_output_contains "Invalid address 10.71.0.5: It does not belong to any of this network's subnets"
        run "$BERTH" create --network fixed --ip bogus busybox true
        assert_status 125
        assert_output_contains "invalid IPv4 address: bogus"
        run "$BERTH" create --network fixed --ip 10.70.0.1 busybox true
        assert_status 125
        assert_output_contains "Address already in use"
}
