#!/usr/bin/env bats
# User networks (issue 6): network create/ls/inspect/rm/prune, --network NAME, containers that find each
# other by name and --network-alias through the hosts files berth-network keeps, and their cleanup.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
}

teardown() {
        berth_teardown
        "$BERTH" network prune -f >/dev/null 2>&1 || true
}

@test "network create, ls, inspect and rm; predefined networks stay" {
        id=$("$BERTH" network create front)
        [[ $id =~ ^[0-9a-f]{64}$ ]]
        run "$BERTH" network ls
        assert_status 0
        assert_output_contains "${id:0:12}   front     bridge    local"
        assert_output_contains "bridge    bridge    local"
        assert_output_contains "none      null      local"
        run "$BERTH" network ls -q --no-trunc
        assert_output_contains "$id"

        run "$BERTH" network inspect front
        jq -e '.[0].Name == "front" and .[0].Driver == "bridge" and .[0].Scope == "local"' <<<"$output"
        jq -e '.[0].IPAM.Config[0].Subnet == "172.18.0.0/16" and .[0].IPAM.Config[0].Gateway == "172.18.0.1"' <<<"$output"
        run "$BERTH" network inspect -f '{{.Id}}' "${id:0:12}"
        [[ $output == "$id" ]]

        "$BERTH" network create --subnet 10.77.0.0/24 --gateway 10.77.0.254 back >/dev/null
        run "$BERTH" network inspect -f '{{json .IPAM.Config}}' back
        [[ $output == '[{"Subnet":"10.77.0.0/24","Gateway":"10.77.0.254"}]' ]]

        run "$BERTH" network rm front back
        assert_status 0
        run "$BERTH" network inspect front
        assert_status 1
        assert_output_contains "No such network: front"
        run "$BERTH" network rm bridge
        assert_status 1
        assert_output_contains "bridge is a pre-defined network and cannot be removed"
}

@test "bad network input: names in use, overlapping subnets, gateways outside, unknown networks" {
        "$BERTH" network create --subnet 10.88.0.0/16 one >/dev/null
        run "$BERTH" network create one
        assert_status 1
        assert_output_contains "network with name one already exists"
        run "$BERTH" network create --subnet 10.88.128.0/24 two
        assert_status 1
        assert_output_contains "Pool overlaps with other one on this address space"
        run "$BERTH" network create --subnet 172.17.5.0/24 three
        assert_output_contains "Pool overlaps with other one on this address space"
        run "$BERTH" network create --subnet 10.89.0.0/24 --gateway 10.90.0.1 four
        assert_output_contains "no matching subnet for gateway 10.90.0.1"
        run "$BERTH" network create --subnet nonsense five
        assert_output_contains "invalid subnet nonsense"
        run "$BERTH" network create host
        assert_output_contains "operation is not permitted on predefined host network"
        run "$BERTH" network create 'bad/name'
        assert_output_contains "invalid network name"
        run "$BERTH" run --rm --network nosuch busybox true
        assert_status 125
        assert_output_contains "network nosuch not found"
        run "$BERTH" run --rm --network-alias x busybox true
        assert_status 125
        assert_output_contains "network-scoped alias is supported only for containers in user defined networks"
        run "$BERTH" network ls -q
        [[ $(wc -l <<<"$output") == 4 ]]
}

@test "network create -o com.docker.network.driver.mtu: the bridge and the containers' eth0; inspect shows it" {
        id=$("$BERTH" network create -o com.docker.network.driver.mtu=9000 jumbo)
        run "$BERTH" network inspect -f '{{json .Options}}' jumbo
        [[ $output == '{"com.docker.network.driver.mtu":"9000"}' ]]
        "$BERTH" run -d --name j1 --network jumbo busybox sleep 1000
        [[ $("$BERTH" exec j1 cat /sys/class/net/eth0/mtu) == 9000 ]]
        [[ $(cat "/sys/class/net/br-${id:0:12}/mtu") == 9000 ]]
        # Without the option: 65520, and no options shown (as Docker shows none).
        "$BERTH" network create plain >/dev/null
        run "$BERTH" network inspect -f '{{json .Options}}' plain
        [[ $output == '{}' ]]
        "$BERTH" run -d --name p1 --network plain busybox sleep 1000
        [[ $("$BERTH" exec p1 cat /sys/class/net/eth0/mtu) == 65520 ]]
}

