/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json-util.h"
#include "log.h"
#include "parse-flags.h"

static int parse(RunOptions *o, ...) {
        char *argv[64] = {"run"};
        int argc = 1;
        va_list ap;

        va_start(ap, o);
        for (char *a; (a = va_arg(ap, char *));)
                argv[argc++] = a;
        va_end(ap);
        return parse_run_options(argc, argv, o);
}

static void test_flags(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(
                parse(&o,
                      "--device",
                      "/dev/fuse",
                      "--device=/dev/loop-control:/dev/lc:r",
                      "--group-add",
                      "users",
                      "--group-add=4321",
                      "--ulimit",
                      "nofile=10:20",
                      "--sysctl",
                      "net.core.somaxconn=100",
                      "--shm-size",
                      "1g",
                      "--init",
                      "busybox",
                      NULL),
                0);
        assert_string_equal(o.devices.devices[0], "/dev/fuse");
        assert_string_equal(o.devices.devices[1], "/dev/loop-control:/dev/lc:r");
        assert_string_equal(o.devices.group_add[1], "4321");
        assert_string_equal(o.devices.ulimits[0], "nofile=10:20");
        assert_string_equal(o.devices.sysctls[0], "net.core.somaxconn=100");
        assert_true(o.devices.has_shm_size);
        assert_int_equal(o.devices.shm_size, 1ULL << 30);
        assert_true(o.devices.init);
}

static void test_bad_values(void **state) {
        static const char *const bad[][2] = {
                {"--device", "dev/fuse"},
                {"--device", "/dev/fuse:/dev/f:rwx"},
                {"--ulimit", "nofiles=1"},
                {"--ulimit", "nofile=3:2"},
                {"--sysctl", "kernel.panic=1"},
                {"--sysctl", "net.core.somaxconn"},
                {"--shm-size", "1x"},
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(run_options_done) RunOptions o = {};
                assert_int_equal(parse(&o, bad[i][0], bad[i][1], "busybox", NULL), -EINVAL);
        }
}

static void test_inspect(void **state) {
        _cleanup_json_ cJSON *p = cJSON_Parse("{\"Devices\":[\"/dev/loop-control:/dev/"
                                              "lc:rw\"],\"GroupAdd\":[],\"Ulimits\":[\"nofile=10:-1\"],"
                                              "\"Sysctls\":{\"net.core.somaxconn\":\"100\"},\"ShmSize\":"
                                              "1024,\"Init\":true,\"Privileged\":false}");
        _cleanup_json_ cJSON *host = cJSON_CreateObject();
        _cleanup_free_ char *text = NULL;

        assert_int_equal(device_inspect_json(p, host), 0);
        text = cJSON_PrintUnformatted(host);
        assert_string_equal(
                text,
                "{\"Devices\":[{\"PathOnHost\":\"/dev/loop-control\",\"PathInContainer\":\"/dev/lc\","
                "\"CgroupPermissions\":\"rw\"}],\"GroupAdd\":null,\"Ulimits\":[{\"Name\":\"nofile\","
                "\"Hard\":-1,"
                "\"Soft\":10}],\"Sysctls\":{\"net.core.somaxconn\":\"100\"},\"ShmSize\":1024,\"Privileged\":"
                "false,"
                "\"Init\":true}");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flags),
                cmocka_unit_test(test_bad_values),
                cmocka_unit_test(test_inspect),
        };
        log_set_max_level(LOG_CRIT);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
