/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "container-host-config.h"
#include "json-util.h"
#include "strv.h"

static void test_resolve(void **state) {
        char *devices[] = {"/dev/null:/dev/nothing:rw", "/dev/zero", NULL};
        char *ulimits[] = {"nofile=10:20", "core=-1", "nofile=30", NULL};
        char *sysctls[] = {"net.core.somaxconn=100", "kernel.shmmni=10", NULL};
        char *groups[] = {"users", "4321", NULL};
        ContainerHostOptions o = {
                .devices = devices,
                .ulimits = ulimits,
                .sysctls = sysctls,
                .group_add = groups,
                .shm_size = 1024,
                .has_shm_size = true,
                .init = true,
        };
        _cleanup_(container_host_config_done) ContainerHostConfig c = {};
        _cleanup_strv_free_ char **paths = NULL, **permissions = NULL;

        assert_int_equal(container_host_config_resolve(&o, false, &c, NULL), 0);
        assert_int_equal(c.n_devices, 2);
        assert_string_equal(c.devices[0].path_on_host, "/dev/null");
        assert_string_equal(c.devices[0].path_in_container, "/dev/nothing");
        assert_string_equal(c.devices[0].permissions, "rw");
        assert_true(S_ISCHR(c.devices[0].mode));
        assert_int_equal(c.devices[0].major, 1);
        assert_int_equal(c.devices[0].minor, 3);
        assert_int_equal(c.devices[1].minor, 5);
        /* The later nofile replaces the earlier one. */
        assert_string_equal(c.ulimits[0], "nofile=30:30");
        assert_string_equal(c.ulimits[1], "core=-1:-1");
        assert_null(c.ulimits[2]);
        assert_int_equal(c.shm_size, 1024);
        assert_true(c.init);

        assert_int_equal(container_host_config_check_host_network(&c, false, NULL), 0);
        {
                _cleanup_free_ char *error = NULL;
                assert_int_equal(container_host_config_check_host_network(&c, true, &error), -EINVAL);
                assert_string_equal(
                        error, "sysctl \"net.core.somaxconn\" is not allowed in the host network namespace");
        }
        assert_int_equal(container_host_config_device_allow(&c, &paths, &permissions), 0);
        assert_string_equal(paths[0], "/dev/null");
        assert_string_equal(permissions[0], "rwm");
        assert_string_equal(permissions[1], "rwm");
}

static void test_resolve_errors(void **state) {
        static const struct {
                const char *device, *ulimit, *sysctl, *group, *error;
        } bad[] = {
                {"/dev/no-such-device",
                 NULL,
                 NULL,
                 NULL,
                 "error gathering device information while adding custom device \"/dev/no-such-device\": no "
                 "such file or directory"},
                {"/etc/passwd",
                 NULL,
                 NULL,
                 NULL,
                 "error gathering device information while adding custom device \"/etc/passwd\": not a "
                 "device "
                 "node"},
                {"/dev/null:x", NULL, NULL, NULL, "x is not an absolute path"},
                {"/dev/null:/etc/null",
                 NULL,
                 NULL,
                 NULL,
                 "/etc/null: a device goes below /dev in the container"},
                {NULL,
                 "nofile=9007199254740993",
                 NULL,
                 NULL,
                 "invalid ulimit value: nofile=9007199254740993"},
                {NULL, "bogus=1", NULL, NULL, "invalid ulimit type: bogus"},
                {NULL, NULL, "vm.swappiness=1", NULL, "sysctl 'vm.swappiness=1' is not whitelisted"},
                {NULL, NULL, NULL, "a:b", "invalid group name: \"a:b\""},
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *d[] = {(char *)bad[i].device, NULL}, *u[] = {(char *)bad[i].ulimit, NULL},
                     *s[] = {(char *)bad[i].sysctl, NULL}, *g[] = {(char *)bad[i].group, NULL};
                ContainerHostOptions o = {
                        .devices = bad[i].device ? d : NULL,
                        .ulimits = bad[i].ulimit ? u : NULL,
                        .sysctls = bad[i].sysctl ? s : NULL,
                        .group_add = bad[i].group ? g : NULL,
                };
                ContainerHostConfig c = {};
                _cleanup_free_ char *error = NULL;

                assert_true(container_host_config_resolve(&o, false, &c, &error) < 0);
                assert_string_equal(error, bad[i].error);
        }
}

