/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "device-spec.h"
#include "macro.h"
#include "parse-size.h"
#include "sysctl-spec.h"
#include "ulimit-spec.h"

static void test_device_spec(void **state) {
        static const struct {
                const char *spec, *host, *container, *permissions;
        } good[] = {
                {"/dev/fuse", "/dev/fuse", "/dev/fuse", "rwm"},
                {"/dev/fuse:/dev/f", "/dev/fuse", "/dev/f", "rwm"},
                {"/dev/fuse:r", "/dev/fuse", "/dev/fuse", "r"},
                {"/dev/fuse:mw", "/dev/fuse", "/dev/fuse", "mw"},
                {"/dev/fuse:/dev/f:rw", "/dev/fuse", "/dev/f", "rw"},
        };
        static const struct {
                const char *spec, *error;
        } bad[] = {
                {"", "invalid device specification: "},
                {"/a:/b:rw:x", "invalid device specification: /a:/b:rw:x"},
                {"/dev/fuse:/dev/f:rwx", "bad mode specified: rwx"},
                {"/dev/fuse:/dev/f:rr", "bad mode specified: rr"},
                {"/dev/fuse:/dev/f:", "bad mode specified: "},
                {"dev/fuse", "dev/fuse is not an absolute path"},
                {"/dev/fuse:dev/f", "dev/f is not an absolute path"},
                {"/dev/fuse:/dev/../etc/x", "/dev/../etc/x is not an absolute path"},
                {"/dev/fuse:/dev/..", "/dev/.. is not an absolute path"},
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_(device_spec_done) DeviceSpec d = {};
                assert_int_equal(device_spec_parse(good[i].spec, &d, NULL), 0);
                assert_string_equal(d.path_on_host, good[i].host);
                assert_string_equal(d.path_in_container, good[i].container);
                assert_string_equal(d.permissions, good[i].permissions);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *error = NULL;
                DeviceSpec d = {};
                assert_int_equal(device_spec_parse(bad[i].spec, &d, &error), -EINVAL);
                assert_string_equal(error, bad[i].error);
        }
        assert_false(device_permissions_valid("rwmr"));
        assert_true(device_permissions_valid("mrw"));
}

static void test_ulimit_spec(void **state) {
        char text[ULIMIT_STRING_MAX];
        UlimitSpec u;
        static const struct {
                const char *spec, *error;
        } bad[] = {
                {"nofile", "invalid ulimit argument: nofile"},
                {"nofiles=1", "invalid ulimit type: nofiles"},
                {"nofile=a", "invalid ulimit soft value: a"},
                {"nofile=", "invalid ulimit soft value: "},
                {"nofile=1:b", "invalid ulimit hard value: b"},
                {"nofile=1:2:3",
                 "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`"},
                {"nofile=3:2", "ulimit soft limit must be less than or equal to hard limit: 3 > 2"},
                {"nofile=-2", "invalid ulimit soft value: -2"},
                {"nofile=1x", "invalid ulimit soft value: 1x"},
        };

        assert_int_equal(ulimit_spec_parse("nofile=1024:2048", &u, NULL), 0);
        assert_int_equal(u.resource, RLIMIT_NOFILE);
        assert_int_equal(u.soft, 1024);
        assert_int_equal(u.hard, 2048);
        assert_string_equal(ulimit_spec_to_string(&u, text), "nofile=1024:2048");
        assert_int_equal(ulimit_spec_parse("core=-1", &u, NULL), 0);
        assert_true(u.soft == RLIM_INFINITY && u.hard == RLIM_INFINITY);
        assert_string_equal(ulimit_spec_to_string(&u, text), "core=-1:-1");
        assert_int_equal(ulimit_spec_parse("nproc=100", &u, NULL), 0);
        assert_int_equal(u.hard, 100);
        assert_int_equal(ulimit_resource_from_oci_name("RLIMIT_MEMLOCK"), RLIMIT_MEMLOCK);
        assert_string_equal(ulimit_resource_to_oci_name(RLIMIT_STACK), "RLIMIT_STACK");
        assert_int_equal(ulimit_resource_from_oci_name("RLIMIT_BOGUS"), -EINVAL);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *error = NULL;
                assert_int_equal(ulimit_spec_parse(bad[i].spec, &u, &error), -EINVAL);
                assert_string_equal(error, bad[i].error);
        }
}

static void test_sysctl_spec(void **state) {
        static const char *const good[] = {
                "net.ipv4.ip_forward=1",
                "kernel.shmmax=1000",
                "fs.mqueue.msg_max=20",
                "kernel.domainname=x",
                "net.core.somaxconn=",
        };
        static const char *const bad[] = {
                "kernel.panic=1",
                "vm.swappiness=0",
                "net.ipv4.ip_forward",
                "=1",
                "net.=1",
                "net..x=1",
                "net.a/b=1",
                "net.ipv4.x=1\n2",
                "kernel.hostname=x",
                "kernel.msgmaxx=1",
                "fs.mqueue=1",
        };
        _cleanup_free_ char *path = NULL;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                _cleanup_free_ char *key = NULL, *value = NULL;
                assert_int_equal(sysctl_spec_parse(good[i], &key, &value, NULL), 0);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_free_ char *key = NULL, *value = NULL, *error = NULL;
                assert_int_equal(sysctl_spec_parse(bad[i], &key, &value, &error), -EINVAL);
                assert_non_null(error);
        }
        {
                _cleanup_free_ char *key = NULL, *value = NULL, *error = NULL;
                assert_int_equal(sysctl_spec_parse("kernel.panic=1", &key, &value, &error), -EINVAL);
                assert_string_equal(error, "sysctl 'kernel.panic=1' is not whitelisted");
        }
        path = sysctl_key_to_path("net.ipv4.ip_forward");
        assert_string_equal(path, "/proc/sys/net/ipv4/ip_forward");
}

static void test_parse_size(void **state) {
        static const struct {
                const char *s;
                uint64_t v;
        } good[] = {
                {"0", 0},
                {"100", 100},
                {"512k", 512ULL << 10},
                {"64m", 64ULL << 20},
                {"64M", 64ULL << 20},
                {"1g", 1ULL << 30},
                {"1.5g", 3ULL << 29},
                {"2GiB", 2ULL << 30},
                {"2gb", 2ULL << 30},
                {"1 k", 1024},
                {"3b", 3},
                {"1t", 1ULL << 40},
                {"1p", 1ULL << 50},
        };
        static const char *const bad[] = {
                "",
                "m",
                "-1",
                "1x",
                "1.",
                ".5",
                "1e3",
                "0x10",
                "1kk",
                "1mbb",
                " 1",
                "1..2",
        };
        uint64_t v;

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                assert_int_equal(parse_size(good[i].s, &v), 0);
                assert_int_equal(v, good[i].v);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(parse_size(bad[i], &v), -EINVAL);
        assert_int_equal(parse_size("100000p", &v), -ERANGE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_device_spec),
                cmocka_unit_test(test_ulimit_spec),
                cmocka_unit_test(test_sysctl_spec),
                cmocka_unit_test(test_parse_size),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
