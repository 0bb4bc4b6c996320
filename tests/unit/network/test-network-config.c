/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "network-config.h"

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
                cmocka_unit_test(test_mac),
                cmocka_unit_test(test_config_roundtrip),
                cmocka_unit_test(test_modes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