@test "bad network options are refused and nothing is created" {
        run "$BERTH" network create -o com.docker.network.driver.mtu=abc bad
        assert_status 1
        assert_output_contains 'invalid MTU "abc": not a number'
        run "$BERTH" network create -o com.docker.network.driver.mtu=67 bad
        assert_status 1
        assert_output_contains "invalid MTU 67: it must be from 68 to 65535"
        run "$BERTH" network create -o com.docker.network.driver.mtu=65536 bad
        assert_output_contains "invalid MTU 65536: it must be from 68 to 65535"
        run "$BERTH" network create -o com.docker.network.driver.mtu bad
        assert_output_contains 'invalid MTU "": not a number'
        run "$BERTH" network create -o com.docker.network.bridge.name=br0 bad
        assert_status 1
        assert_output_contains "unsupported network option com.docker.network.bridge.name"
        run "$BERTH" network inspect bad
        assert_status 1
}

@test "containers on a user network reach each other by name and alias" {
        "$BERTH" network create app >/dev/null
        "$BERTH" run -d --name web --network app --network-alias www busybox httpd -f -p 80 -h /etc
        "$BERTH" run -d --name client --network app busybox sleep 1000
        run "$BERTH" exec client wget -qO- http://web/hostname
        assert_status 0
        [[ $output == "$("$BERTH" inspect -f '{{.Config.Hostname}}' web)" ]]
        run "$BERTH" exec client ping -c 1 -W 2 www
        assert_status 0
        # Both ways, and the later one was added to the earlier one's file.
        run "$BERTH" exec web ping -c 1 -W 2 client
        assert_status 0
        run "$BERTH" inspect -f '{{.HostConfig.NetworkMode}} {{.NetworkSettings.Networks.app.Gateway}}' web
        [[ $output == "app 172.18.0.1" ]]
        run "$BERTH" network inspect app
        jq -e '.[0].Containers | length == 2' <<<"$output"

        # A container that stops leaves the others' files.
        "$BERTH" stop -t 1 client
        run "$BERTH" exec web cat /etc/hosts
        ! grep -q client <<<"$output"

        # The default bridge has no names.
        run "$BERTH" run --rm busybox ping -c 1 -W 1 web
        assert_status 1

        # In use: refused; prune keeps it.
        run "$BERTH" network rm app
        assert_status 1
        assert_output_contains "has active endpoints"
        run "$BERTH" network prune -f
        ! grep -q app <<<"$output"
}

@test "networks are isolated from each other, the outside stays reachable" {
        "$BERTH" network create red >/dev/null
        "$BERTH" network create blue >/dev/null
        "$BERTH" run -d --name r1 --network red busybox sleep 1000
        "$BERTH" run -d --name r2 --network red busybox sleep 1000
        "$BERTH" run -d --name b1 --network blue busybox httpd -f -p 80 -h /etc
        "$BERTH" run -d --name d1 busybox sleep 1000
        b1=$("$BERTH" inspect -f '{{.NetworkSettings.IPAddress}}' b1)
        r2=$("$BERTH" inspect -f '{{.NetworkSettings.IPAddress}}' r2)
        run "$BERTH" exec r1 ping -c 1 -W 2 "$r2"
        assert_status 0
        run "$BERTH" exec r1 ping -c 1 -W 1 "$b1"
        assert_status 1
        run "$BERTH" exec d1 ping -c 1 -W 1 "$r2"
        assert_status 1
        # The host and the gateway's side stay reachable, from every network.
        run "$BERTH" exec r1 ping -c 1 -W 2 172.17.0.1
        assert_status 0
        run curl -sf "http://$b1/hostname"
        assert_status 0

        # The last container takes the network's isolation chain along.
        chain=iso_br_$("$BERTH" network inspect -f '{{.Id}}' blue | cut -c1-12)
        nft list chain ip berth "$chain"
        "$BERTH" rm -f b1
        run nft list chain ip berth "$chain"
        assert_status 1
}

@test "a user network's bridge goes with its last container; prune removes unused networks" {
        "$BERTH" network create lonely >/dev/null
        bridge=br-$("$BERTH" network inspect -f '{{.Id}}' lonely | cut -c1-12)
        "$BERTH" run -d --name only --network lonely busybox sleep 1000
        ip link show "$bridge"
        "$BERTH" rm -f only
        run ip link show "$bridge"
        assert_status 1
        [[ ! -e /run/berth/network/networks/lonely ]]
        run "$BERTH" network prune -f
        assert_output_contains "Deleted Networks:"
        assert_output_contains "lonely"
        run "$BERTH" network ls -q
        [[ $(wc -l <<<"$output") == 3 ]]
}
