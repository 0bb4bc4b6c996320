#!/usr/bin/env bats
# Networking (issue 6): the default bridge network with published ports, made by berth-network from the
# container's unit (ExecStart= before the runtime, ExecStopPost= before stop-post). Traffic stays on loopback,
# berth0 and namespaces made here; the sandbox has its own network namespace.

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
        berth_load_test_images
        for img in python labeled; do
                if ! "$BERTH" image inspect "$img:latest" >/dev/null 2>&1; then
                        "$BERTH" load -i "$BERTH_TEST_IMAGES/$img-docker.tar" >/dev/null
                fi
        done
}

teardown_file() {
        berth_remove_images_matching '^(python|labeled):latest$'
}

teardown() {
        berth_teardown
        if [[ -n ${DAEMON_JSON_SAVED:-} ]]; then
                restore_daemon_json
        fi
        ip netns del berth-nat-test 2>/dev/null || true
        ip link del berth-nat0 2>/dev/null || true
        if [[ -n ${HOST_SERVER_UNIT:-} ]]; then
                systemctl stop "$HOST_SERVER_UNIT" 2>/dev/null || true
        fi
}

# What berth made in the host's network namespace: links, addresses, nft rules and map elements, network
# namespace files, leases.
network_footprint() {
        echo "links $(ip -o link | wc -l)"
        echo "addresses $(ip -o addr | wc -l)"
        echo "nft $(nft list ruleset | wc -l)"
        echo "netns $(find /run/berth/netns -mindepth 1 2>/dev/null | wc -l)"
        echo "leases $(find /run/berth/network -type f 2>/dev/null | wc -l)"
}

# The kernel deletes a stopped container's veth pair with its network namespace, in the background.
footprint_is() {
        [[ $(network_footprint) == "$1" ]]
}

# A web server on the host (a transient unit, so that teardown can stop it): http_server PORT DIR
host_http_server() {
        HOST_SERVER_UNIT=berth-test-http-$1
        systemd-run --quiet --unit="$HOST_SERVER_UNIT" --collect --working-directory="$2" \
                /usr/bin/python3 -m http.server "$1" --bind "${3:-0.0.0.0}"
        wait_for 10 curl -sf "http://127.0.0.1:$1/" -o /dev/null
}

# /etc/berth/daemon.json for one test; teardown puts back what was there.
set_daemon_json() {
        if [[ -z ${DAEMON_JSON_SAVED:-} ]]; then
                DAEMON_JSON_SAVED=$BATS_TEST_TMPDIR/daemon.json.saved
                mkdir -p /etc/berth
                if [[ -e /etc/berth/daemon.json ]]; then cp /etc/berth/daemon.json "$DAEMON_JSON_SAVED"; fi
        fi
        printf '%s\n' "$1" >/etc/berth/daemon.json
}

restore_daemon_json() {
        if [[ -e $DAEMON_JSON_SAVED ]]; then
                mv "$DAEMON_JSON_SAVED" /etc/berth/daemon.json
        else
                rm -f /etc/berth/daemon.json
        fi
        DAEMON_JSON_SAVED=
}

# The MTU of the container's eth0, of berth0 and of the container's host end: "eth0 berth0 veth"
bridge_mtus() {
        local veth
        veth=$(ip -o link show master berth0 | grep -o "vb${2:0:11}" | head -n1)
        echo "$("$BERTH" exec "$1" cat /sys/class/net/eth0/mtu) $(cat /sys/class/net/berth0/mtu)" \
                "$(cat "/sys/class/net/$veth/mtu")"
}

container_exited() {
        [[ $("$BERTH" inspect -f '{{.State.Status}}' "$1") == exited ]]
}

container_ip() {
        "$BERTH" inspect -f '{{.NetworkSettings.IPAddress}}' "$1"
}

