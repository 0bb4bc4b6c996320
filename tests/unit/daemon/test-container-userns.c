/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container-userns.h"
#include "json-util.h"

static void expect_mode(const char *mode, int r, uint32_t size, const char *error_part) {
        char *error = NULL;
        uint32_t got = 12345;

        assert_int_equal(container_userns_parse_mode(mode, &got, &error), r);
        if (r == 0) {
                assert_null(error);
                assert_int_equal(got, size);
                return;
        }
        assert_non_null(error);
        if (!strstr(error, error_part))
                fail_msg("\"%s\" does not mention \"%s\"", error, error_part);
        free(error);
}

static void test_parse_mode(void **state) {
        expect_mode(NULL, 0, 0, NULL);
        expect_mode("", 0, 0, NULL);
        expect_mode("host", 0, 0, NULL);
        expect_mode("auto", 0, USERNS_SIZE_DEFAULT, NULL);
        expect_mode("auto:size=1", 0, 1, NULL);
        expect_mode("auto:size=16777216", 0, USERNS_SIZE_MAX, NULL);
        expect_mode("auto:size=16777217", -EINVAL, 0, "size must be 1 to 16777216");
        expect_mode("auto:size=0", -EINVAL, 0, "size must be");
        expect_mode("auto:size=", -EINVAL, 0, "size must be");
        expect_mode("auto:size=-1", -EINVAL, 0, "size must be");
        expect_mode("auto:size=+5", -EINVAL, 0, "size must be");
        expect_mode("auto:size=5x", -EINVAL, 0, "size must be");
        expect_mode("auto:size=99999999999999999999", -EINVAL, 0, "size must be");
        expect_mode("auto:uidmapping=0:1:2", -EINVAL, 0, "invalid USER mode");
        expect_mode("private", -EINVAL, 0, "invalid USER mode private");
        expect_mode("Auto", -EINVAL, 0, "invalid USER mode");
        expect_mode("auto:", -EINVAL, 0, "invalid USER mode");
}

static void test_allocate(void **state) {
        const ContainerUserns in_use[] = {
                {.uid_start = 100000, .gid_start = 500000, .size = 65536},
                {}, /* a container with the host's ids */
        };
        ContainerUserns u;
        char *error = NULL;

        assert_int_equal(
                container_userns_allocate(
                        65536, "berth:100000:1000000\n", "berth:500000:1000000\n", in_use, 2, &u, &error),
                0);
        assert_null(error);
        assert_int_equal(u.uid_start, 165536);
        assert_int_equal(u.gid_start, 565536);
        assert_int_equal(u.size, 65536);

        /* No file, no line, no room, a bad line: messages for the user. */
        assert_int_equal(container_userns_allocate(10, NULL, "berth:1:10", NULL, 0, &u, &error), -EINVAL);
        assert_non_null(strstr(error, "in /etc/subuid"));
        free(error);
        error = NULL;
        assert_int_equal(
                container_userns_allocate(10, "berth:1:10", "alice:1:10", NULL, 0, &u, &error), -EINVAL);
        assert_non_null(strstr(error, "subordinate ids for \"berth\" in /etc/subgid"));
        free(error);
        error = NULL;
        assert_int_equal(
                container_userns_allocate(
                        65536, "berth:100000:65536", "berth:600000:65536", in_use, 2, &u, &error),
                -ENOSPC);
        assert_non_null(strstr(error, "no free range of 65536 ids"));
        free(error);
        error = NULL;
        assert_int_equal(
                container_userns_allocate(10, "a:1:1\nberth:x:1", "", NULL, 0, &u, &error), -EINVAL);
        assert_non_null(strstr(error, "/etc/subuid:2:"));
        free(error);
}

static void test_json(void **state) {
        const ContainerUserns u = {.uid_start = 1000000, .gid_start = 2000000, .size = 65536};
        cJSON *o = cJSON_CreateObject();
        ContainerUserns back = {.size = 7};

        assert_int_equal(container_userns_to_json(&(ContainerUserns){}, o), 0);
        assert_null(cJSON_GetObjectItem(o, "Userns"));
        assert_int_equal(container_userns_from_json(o, &back), 0);
        assert_int_equal(back.size, 0);

        assert_int_equal(container_userns_to_json(&u, o), 0);
        assert_int_equal(container_userns_from_json(o, &back), 0);
        assert_memory_equal(&back, &u, sizeof(u));
        assert_string_equal(container_userns_mode_string(&u), "auto");
        assert_string_equal(container_userns_mode_string(&(ContainerUserns){}), "");
        cJSON_Delete(o);

        /* A state file edited by hand must not give a container the host's root or wrap around. */
        static const char *const bad[] = {
                "{\"Userns\":{\"UidStart\":0,\"GidStart\":5,\"Size\":10}}",
                "{\"Userns\":{\"UidStart\":5,\"GidStart\":5,\"Size\":0}}",
                "{\"Userns\":{\"UidStart\":4294967290,\"GidStart\":5,\"Size\":10}}",
                "{\"Userns\":{\"UidStart\":5,\"GidStart\":5}}",
                "{\"Userns\":{\"UidStart\":5,\"GidStart\":5,\"Size\":16777217}}",
                "{\"Userns\":5}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                o = cJSON_Parse(bad[i]);
                assert_non_null(o);
                assert_int_equal(container_userns_from_json(o, &back), -EINVAL);
                cJSON_Delete(o);
        }
}

