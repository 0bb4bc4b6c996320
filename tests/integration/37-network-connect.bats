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
        assert_output_contains "container cannot be disconnected from host network or connected to host network"
        run "$BERTH" network connect host c1
        assert_status 1
        assert_output_contains "container cannot be disconnected from host network or connected to host network"
        run "$BERTH" network connect net1 isolated
        assert_status 1
        assert_output_contains "private (none) mode"
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
