/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fileio.h"
#include "network-store.h"
#include "strv.h"

static void test_names(void **state) {
        assert_true(network_name_is_valid("app"));
        assert_true(network_name_is_valid("a.b-c_d9"));
        assert_false(network_name_is_valid("bridge"));
        assert_false(network_name_is_valid("host"));
        assert_false(network_name_is_valid("none"));
        assert_false(network_name_is_valid(""));
        assert_false(network_name_is_valid("-x"));
        assert_false(network_name_is_valid("a/b"));
        assert_false(network_name_is_valid("a b"));
        assert_false(network_name_is_valid("../x"));
}

static void test_create_list_remove(void **state) {
        char dir[] = "/tmp/test-network-store-XXXXXX";
        UserNetwork *a = NULL, *b = NULL, *c = NULL, *got = NULL, **l = NULL;
        char *error = NULL, text[20];
        Subnet bridge;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(subnet_parse_bip("172.17.0.1/16", &bridge), 0);

        /* Default subnets: the first free /16 past the default bridge's. */
        assert_int_equal(user_network_create(dir, "a", NULL, NULL, NULL, &bridge, 1, &a, &error), 0);
        subnet_to_string(&a->subnet, text);
        assert_string_equal(text, "172.18.0.0/16");
        subnet_to_bip(&a->subnet, text);
        assert_string_equal(text, "172.18.0.1/16");
        assert_int_equal(user_network_create(dir, "b", NULL, NULL, NULL, &bridge, 2, &b, &error), 0);
        subnet_to_string(&b->subnet, text);
        assert_string_equal(text, "172.19.0.0/16");
        assert_int_equal(
                user_network_create(dir, "c", "10.1.2.0/24", "10.1.2.200", NULL, &bridge, 3, &c, &error), 0);
        subnet_to_bip(&c->subnet, text);
        assert_string_equal(text, "10.1.2.200/24");

        /* Refusals, each with Docker's words. */
        assert_int_equal(user_network_create(dir, "a", NULL, NULL, NULL, &bridge, 4, &got, &error), -EEXIST);
        assert_string_equal(error, "network with name a already exists");
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", "10.1.0.0/16", NULL, NULL, &bridge, 4, &got, &error), -EINVAL);
        assert_string_equal(error, "Pool overlaps with other one on this address space");
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", "172.17.128.0/20", NULL, NULL, &bridge, 4, &got, &error),
                -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", "10.2.0.0/24", "10.3.0.1", NULL, &bridge, 4, &got, &error),
                -EINVAL);
        assert_string_equal(error, "no matching subnet for gateway 10.3.0.1");
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", "10.2.0.0/24", "10.2.0.255", NULL, &bridge, 4, &got, &error),
                -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", "10.2.0.0/31", NULL, NULL, &bridge, 4, &got, &error), -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "d", NULL, "10.2.0.1", NULL, &bridge, 4, &got, &error), -EINVAL);
        free(error);
        error = NULL;
        assert_int_equal(
                user_network_create(dir, "none", NULL, NULL, NULL, &bridge, 4, &got, &error), -EINVAL);
        assert_string_equal(error, "operation is not permitted on predefined none network");
        free(error);
        error = NULL;

        assert_int_equal(user_network_list(dir, &l), 0);
        assert_string_equal(l[0]->name, "a");
        assert_string_equal(l[1]->name, "b");
        assert_string_equal(l[2]->name, "c");
        assert_null(l[3]);
        user_network_list_free(l);

        /* By name, id and unique id prefix. */
        assert_int_equal(user_network_get(dir, "b", &got), 0);
        assert_string_equal(got->id, b->id);
        assert_memory_equal(got->bridge, "br-", 3);
        assert_memory_equal(got->bridge + 3, b->id, 12);
        got = user_network_free(got);
        assert_int_equal(user_network_get(dir, b->id, &got), 0);
        assert_string_equal(got->name, "b");
        got = user_network_free(got);
        /* Only a subnet given at create time takes addresses asked for (--ip), also when read back. */
        assert_false(b->subnet_configured);
        assert_true(c->subnet_configured);
        assert_int_equal(user_network_get(dir, "c", &got), 0);
        assert_true(got->subnet_configured);
        got = user_network_free(got);
        assert_int_equal(user_network_get(dir, "a", &got), 0);
        assert_false(got->subnet_configured);
        got = user_network_free(got);
        assert_int_equal(user_network_get(dir, "nosuch", &got), -ENOENT);

        assert_int_equal(user_network_remove(dir, "b"), 0);
        /* By its id: "b" alone is also a prefix of any id that starts with b. */
        assert_int_equal(user_network_get(dir, b->id, &got), -ENOENT);
        assert_int_equal(user_network_remove(dir, "b"), -ENOENT);
        /* Its subnet is free again. */
        assert_int_equal(user_network_create(dir, "e", NULL, NULL, NULL, &bridge, 5, &got, &error), 0);
        subnet_to_string(&got->subnet, text);
        assert_string_equal(text, "172.19.0.0/16");

        user_network_free(got);
        user_network_free(a);
        user_network_free(b);
        user_network_free(c);
        assert_int_equal(rm_rf(dir), 0);
}

/* -o com.docker.network.driver.mtu: kept with the network and shown as given; bad values and other options
 * refused with nothing created. */
static void test_options(void **state) {
        char dir[] = "/tmp/test-network-store-XXXXXX";
        char *mtu9000[] = {(char *)NETWORK_OPTION_MTU, (char *)"9000", NULL};
        char *bad[][3] = {
                {(char *)NETWORK_OPTION_MTU, (char *)"abc", NULL},
                {(char *)NETWORK_OPTION_MTU, (char *)"67", NULL},
                {(char *)NETWORK_OPTION_MTU, (char *)"65536", NULL},
                {(char *)NETWORK_OPTION_MTU, (char *)"", NULL},
                {(char *)"com.docker.network.bridge.name", (char *)"br0", NULL},
        };
        UserNetwork *n = NULL, *got = NULL;
        char *error = NULL, **options = NULL;
        Subnet bridge;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(subnet_parse_bip("172.17.0.1/16", &bridge), 0);
        assert_int_equal(user_network_create(dir, "jumbo", NULL, NULL, mtu9000, &bridge, 1, &n, &error), 0);
        assert_int_equal(n->mtu, 9000);
        n = user_network_free(n);
        assert_int_equal(user_network_get(dir, "jumbo", &got), 0);
        assert_int_equal(got->mtu, 9000);
        assert_int_equal(user_network_options(got, &options), 0);
        assert_string_equal(options[0], NETWORK_OPTION_MTU);
        assert_string_equal(options[1], "9000");
        assert_null(options[2]);
        strv_free(options);
        got = user_network_free(got);

        /* Without the option: none shown, the default applies. */
        assert_int_equal(user_network_create(dir, "plain", NULL, NULL, NULL, &bridge, 2, &n, &error), 0);
        assert_int_equal(n->mtu, 0);
        assert_int_equal(user_network_options(n, &options), 0);
        assert_null(options);
        n = user_network_free(n);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(
                        user_network_create(dir, "bad", NULL, NULL, bad[i], &bridge, 3, &n, &error),
                        -EINVAL);
                assert_non_null(error);
                free(error);
                error = NULL;
                assert_int_equal(user_network_get(dir, "bad", &got), -ENOENT);
        }
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_names),
                cmocka_unit_test(test_create_list_remove),
                cmocka_unit_test(test_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