static void test_spec(void **state) {
        const ContainerUserns u = {.uid_start = 1000000, .gid_start = 2000000, .size = 65536};
        cJSON *spec = cJSON_Parse(
                "{\"mounts\":[{\"destination\":\"/\",\"type\":\"overlay\",\"options\":[\"lowerdir=/l\"]},"
                "{\"destination\":\"/proc\",\"type\":\"proc\",\"options\":[]},"
                "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"options\":[\"nosuid\"]},"
                "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/b/hosts\",\"options\":[]},"
                "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/b/x/data\",\"options\":[]},"
                "{\"destination\":\"/v\",\"type\":\"bind\",\"source\":\"/bb/v\",\"options\":[]}],"
                "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}");
        char *text;

        assert_non_null(spec);
        assert_int_equal(container_userns_add_to_spec(&(ContainerUserns){}, "/b", NULL, 0, spec), 0);
        text = cJSON_PrintUnformatted(spec);
        assert_null(strstr(text, "user"));
        assert_null(strstr(text, "idmap"));
        free(text);

        assert_int_equal(container_userns_add_to_spec(&u, "/b", NULL, 0, spec), 0);
        text = cJSON_PrintUnformatted(spec);
        assert_non_null(strstr(text, "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"user\"}]"));
        assert_non_null(
                strstr(text, "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000000,\"size\":65536}]"));
        assert_non_null(
                strstr(text, "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000000,\"size\":65536}]"));
        assert_non_null(strstr(text, "\"options\":[\"lowerdir=/l\",\"idmap\"]"));
        assert_non_null(strstr(text, "\"type\":\"proc\",\"options\":[]"));
        assert_non_null(strstr(text, "\"type\":\"sysfs\",\"options\":[\"nosuid\",\"ro\"]"));
        assert_non_null(strstr(text, "\"source\":\"/b/hosts\",\"options\":[\"idmap\"]"));
        assert_non_null(strstr(text, "\"source\":\"/b/x/data\",\"options\":[]"));
        assert_non_null(strstr(text, "\"source\":\"/bb/v\",\"options\":[]"));
        free(text);
        cJSON_Delete(spec);

        /* No "/" to idmap. */
        spec = cJSON_Parse("{\"mounts\":[],\"linux\":{\"namespaces\":[]}}");
        assert_int_equal(container_userns_add_to_spec(&u, "/b", NULL, 0, spec), -EINVAL);
        cJSON_Delete(spec);
}

static void test_spec_devices(void **state) {
        const ContainerUserns u = {.uid_start = 1000000, .gid_start = 2000000, .size = 65536};
        ContainerDevice devices[] = {
                {.path_on_host = (char *)"/dev/null", .path_in_container = (char *)"/dev/mynull"},
        };
        cJSON *spec = cJSON_Parse(
                "{\"mounts\":[{\"destination\":\"/\",\"type\":\"overlay\",\"options\":[]}],"
                "\"linux\":{\"namespaces\":[],\"devices\":[{\"path\":\"/dev/mynull\",\"type\":\"c\"}]}}");
        char *text;

        assert_int_equal(container_userns_add_to_spec(&u, "/b", devices, 1, spec), 0);
        text = cJSON_PrintUnformatted(spec);
        assert_null(strstr(text, "\"devices\""));
        assert_non_null(
                strstr(text,
                       "{\"options\":[\"bind\",\"nosuid\",\"noexec\"],\"destination\":\"/dev/mynull\","
                       "\"type\":\"bind\",\"source\":\"/dev/null\"}"));
        free(text);
        cJSON_Delete(spec);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_mode),
                cmocka_unit_test(test_allocate),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_spec),
                cmocka_unit_test(test_spec_devices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
