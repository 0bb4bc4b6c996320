/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nft-rules.h"

static void test_commands(void **state) {
        PortMapping *m = NULL;
        size_t n = 0;
        Subnet s;
        char *setup = NULL, *teardown = NULL;

        assert_int_equal(subnet_parse_bip("172.17.0.1/16", &s), 0);
        assert_int_equal(port_spec_parse("8000:1234", &m, &n, NULL), 0);
        assert_int_equal(port_spec_parse("127.0.0.1:5353:53/udp", &m, &n, NULL), 0);

        assert_int_equal(nft_setup_commands(&s, "172.17.0.2", m, n, true, &setup), 0);
        /* Idempotent: the chains are flushed and refilled in the same transaction. */
        assert_non_null(strstr(setup, "flush chain ip berth publish\n"));
        assert_non_null(strstr(setup, "add element ip berth subnets { 172.17.0.0/16 }\n"));
        assert_non_null(
                strstr(setup, "create element ip berth ports_any { tcp . 8000 : 172.17.0.2 . 1234 }\n"));
        assert_non_null(strstr(
                setup, "create element ip berth ports_ip { 127.0.0.1 . udp . 5353 : 172.17.0.2 . 53 }\n"));

        free(setup);
        /* Without the table: only the container's own elements. */
        assert_int_equal(nft_setup_commands(&s, "172.17.0.2", m, n, false, &setup), 0);
        assert_string_equal(
                setup,
                "add element ip berth subnets { 172.17.0.0/16 }\n"
                "create element ip berth ports_any { tcp . 8000 : 172.17.0.2 . 1234 }\n"
                "create element ip berth ports_ip { 127.0.0.1 . udp . 5353 : 172.17.0.2 . 53 }\n");

        assert_int_equal(nft_teardown_commands("172.17.0.2", m, n, &teardown), 0);
        assert_string_equal(
                teardown,
                "delete element ip berth ports_any { tcp . 8000 : 172.17.0.2 . 1234 }\n"
                "delete element ip berth ports_ip { 127.0.0.1 . udp . 5353 : 172.17.0.2 . 53 }\n");
        free(setup);
        free(teardown);

        assert_int_equal(nft_teardown_commands("172.17.0.2", NULL, 0, &teardown), 0);
        assert_string_equal(teardown, "");
        free(teardown);
        free(m);
}

static void test_isolation(void **state) {
        char *chain = NULL, *element = NULL;
        Subnet s;

        assert_int_equal(subnet_parse_bip("172.18.0.1/16", &s), 0);
        assert_int_equal(nft_isolation_commands("br-0123456789ab", &s, true, &chain, &element), 0);
        assert_string_equal(
                chain,
                "add chain ip berth iso_br_0123456789ab\n"
                "flush chain ip berth iso_br_0123456789ab\n"
                "add rule ip berth iso_br_0123456789ab ip daddr 172.18.0.0/16 return\n"
                "add rule ip berth iso_br_0123456789ab drop\n");
        assert_string_equal(
                element, "add element ip berth isolation { 172.18.0.0/16 : jump iso_br_0123456789ab }\n");
        free(chain);
        free(element);

        assert_int_equal(nft_isolation_commands("berth0", &s, false, &chain, &element), 0);
        assert_null(element);
        assert_string_equal(
                chain,
                "delete element ip berth isolation { 172.18.0.0/16 }\n"
                "flush chain ip berth iso_berth0\n"
                "delete chain ip berth iso_berth0\n");
        free(chain);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_commands),
                cmocka_unit_test(test_isolation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
