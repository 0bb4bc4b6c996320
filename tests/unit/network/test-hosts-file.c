/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hosts-file.h"

#define LOCALHOST                                                                                           \
        "127.0.0.1\tlocalhost\n"                                                                            \
        "::1\tlocalhost ip6-localhost ip6-loopback\n"                                                       \
        "fe00::0\tip6-localnet\n"                                                                           \
        "ff00::0\tip6-mcastprefix\n"                                                                        \
        "ff02::1\tip6-allnodes\n"                                                                           \
        "ff02::2\tip6-allrouters\n"

static void test_hosts(void **state) {
        char *names[] = {"web", NULL};
        char *extra[] = {"db:10.0.0.5", "gw:host-gateway", "v6:::1", NULL};
        char *s = NULL;

        assert_int_equal(hosts_file_build("172.17.0.2", "172.17.0.1", "abc123", names, extra, &s), 0);
        assert_string_equal(s, LOCALHOST "10.0.0.5\tdb\n172.17.0.1\tgw\n::1\tv6\n172.17.0.2\tabc123 web\n");
        free(s);

        /* No address (--network none/host): the hostname on loopback; no gateway: host-gateway dropped. */
        assert_int_equal(hosts_file_build(NULL, NULL, "web", names, extra, &s), 0);
        assert_string_equal(s, LOCALHOST "10.0.0.5\tdb\n::1\tv6\n127.0.0.1\tweb\n");
        free(s);
}

static void test_validate(void **state) {
        assert_int_equal(extra_host_validate("db:10.0.0.5"), 0);
        assert_int_equal(extra_host_validate("db:::1"), 0);
        assert_int_equal(extra_host_validate("db:host-gateway"), 0);
        assert_int_equal(extra_host_validate("db"), -EINVAL);
        assert_int_equal(extra_host_validate(":10.0.0.5"), -EINVAL);
        assert_int_equal(extra_host_validate("db:10.0.0"), -EINVAL);
        assert_int_equal(extra_host_validate("d b:10.0.0.5"), -EINVAL);
        assert_int_equal(extra_host_validate("d\nb:10.0.0.5"), -EINVAL);
        assert_int_equal(dns_server_validate("1.1.1.1"), 0);
        assert_int_equal(dns_server_validate("2001:db8::1"), 0);
        assert_int_equal(dns_server_validate("dns.example"), -EINVAL);
        assert_int_equal(dns_server_validate(""), -EINVAL);
}

static void test_resolv(void **state) {
        char *dns[] = {"9.9.9.9", NULL};
        char *s = NULL;

        /* systemd-resolved's stub is unreachable from the container: dropped, Google's added. */
        assert_int_equal(
                resolv_conf_build("nameserver 127.0.0.53\noptions edns0\nsearch lan\n", NULL, false, &s), 0);
        assert_string_equal(s, "options edns0\nsearch lan\nnameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        free(s);

        assert_int_equal(resolv_conf_build("nameserver ::1\nnameserver 10.0.0.1\n", NULL, false, &s), 0);
        assert_string_equal(s, "nameserver 10.0.0.1\n");
        free(s);

        /* --network host keeps loopback servers. */
        assert_int_equal(resolv_conf_build("nameserver 127.0.0.53\n", NULL, true, &s), 0);
        assert_string_equal(s, "nameserver 127.0.0.53\n");
        free(s);

        /* --dns replaces all nameservers. */
        assert_int_equal(resolv_conf_build("nameserver 10.0.0.1\nsearch lan\n", dns, false, &s), 0);
        assert_string_equal(s, "search lan\nnameserver 9.9.9.9\n");
        free(s);

        assert_int_equal(resolv_conf_build(NULL, NULL, false, &s), 0);
        assert_string_equal(s, "nameserver 8.8.8.8\nnameserver 8.8.4.4\n");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hosts),
                cmocka_unit_test(test_validate),
                cmocka_unit_test(test_resolv),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
