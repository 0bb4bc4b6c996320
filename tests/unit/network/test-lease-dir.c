/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "lease-dir.h"

static int make_dir(char *template) {
        assert_non_null(mkdtemp(template));
        return open(template, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void test_ipam(void **state) {
        char dir[] = "/tmp/test-lease-dir-XXXXXX";
        int fd = make_dir(dir);
        Subnet s;
        uint32_t ip;
        char str[16];

        assert_int_equal(subnet_parse_bip("10.9.0.1/30", &s), 0);
        /* .0 network, .1 gateway, .3 broadcast: one address. */
        assert_int_equal(ipam_allocate(fd, &s, "a", &ip), 0);
        ip_to_string(ip, str);
        assert_string_equal(str, "10.9.0.2");
        assert_int_equal(ipam_allocate(fd, &s, "b", &ip), -ENOSPC);
        assert_int_equal(lease_release_owner(fd, "a"), 0);
        assert_int_equal(ipam_allocate(fd, &s, "b", &ip), 0);
        ip_to_string(ip, str);
        assert_string_equal(str, "10.9.0.2");

        /* The gateway may sit anywhere in the subnet. */
        assert_int_equal(subnet_parse_bip("10.8.0.2/29", &s), 0);
        assert_int_equal(ipam_allocate(fd, &s, "c", &ip), 0);
        ip_to_string(ip, str);
        assert_string_equal(str, "10.8.0.1");
        assert_int_equal(ipam_allocate(fd, &s, "d", &ip), 0);
        ip_to_string(ip, str);
        assert_string_equal(str, "10.8.0.3");

        close(fd);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_leases(void **state) {
        char dir[] = "/tmp/test-lease-dir-XXXXXX";
        int fd = make_dir(dir);

        assert_int_equal(lease_acquire(fd, "tcp-8000", "one"), 0);
        assert_int_equal(lease_acquire(fd, "tcp-8000", "one"), 0);
        assert_int_equal(lease_acquire(fd, "tcp-8000", "two"), -EADDRINUSE);
        assert_int_equal(lease_acquire(fd, "udp-8000", "two"), 0);
        assert_int_equal(lease_acquire(fd, "tcp-8001", "one"), 0);
        assert_int_equal(lease_release_owner(fd, "one"), 0);
        assert_int_equal(faccessat(fd, "tcp-8000", F_OK, 0), -1);
        assert_int_equal(faccessat(fd, "tcp-8001", F_OK, 0), -1);
        assert_int_equal(faccessat(fd, "udp-8000", F_OK, 0), 0);
        assert_int_equal(lease_acquire(fd, "tcp-8000", "two"), 0);
        /* Releasing what is not there is fine. */
        assert_int_equal(lease_release_owner(fd, "nobody"), 0);

        close(fd);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ipam),
                cmocka_unit_test(test_leases),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
