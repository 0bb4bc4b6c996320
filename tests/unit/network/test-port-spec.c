/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "port-spec.h"

static void check_error(const char *spec, int expected, const char *message) {
        PortMapping *m = NULL;
        size_t n = 0;
        char *error = NULL;

        assert_int_equal(port_spec_parse(spec, &m, &n, &error), expected);
        assert_non_null(error);
        assert_string_equal(error, message);
        assert_int_equal(n, 0);
        free(error);
        free(m);
}

static void test_forms(void **state) {
        PortMapping *m = NULL;
        size_t n = 0;

        assert_int_equal(port_spec_parse("8000:1234", &m, &n, NULL), 0);
        assert_int_equal(port_spec_parse("127.0.0.1:8001:53/udp", &m, &n, NULL), 0);
        assert_int_equal(port_spec_parse("80", &m, &n, NULL), 0);
        assert_int_equal(port_spec_parse("127.0.0.1::81", &m, &n, NULL), 0);
        assert_int_equal(n, 4);

        assert_int_equal(m[0].proto, PORT_PROTO_TCP);
        assert_string_equal(m[0].host_ip, "");
        assert_int_equal(m[0].host_port, 8000);
        assert_int_equal(m[0].host_port_end, 8000);
        assert_int_equal(m[0].container_port, 1234);

        assert_int_equal(m[1].proto, PORT_PROTO_UDP);
        assert_string_equal(m[1].host_ip, "127.0.0.1");
        assert_int_equal(m[1].host_port, 8001);
        assert_int_equal(m[1].container_port, 53);

        /* No host port: any free one. */
        assert_int_equal(m[2].host_port, 0);
        assert_int_equal(m[2].host_port_end, 0);
        assert_int_equal(m[2].container_port, 80);
        assert_string_equal(m[3].host_ip, "127.0.0.1");
        assert_int_equal(m[3].host_port, 0);
        free(m);
}

static void test_ranges(void **state) {
        PortMapping *m = NULL;
        size_t n = 0;

        assert_int_equal(port_spec_parse("8000-8001:80-81", &m, &n, NULL), 0);
        assert_int_equal(n, 2);
        assert_int_equal(m[0].host_port, 8000);
        assert_int_equal(m[0].container_port, 80);
        assert_int_equal(m[1].host_port, 8001);
        assert_int_equal(m[1].host_port_end, 8001);
        assert_int_equal(m[1].container_port, 81);

        /* One container port, a host range to pick from. */
        assert_int_equal(port_spec_parse("9000-9009:80", &m, &n, NULL), 0);
        assert_int_equal(n, 3);
        assert_int_equal(m[2].host_port, 9000);
        assert_int_equal(m[2].host_port_end, 9009);

        /* Container range, random host ports. */
        assert_int_equal(port_spec_parse("70-71", &m, &n, NULL), 0);
        assert_int_equal(n, 5);
        assert_int_equal(m[4].container_port, 71);
        assert_int_equal(m[4].host_port, 0);
        free(m);
}

static void test_bad(void **state) {
        check_error("abc", -EINVAL, "invalid containerPort: abc");
        check_error("8000:abc", -EINVAL, "invalid containerPort: abc");
        check_error("abc:80", -EINVAL, "invalid hostPort: abc");
        check_error("70000:80", -EINVAL, "invalid hostPort: 70000");
        check_error("8000:70000", -EINVAL, "invalid containerPort: 70000");
        check_error("8000:0", -EINVAL, "invalid containerPort: 0");
        check_error("8000:80/sctpx", -EINVAL, "invalid proto: sctpx");
        check_error("8000:80/", -EINVAL, "invalid proto: ");
        check_error("1.2.3:8000:80", -EINVAL, "invalid IP address: 1.2.3");
        check_error("::1:8000:80", -EINVAL, "invalid IP address: ::1");
        check_error(
                "8000-8002:80-81",
                -EINVAL,
                "invalid ranges specified for container and host Ports: 80-81 and 8000-8002");
        check_error(
                "8000:80-81",
                -EINVAL,
                "invalid ranges specified for container and host Ports: 80-81 and 8000");
        check_error("81-80", -EINVAL, "invalid containerPort: 81-80");
        check_error("8000:", -EINVAL, "no port specified: 8000:<empty>");
        check_error("", -EINVAL, "no port specified: <empty>");
        check_error("1-65535", -E2BIG, "too many published ports (at most 4096)");
        check_error("-1", -EINVAL, "invalid containerPort: -1");
        check_error("+80", -EINVAL, "invalid containerPort: +80");
        check_error("0x50", -EINVAL, "invalid containerPort: 0x50");
}

static void test_json_roundtrip(void **state) {
        PortMapping *m = NULL, *back = NULL;
        size_t n = 0, n_back = 0;
        cJSON *j;

        assert_int_equal(port_spec_parse("127.0.0.1:8000-8009:80/udp", &m, &n, NULL), 0);
        assert_int_equal(port_spec_parse("443", &m, &n, NULL), 0);
        j = port_mappings_to_json(m, n);
        assert_non_null(j);
        assert_int_equal(port_mappings_from_json(j, &back, &n_back), 0);
        assert_int_equal(n_back, 2);
        assert_memory_equal(m, back, sizeof(PortMapping) * n);
        cJSON_Delete(j);
        free(back);

        /* Bad shapes are refused. */
        j = cJSON_Parse("[{\"Proto\":\"icmp\",\"HostIp\":\"\",\"HostPort\":1,\"HostPortEnd\":1,"
                        "\"ContainerPort\":1}]");
        assert_int_equal(port_mappings_from_json(j, &back, &n_back), -EINVAL);
        cJSON_Delete(j);
        j = cJSON_Parse("[{\"Proto\":\"tcp\",\"HostIp\":\"x\",\"HostPort\":1,\"HostPortEnd\":1,"
                        "\"ContainerPort\":1}]");
        assert_int_equal(port_mappings_from_json(j, &back, &n_back), -EINVAL);
        cJSON_Delete(j);
        j = cJSON_Parse("[{\"Proto\":\"tcp\",\"HostIp\":\"\",\"HostPort\":5,\"HostPortEnd\":4,"
                        "\"ContainerPort\":1}]");
        assert_int_equal(port_mappings_from_json(j, &back, &n_back), -EINVAL);
        cJSON_Delete(j);
        j = cJSON_Parse("{}");
        assert_int_equal(port_mappings_from_json(j, &back, &n_back), -EINVAL);
        cJSON_Delete(j);
        free(m);
}

static void test_container_key(void **state) {
        PortMapping m = {.proto = PORT_PROTO_UDP, .container_port = 53};
        char *k = NULL;

        assert_int_equal(port_mapping_container_key(&m, &k), 0);
        assert_string_equal(k, "53/udp");
        free(k);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_forms),
                cmocka_unit_test(test_ranges),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_container_key),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