@test "the tutorial's web server answers on localhost:8000" {
        run "$BERTH" run -t -d -p 8000:1234 python /bin/sh -c 'cd /tmp && echo "hello world" > /tmp/index.html && exec python -m http.server 1234'
        assert_status 0
        wait_for 20 curl -sf localhost:8000 -o /dev/null
        run curl -s localhost:8000
        assert_status 0
        [[ $output == "hello world" ]]

        # ps, port and inspect tell how.
        run "$BERTH" ps
        assert_output_contains "0.0.0.0:8000->1234/tcp"
        id=$("$BERTH" ps -q)
        run "$BERTH" port "$id"
        [[ $output == "1234/tcp -> 0.0.0.0:8000" ]]
        run "$BERTH" port "$id" 1234/tcp
        [[ $output == "0.0.0.0:8000" ]]
        run "$BERTH" port "$id" 80
        assert_status 1
        assert_output_contains "No public port '80/tcp' published for $id"
        run "$BERTH" inspect -f '{{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}} {{.HostConfig.NetworkMode}}' "$id"
        [[ $output == "172.17.0.1 16 bridge" ]]
        run "$BERTH" inspect "$id"
        jq -e '.[0].NetworkSettings.Ports == {"1234/tcp": [{"HostIp": "0.0.0.0", "HostPort": "8000"}]}' <<<"$output"
        jq -e '.[0].HostConfig.PortBindings == {"1234/tcp": [{"HostIp": "", "HostPort": "8000"}]}' <<<"$output"
        jq -e '.[0].NetworkSettings.Networks.bridge.IPAddress | startswith("172.17.0.")' <<<"$output"
        jq -e '.[0].NetworkSettings.MacAddress | startswith("02:42:ac:11:00:")' <<<"$output"
}

@test "host to container by its address, container to host by the gateway" {
        "$BERTH" run -d --name web busybox httpd -f -p 80 -h /etc
        ip=$(container_ip web)
        [[ $ip == 172.17.0.* ]]
        wait_for 10 curl -sf "http://$ip/hostname" -o /dev/null
        run curl -s "http://$ip/hostname"
        [[ $output == "$("$BERTH" inspect -f '{{.Config.Hostname}}' web)" ]]

        mkdir -p /tmp/berth-net-host && echo "from the host" >/tmp/berth-net-host/index.html
        host_http_server 8077 /tmp/berth-net-host
        run "$BERTH" run --rm busybox wget -qO- http://172.17.0.1:8077/
        assert_status 0
        [[ $output == "from the host" ]]
}

@test "two containers reach each other by address" {
        "$BERTH" run -d --name ca busybox httpd -f -p 80 -h /etc
        "$BERTH" run -d --name cb busybox sleep 1000
        a=$(container_ip ca)
        b=$(container_ip cb)
        [[ -n $a && -n $b && $a != "$b" ]]
        run "$BERTH" exec cb ping -c 1 -W 2 "$a"
        assert_status 0
        run "$BERTH" exec cb wget -qO- "http://$a/hostname"
        assert_status 0
        [[ $output == "$("$BERTH" inspect -f '{{.Config.Hostname}}' ca)" ]]
        run "$BERTH" exec ca ping -c 1 -W 2 "$b"
        assert_status 0
}

# A network namespace of our own stands for the outside world: 10.250.0.2 behind the host's 10.250.0.1.
make_outside() {
        ip netns add berth-nat-test
        ip link add berth-nat0 type veth peer name eth0 netns berth-nat-test
        ip addr add 10.250.0.1/24 dev berth-nat0
        ip link set berth-nat0 up
        ip -n berth-nat-test addr add 10.250.0.2/24 dev eth0
        ip -n berth-nat-test link set eth0 up
        ip -n berth-nat-test link set lo up
}

@test "outbound traffic is masqueraded; published ports answer other namespaces on the host's address" {
        make_outside
        # The outside has no route to 172.17.0.0/16: only NAT brings the answer back. The server says
        # who called.
        mkdir -p /tmp/berth-net-outside
        systemd-run --quiet --unit=berth-test-outside --collect -p NetworkNamespacePath=/run/netns/berth-nat-test \
                /usr/bin/python3 -c '
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.client_address[0].encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("10.250.0.2", 9999), H).serve_forever()'
        HOST_SERVER_UNIT=berth-test-outside
        wait_for 10 ip netns exec berth-nat-test curl -sf http://10.250.0.2:9999/ -o /dev/null
        run "$BERTH" run --rm busybox wget -qO- http://10.250.0.2:9999/
        assert_status 0
        [[ $output == "10.250.0.1" ]]

        # The other way: from the outside namespace to a published port on the host's address.
        "$BERTH" run -d -p 8090:80 --name pub busybox httpd -f -p 80 -h /etc
        wait_for 10 ip netns exec berth-nat-test curl -sf http://10.250.0.1:8090/hostname -o /dev/null
        run ip netns exec berth-nat-test curl -s http://10.250.0.1:8090/hostname
        [[ $output == "$("$BERTH" inspect -f '{{.Config.Hostname}}' pub)" ]]
}

