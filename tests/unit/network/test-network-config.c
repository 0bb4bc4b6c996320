/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "network-config.h"
#include "strv.h"

static void test_bip(void **state) {
        Subnet s;
        char str[16];

        assert_int_equal(subnet_parse_bip("172.17.0.1/16", &s), 0);
        assert_int_equal(s.prefixlen, 16);
        ip_to_string(s.network, str);
        assert_string_equal(str, "172.17.0.0");
        ip_to_string(s.gateway, str);
        assert_string_equal(str, "172.17.0.1");

        assert_int_equal(subnet_parse_bip("172.17.0.0/16", &s), -EINVAL);     /* the network address */
        assert_int_equal(subnet_parse_bip("172.17.255.255/16", &s), -EINVAL); /* broadcast */
        assert_int_equal(subnet_parse_bip("172.17.0.1", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("172.17.0.1/31", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("172.17.0.1/7", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("172.17.0.1/", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("172.17.0.1/16x", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("fd00::1/64", &s), -EINVAL);
        assert_int_equal(subnet_parse_bip("/16", &s), -EINVAL);
}

static void test_daemon_json(void **state) {
        Subnet s;
        char *error = NULL, str[16];

        assert_int_equal(daemon_config_bridge_subnet(NULL, &s, &error), 0);
        ip_to_string(s.gateway, str);
        assert_string_equal(str, "172.17.0.1");

        assert_int_equal(daemon_config_bridge_subnet("{\"registry-mirrors\": []}", &s, &error), 0);
        assert_int_equal(s.prefixlen, 16);

        assert_int_equal(daemon_config_bridge_subnet("{\"bip\": \"10.20.30.1/24\"}", &s, &error), 0);
        assert_int_equal(s.prefixlen, 24);
        ip_to_string(s.network, str);
        assert_string_equal(str, "10.20.30.0");

        assert_int_equal(daemon_config_bridge_subnet("{\"bip\": 5}", &s, &error), -EINVAL);
        assert_non_null(error);
        free(error);
        error = NULL;
        assert_int_equal(daemon_config_bridge_subnet("{\"bip\": \"10.20.30.0/24\"}", &s, &error), -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(daemon_config_bridge_subnet("[1]", &s, &error), -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(daemon_config_bridge_subnet("{", &s, &error), -EINVAL);
        free(error);
}

static void test_daemon_json_mtu(void **state) {
        static const char *const bad[] = {
                "{\"mtu\": \"1500\"}",
                "{\"mtu\": 67}",
                "{\"mtu\": 65536}",
                "{\"mtu\": 1500.5}",
                "{\"mtu\": -1}",
                "{\"mtu\": null}",
                "[1]",
        };
        char *error = NULL;
        unsigned mtu;

        assert_int_equal(daemon_config_bridge_mtu(NULL, &mtu, &error), 0);
        assert_int_equal(mtu, NETWORK_DEFAULT_MTU);
        assert_int_equal(daemon_config_bridge_mtu("{\"bip\": \"10.0.0.1/24\"}", &mtu, &error), 0);
        assert_int_equal(mtu, 65520);
        assert_int_equal(daemon_config_bridge_mtu("{\"mtu\": 1500}", &mtu, &error), 0);
        assert_int_equal(mtu, 1500);
        assert_int_equal(daemon_config_bridge_mtu("{\"mtu\": 68}", &mtu, &error), 0);
        assert_int_equal(daemon_config_bridge_mtu("{\"mtu\": 65535}", &mtu, &error), 0);
        assert_int_equal(mtu, 65535);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(daemon_config_bridge_mtu(bad[i], &mtu, &error), -EINVAL);
                assert_non_null(error);
                free(error);
                error = NULL;
        }
}

/* The value of -o com.docker.network.driver.mtu. */
static void test_mtu_parse(void **state) {
        static const char *const bad[] = {
                "",
                "abc",
                "9000x",
                " 9000",
                "+9000",
                "-1",
                "0",
                "67",
                "65536",
                "99999999999999999999",
                "0x2328",
        };
        char *error = NULL;
        unsigned mtu;

        assert_int_equal(mtu_parse("9000", &mtu, &error), 0);
        assert_int_equal(mtu, 9000);
        assert_int_equal(mtu_parse("68", &mtu, &error), 0);
        assert_int_equal(mtu_parse("65535", &mtu, &error), 0);
        assert_int_equal(mtu, 65535);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(mtu_parse(bad[i], &mtu, &error), -EINVAL);
                assert_non_null(error);
                free(error);
                error = NULL;
        }
        assert_int_equal(mtu_parse("abc", &mtu, &error), -EINVAL);
        assert_string_equal(error, "invalid MTU \"abc\": not a number");
        free(error);
        error = NULL;
        assert_int_equal(mtu_parse("67", &mtu, &error), -EINVAL);
        assert_string_equal(error, "invalid MTU 67: it must be from 68 to 65535");
        free(error);
}

/* network.json's "Mtu" of a user network and of a network connected to: kept, and bad values refused. */
static void test_config_mtu(void **state) {
        static const char *const bad[] = {
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"Mtu\": 67}",
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"Mtu\": \"9000\"}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\", \"Mtu\": 70000}]}",
        };
        NetworkConfig c = {.mode = NETWORK_MODE_BRIDGE}, back = {};
        NetworkAttachment a = {};
        cJSON *j = NULL;

        c.network = strdup("jumbo");
        c.bip = strdup("172.19.0.1/16");
        c.bridge = strdup("br-0123456789ab");
        c.mtu = 9000;
        a.network = strdup("small");
        a.bip = strdup("172.20.0.1/16");
        a.bridge = strdup("br-123456789abc");
        a.mtu = 1400;
        assert_int_equal(network_config_add_attachment(&c, &a), 0);
        assert_int_equal(network_config_to_json(&c, &j), 0);
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_int_equal(back.mtu, 9000);
        assert_int_equal(back.connected[0].mtu, 1400);
        cJSON_Delete(j);
        network_config_done(&back);
        network_config_done(&c);

        /* Written by an older berth: no "Mtu", the default. */
        j = cJSON_Parse(
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\"}");
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_int_equal(back.mtu, 0);
        cJSON_Delete(j);
        network_config_done(&back);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                j = cJSON_Parse(bad[i]);
                assert_non_null(j);
                assert_int_equal(network_config_from_json(j, &back), -EINVAL);
                cJSON_Delete(j);
        }
}

static void test_mac(void **state) {
        Subnet s;
        char mac[18];

        assert_int_equal(subnet_parse_bip("172.17.0.2/16", &s), 0);
        mac_from_ip(s.gateway, mac);
        assert_string_equal(mac, "02:42:ac:11:00:02");
}

static void test_config_roundtrip(void **state) {
        NetworkConfig c = {}, back = {};
        cJSON *j = NULL;

        c.mode = NETWORK_MODE_BRIDGE;
        c.hostname = (char *)"h";
        assert_int_equal(port_spec_parse("8000:80", &c.ports, &c.n_ports, NULL), 0);
        assert_int_equal(network_config_to_json(&c, &j), 0);
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_int_equal(back.mode, NETWORK_MODE_BRIDGE);
        assert_string_equal(back.hostname, "h");
        assert_int_equal(back.n_ports, 1);
        assert_int_equal(back.ports[0].host_port, 8000);
        cJSON_Delete(j);
        free(c.ports);
        network_config_done(&back);

        j = cJSON_Parse("{\"Mode\": \"overlay\"}");
        assert_int_equal(network_config_from_json(j, &back), -EINVAL);
        cJSON_Delete(j);
        j = cJSON_Parse("{\"Mode\": \"none\", \"Dns\": [1]}");
        assert_int_equal(network_config_from_json(j, &back), -EINVAL);
        cJSON_Delete(j);
}

static void test_attachments(void **state) {
        NetworkConfig c = {.mode = NETWORK_MODE_BRIDGE}, back = {};
        NetworkAttachment a = {};
        cJSON *j = NULL;

        a.network = strdup("back");
        a.bip = strdup("172.19.0.1/16");
        a.bridge = strdup("br-0123456789ab");
        assert_int_equal(strv_extend(&a.aliases, "api"), 0);
        assert_int_equal(network_config_add_attachment(&c, &a), 0);
        assert_null(a.network);
        assert_int_equal(network_config_to_json(&c, &j), 0);
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_int_equal(back.n_connected, 1);
        assert_non_null(network_config_find_attachment(&back, "back"));
        assert_null(network_config_find_attachment(&back, "front"));
        assert_string_equal(back.connected[0].aliases[0], "api");
        network_config_remove_attachment(&back, "back");
        assert_int_equal(back.n_connected, 0);
        cJSON_Delete(j);
        network_config_done(&back);
        network_config_done(&c);

        /* Bad input: not an array, no network, a bad subnet or bridge, a network twice or the first one. */
        static const char *const bad[] = {
                "{\"Mode\": \"bridge\", \"Connected\": {}}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.0/24\", "
                "\"Bridge\": \"b\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"0123456789abcdef\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\"}, {\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\"}]}",
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\", \"Aliases\": [1]}]}",
                /* The default bridge while still on it; an address outside the subnet, or not one. */
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"bridge\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"berth0\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\", \"IPv4Address\": \"10.0.1.5\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\", \"IPv4Address\": \"10.0.0.x\"}]}",
                "{\"Mode\": \"bridge\", \"Connected\": [{\"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", "
                "\"Bridge\": \"b\", \"IPv4Address\": 5}]}",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                j = cJSON_Parse(bad[i]);
                assert_non_null(j);
                assert_int_equal(network_config_from_json(j, &back), -EINVAL);
                cJSON_Delete(j);
        }
}

/* A container that left its first network (Detached): back on it only as one connected to later, with the
 * address it asked for. */
static void test_detached(void **state) {
        NetworkConfig c = {.mode = NETWORK_MODE_BRIDGE, .detached = true}, back = {};
        NetworkAttachment a = {};
        cJSON *j = NULL;

        a.network = strdup("bridge");
        a.bip = strdup("172.17.0.1/16");
        a.bridge = strdup("berth0");
        assert_int_equal(network_config_add_attachment(&c, &a), 0);
        a.network = strdup("fixed");
        a.bip = strdup("10.5.0.1/24");
        a.bridge = strdup("br-0123456789ab");
        a.ip = strdup("10.5.0.20");
        assert_int_equal(network_config_add_attachment(&c, &a), 0);
        assert_int_equal(network_config_to_json(&c, &j), 0);
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_true(back.detached);
        assert_int_equal(back.n_connected, 2);
        assert_string_equal(back.connected[0].network, "bridge");
        assert_null(back.connected[0].ip);
        assert_string_equal(back.connected[1].ip, "10.5.0.20");
        cJSON_Delete(j);
        network_config_done(&back);
        network_config_done(&c);
}

/* run --ip: the address asked for on the user network a container is created on. */
static void test_requested_ip(void **state) {
        static const char *const bad[] = {
                "{\"Mode\": \"bridge\", \"IPv4Address\": \"172.17.0.5\"}",
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"IPv4Address\": \"10.0.1.5\"}",
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"IPv4Address\": [\"10.0.0.5\"]}",
        };
        NetworkConfig c = {}, back = {};
        cJSON *j;

        j = cJSON_Parse(
                "{\"Mode\": \"bridge\", \"Network\": \"n\", \"Bip\": \"10.0.0.1/24\", \"Bridge\": \"b\", "
                "\"IPv4Address\": \"10.0.0.5\"}");
        assert_non_null(j);
        assert_int_equal(network_config_from_json(j, &c), 0);
        assert_string_equal(c.ip, "10.0.0.5");
        cJSON_Delete(j);
        assert_int_equal(network_config_to_json(&c, &j), 0);
        assert_int_equal(network_config_from_json(j, &back), 0);
        assert_string_equal(back.ip, "10.0.0.5");
        cJSON_Delete(j);
        network_config_done(&back);
        network_config_done(&c);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                j = cJSON_Parse(bad[i]);
                assert_non_null(j);
                assert_int_equal(network_config_from_json(j, &back), -EINVAL);
                cJSON_Delete(j);
        }
}

static void test_subnet_address(void **state) {
        Subnet s;
        uint32_t ip = 0;

        assert_int_equal(subnet_parse_bip("10.5.0.1/24", &s), 0);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.20", &ip), 0);
        assert_int_equal(ip, (10U << 24) | (5U << 16) | 20U);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.254", &ip), 0);
        /* Not an address. */
        assert_int_equal(subnet_address_parse(&s, "", &ip), -EINVAL);
        assert_int_equal(subnet_address_parse(&s, "foo", &ip), -EINVAL);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.256", &ip), -EINVAL);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.20/24", &ip), -EINVAL);
        assert_int_equal(subnet_address_parse(&s, " 10.5.0.20", &ip), -EINVAL);
        assert_int_equal(subnet_address_parse(&s, "fd00::1", &ip), -EINVAL);
        /* Outside the subnet. */
        assert_int_equal(subnet_address_parse(&s, "10.5.1.20", &ip), -ERANGE);
        assert_int_equal(subnet_address_parse(&s, "0.0.0.0", &ip), -ERANGE);
        /* The network's own: its address, gateway and broadcast. */
        assert_int_equal(subnet_address_parse(&s, "10.5.0.0", &ip), -EADDRINUSE);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.1", &ip), -EADDRINUSE);
        assert_int_equal(subnet_address_parse(&s, "10.5.0.255", &ip), -EADDRINUSE);
        assert_int_equal(ip, (10U << 24) | (5U << 16) | 254U);
}

static void test_state_endpoints(void **state) {
        NetworkState s = {.prefixlen = 16}, back = {};
        cJSON *j = NULL;

        strcpy(s.ip, "172.17.0.2");
        strcpy(s.gateway, "172.17.0.1");
        strcpy(s.mac, "02:42:ac:11:00:02");
        strcpy(s.bridge, "berth0");
        s.connected = calloc(1, sizeof(NetworkEndpoint));
        s.n_connected = 1;
        s.connected[0] = (NetworkEndpoint){.network = strdup("back"), .prefixlen = 16};
        strcpy(s.connected[0].ip, "172.19.0.2");
        strcpy(s.connected[0].gateway, "172.19.0.1");
        strcpy(s.connected[0].mac, "02:42:ac:13:00:02");
        strcpy(s.connected[0].bridge, "br-0123456789ab");
        strcpy(s.connected[0].ifname, "eth1");
        strcpy(s.connected[0].veth, "vx0123456789a1");
        assert_int_equal(network_state_to_json(&s, &j), 0);
        assert_int_equal(network_state_from_json(j, &back), 0);
        assert_int_equal(back.n_connected, 1);
        assert_string_equal(network_state_find_endpoint(&back, "back")->ifname, "eth1");
        network_state_remove_endpoint(&back, "back");
        assert_int_equal(back.n_connected, 0);
        cJSON_Delete(j);
        network_state_done(&back);
        network_state_done(&s);

        /* An interface name too long for the kernel. */
        j = cJSON_Parse(
                "{\"IPAddress\": \"1.2.3.4\", \"IPPrefixLen\": 16, \"Gateway\": \"1.2.0.1\", "
                "\"MacAddress\": "
                "\"m\", \"Bridge\": \"b\", \"Connected\": [{\"Network\": \"n\", \"IPAddress\": \"1.2.3.4\", "
                "\"IPPrefixLen\": 16, \"Gateway\": \"g\", \"MacAddress\": \"m\", \"Bridge\": \"b\", "
                "\"Interface\": \"0123456789abcdef\", \"Veth\": \"v\"}]}");
        assert_int_equal(network_state_from_json(j, &back), -EINVAL);
        cJSON_Delete(j);
}

static void test_modes(void **state) {
        assert_int_equal(network_mode_from_string("bridge"), NETWORK_MODE_BRIDGE);
        assert_int_equal(network_mode_from_string("none"), NETWORK_MODE_NONE);
        assert_int_equal(network_mode_from_string("host"), NETWORK_MODE_HOST);
        assert_int_equal(network_mode_from_string("mynet"), -EINVAL);
        assert_int_equal(network_mode_from_string(NULL), -EINVAL);
        for (int i = 0; i < _NETWORK_MODE_MAX; i++)
                assert_int_equal(network_mode_from_string(network_mode_to_string(i)), i);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bip),
                cmocka_unit_test(test_daemon_json),
                cmocka_unit_test(test_daemon_json_mtu),
                cmocka_unit_test(test_mtu_parse),
                cmocka_unit_test(test_config_mtu),
                cmocka_unit_test(test_mac),
                cmocka_unit_test(test_config_roundtrip),
                cmocka_unit_test(test_attachments),
                cmocka_unit_test(test_detached),
                cmocka_unit_test(test_subnet_address),
                cmocka_unit_test(test_requested_ip),
                cmocka_unit_test(test_state_endpoints),
                cmocka_unit_test(test_modes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