static void test_state_and_spec(void **state) {
        char *devices[] = {"/dev/null:/dev/nothing:r", NULL};
        char *ulimits[] = {"nofile=10:20", "core=-1", NULL};
        char *sysctls[] = {"net.core.somaxconn=100", "net.core.somaxconn=200", NULL};
        char *groups[] = {"users", "4321", NULL};
        ContainerHostOptions o = {
                .devices = devices,
                .ulimits = ulimits,
                .sysctls = sysctls,
                .group_add = groups,
                .init = true};
        _cleanup_(container_host_config_done) ContainerHostConfig c = {}, back = {}, old = {};
        _cleanup_json_ cJSON *state_json = cJSON_CreateObject(), *spec = NULL, *empty = cJSON_CreateObject();
        const cJSON *rl, *dev;
        _cleanup_free_ char *text = NULL;

        assert_int_equal(container_host_config_resolve(&o, false, &c, NULL), 0);
        assert_int_equal(c.shm_size, SHM_SIZE_DEFAULT);
        assert_int_equal(container_host_config_to_json(&c, state_json), 0);
        assert_int_equal(container_host_config_from_json(state_json, &back), 0);
        assert_int_equal(back.n_devices, 1);
        assert_string_equal(back.devices[0].path_on_host, "/dev/null");
        assert_string_equal(back.devices[0].path_in_container, "/dev/nothing");
        assert_string_equal(back.devices[0].permissions, "r");
        assert_string_equal(back.ulimits[1], "core=-1:-1");
        assert_string_equal(back.group_add[1], "4321");
        assert_true(back.init);
        assert_false(back.privileged);

        /* A state.json from before: Docker's defaults. */
        assert_int_equal(container_host_config_from_json(empty, &old), 0);
        assert_int_equal(old.n_devices, 0);
        assert_int_equal(old.shm_size, SHM_SIZE_DEFAULT);

        spec = cJSON_Parse("{\"process\":{},\"linux\":{},\"annotations\":{}}");
        assert_non_null(spec);
        assert_int_equal(container_host_config_to_spec(&c, spec), 0);
        rl = cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "process"), "rlimits");
        assert_int_equal(cJSON_GetArraySize(rl), 2);
        assert_string_equal(json_get_string(cJSON_GetArrayItem(rl, 0), "type"), "RLIMIT_NOFILE");
        assert_int_equal(json_get_integer(cJSON_GetArrayItem(rl, 0), "hard", 0), 20);
        /* RLIM_INFINITY as 2^64, which the runtime reads back as unlimited. */
        assert_true(
                cJSON_GetObjectItem(cJSON_GetArrayItem(rl, 1), "soft")->valuedouble ==
                18446744073709551616.0);
        assert_string_equal(
                json_get_string(
                        cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "linux"), "sysctl"),
                        "net.core.somaxconn"),
                "200");
        dev = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "linux"), "devices"), 0);
        assert_string_equal(json_get_string(dev, "path"), "/dev/nothing");
        assert_string_equal(json_get_string(dev, "type"), "c");
        assert_int_equal(json_get_integer(dev, "major", 0), 1);
        assert_int_equal(json_get_integer(dev, "minor", 0), 3);
        assert_string_equal(
                json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.group-add"),
                "users,4321");
        assert_string_equal(
                json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.init"), "true");
        text = cJSON_PrintUnformatted(spec);
        assert_non_null(strstr(text, "\"soft\":1.8446744073709552e+19"));
}

static void test_privileged(void **state) {
        ContainerHostOptions o = {};
        _cleanup_(container_host_config_done) ContainerHostConfig c = {};
        _cleanup_json_ cJSON *spec = cJSON_Parse("{\"process\":{},\"linux\":{},\"annotations\":{}}");
        const cJSON *e;
        bool null_seen = false;

        assert_int_equal(container_host_config_resolve(&o, true, &c, NULL), 0);
        assert_int_equal(container_host_config_to_spec(&c, spec), 0);
        cJSON_ArrayForEach (e, cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "linux"), "devices")) {
                const char *path = json_get_string(e, "path");
                assert_true(strncmp(path, "/dev/", 5) == 0);
                assert_null(strstr(path, "/dev/pts/"));
                null_seen = null_seen || streq(path, "/dev/null");
        }
        assert_true(null_seen);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resolve),
                cmocka_unit_test(test_resolve_errors),
                cmocka_unit_test(test_state_and_spec),
                cmocka_unit_test(test_privileged),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