@test "udp, ranges, an address and random host ports" {
        "$BERTH" run -d --name rr -p 127.0.0.1:8101-8102:81-82 -p 5353:53/udp -p 90 busybox sleep 1000
        run "$BERTH" port rr
        assert_output_contains "81/tcp -> 127.0.0.1:8101"
        assert_output_contains "82/tcp -> 127.0.0.1:8102"
        assert_output_contains "53/udp -> 0.0.0.0:5353"
        random=$("$BERTH" port rr 90)
        port=${random#0.0.0.0:}
        ((port >= 1024))
        nft list map ip berth ports_ip | grep -q "127.0.0.1 . tcp . 8102 : 172.17."
        nft list map ip berth ports_any | grep -q "udp . 5353 : 172.17."
        nft list map ip berth ports_any | grep -q "tcp . $port : 172.17."

        # -P publishes the image's EXPOSE (80/tcp) on a free port.
        "$BERTH" run -d --name exposed -P labeled sh -c 'exec httpd -f -p 80 -h /etc'
        hostport=$("$BERTH" port exposed 80/tcp)
        hostport=${hostport#0.0.0.0:}
        wait_for 10 curl -sf "http://127.0.0.1:$hostport/hostname" -o /dev/null
}

@test "a port in use is refused by name, and nothing is left half-made" {
        "$BERTH" run -d -p 8200:80 --name first busybox sleep 1000
        sleep 1
        before=$(network_footprint)
        run "$BERTH" run -d -p 8200:80 --name second busybox sleep 1000
        assert_status 125
        assert_output_contains "Bind for 0.0.0.0:8200 failed: port is already allocated"
        [[ $(network_footprint) == "$before" ]]
        run "$BERTH" inspect -f '{{.State.Status}}' second
        [[ $output == exited ]]

        # A host process listening on the port.
        mkdir -p /tmp/berth-net-host
        host_http_server 8201 /tmp/berth-net-host
        before=$(network_footprint)
        run "$BERTH" run -d -p 8201:80 busybox sleep 1000
        assert_status 125
        assert_output_contains "Bind for 0.0.0.0:8201 failed: port is already allocated"
        [[ $(network_footprint) == "$before" ]]

        # The port is free again once its container stops.
        "$BERTH" rm -f first
        run "$BERTH" start second
        assert_status 0
}

@test "bad -p, --dns, --add-host and --network values get Docker's errors" {
        run "$BERTH" run -p abc busybox true
        assert_status 125
        assert_output_contains "invalid containerPort: abc"
        run "$BERTH" run -p 99999:80 busybox true
        assert_output_contains "invalid hostPort: 99999"
        run "$BERTH" run -p 80/sctpx busybox true
        assert_output_contains "invalid proto: sctpx"
        run "$BERTH" run -p 1.2.3:80:80 busybox true
        assert_output_contains "invalid IP address: 1.2.3"
        run "$BERTH" run -p 8000-8002:80-81 busybox true
        assert_output_contains "invalid ranges specified for container and host Ports: 80-81 and 8000-8002"
        run "$BERTH" run --dns nameserver busybox true
        assert_output_contains "nameserver is not an ip address"
        run "$BERTH" run --add-host nocolon busybox true
        assert_output_contains "bad format for add-host"
        run "$BERTH" run --network nosuchnet busybox true
        assert_status 125
        assert_output_contains "network nosuchnet not found"
        run "$BERTH" ps -aq
        [[ -z $output ]]
}

@test "--network none and host, /etc/hosts, --dns and --add-host" {
        run "$BERTH" run --rm --network none busybox ip -o link
        assert_status 0
        [[ $(wc -l <<<"$output") == 1 ]]
        assert_output_contains "lo:"

        run "$BERTH" run --rm --network host busybox ip -o link
        assert_output_contains "berth0"

        run "$BERTH" run --rm -h myhost --add-host db:10.1.2.3 --add-host gw:host-gateway --dns 10.9.9.9 busybox \
                sh -c 'cat /etc/hosts /etc/resolv.conf; ip -o -4 addr show eth0'
        assert_status 0
        assert_output_contains $'10.1.2.3\tdb'
        assert_output_contains $'172.17.0.1\tgw'
        assert_output_contains "nameserver 10.9.9.9"
        ip=$(grep -o 'inet 172\.17\.[0-9.]*' <<<"$output")
        assert_output_contains $'\t'"myhost"
        grep -q "^${ip#inet }"$'\tmyhost' <<<"$output"
        ! grep -q "nameserver 127." <<<"$output"
}

@test "the bridge network's MTU is 65520 in the container, on berth0 and on the host end, also for a bridge made with 1500" {
        id=$("$BERTH" run -d --name big busybox sleep 1000)
        [[ $(bridge_mtus big "$id") == "65520 65520 65520" ]]
        # As an older berth left it: the next setup sets it again.
        ip link set berth0 mtu 1500
        "$BERTH" rm -f big >/dev/null
        id=$("$BERTH" run -d --name big busybox sleep 1000)
        [[ $(bridge_mtus big "$id") == "65520 65520 65520" ]]
        run "$BERTH" network inspect -f '{{json .Options}}' bridge
        [[ $output == '{"com.docker.network.driver.mtu":"65520"}' ]]
}

@test "daemon.json's \"mtu\": 1500 gives Docker's MTU back; a bad one is refused at start" {
        set_daemon_json '{"mtu": 1500}'
        id=$("$BERTH" run -d --name small busybox sleep 1000)
        [[ $(bridge_mtus small "$id") == "1500 1500 1500" ]]
        run "$BERTH" network inspect -f '{{json .Options}}' bridge
        [[ $output == '{"com.docker.network.driver.mtu":"1500"}' ]]
        "$BERTH" rm -f small >/dev/null

        set_daemon_json '{"mtu": 20}'
        run "$BERTH" run --rm busybox true
        assert_status 125
        assert_output_contains '"mtu" must be a number from 68 to 65535'

        # Back to the default: the bridge follows at the next start.
        restore_daemon_json
        id=$("$BERTH" run -d --name small busybox sleep 1000)
        [[ $(bridge_mtus small "$id") == "65520 65520 65520" ]]
}

@test "50 start/stop cycles leave no links, addresses, rules, namespaces or leases behind" {
        # The bridge and the table stay, as Docker's docker0 does: count after a first container.
        "$BERTH" run --rm -p 8300:80 busybox true
        sleep 1
        before=$(network_footprint)
        "$BERTH" create --name cycle -p 8300:80 -p 8301:81/udp busybox true
        for i in $(seq 50); do
                "$BERTH" start -a cycle >/dev/null
        done
        wait_for 10 footprint_is "$before"
}

@test "berth-network runs in the unit's own commands: setup, then the runtime; teardown, then stop-post" {
        "$BERTH" run -d --name chained busybox sleep 1000
        [[ -z $(systemctl show -P ExecStartPre berth-chained.service) ]]
        [[ $(systemctl show -P ExecStart berth-chained.service) == *"berth-network setup "*" -- "*"/berth-runtime run "* ]]
        [[ $(systemctl show -P ExecStopPost berth-chained.service) == *"berth-network teardown "*" -- "*"/berth-runtime stop-post "* ]]
        # The monitor is the process setup ran in.
        pid=$(systemctl show -P MainPID berth-chained.service)
        [[ $(cat "/proc/$pid/comm") == berth-runtime ]]
        "$BERTH" stop -t 1 chained
        [[ $("$BERTH" inspect -f '{{.State.ExitCode}}' chained) == 137 ]]
}

@test "kill -9 of the monitor: ExecStopPost still removes the network" {
        sleep 1
        before=$(network_footprint)
        "$BERTH" run -d --name victim -p 8400:80 busybox sleep 1000
        [[ $(network_footprint) != "$before" ]]
        pid=$(systemctl show -P MainPID berth-victim.service)
        ((pid > 0))
        kill -9 "$pid"
        wait_for 30 container_exited victim
        wait_for 10 footprint_is "$before"
        # ...and the port is free for the next start.
        run "$BERTH" start victim
        assert_status 0
        [[ $("$BERTH" port victim 80) == "0.0.0.0:8400" ]]
}
