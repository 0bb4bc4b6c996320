/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "registry-pull.h"
#include "strv.h"

#define D(c)                                                                                                \
        "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
                c c c c c c c c c c c c c c c c c c c

static const char index_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                "a") "\",\"size\":1,"
                     "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
                     "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                             "b") "\",\"size\":1,"
                                  "\"platform\":{\"os\":\"windows\",\"architecture\":\"amd64\"}},"
                                  "{\"mediaType\":\"application/"
                                  "vnd.oci.image.manifest.v1+json\",\"digest\":\"" D(
                                          "c") "\",\"size\":1,"
                                               "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]"
                                               "}";

static const char manifest_list_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
        "\"manifests\":[{\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D(
                "d") "\",\"size\":527,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}";

static void test_pick(void **state) {
        char *d = NULL;

        assert_int_equal(registry_pick_manifest(index_json, strlen(index_json), "linux", "amd64", &d), 0);
        assert_string_equal(d, D("c"));
        free(d);
        assert_int_equal(registry_pick_manifest(index_json, strlen(index_json), "linux", "arm64", &d), 0);
        assert_string_equal(d, D("a"));
        free(d);
        assert_int_equal(
                registry_pick_manifest(index_json, strlen(index_json), "linux", "s390x", &d), -ENOENT);
        assert_int_equal(
                registry_pick_manifest(manifest_list_json, strlen(manifest_list_json), "linux", "amd64", &d),
                0);
        assert_string_equal(d, D("d"));
        free(d);
}

#define BAD_DIGEST_INDEX                                                                                    \
        ("{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"md5:x\",\"platform\":{\"os\":\"linux\","        \
         "\"architecture\":\"amd64\"}}]}")

static void test_pick_bad(void **state) {
        static const char *const bad[] = {
                "",
                "{",
                "[]",
                BAD_DIGEST_INDEX,
                "{\"schemaVersion\":2,\"manifests\":{}}",
        };
        char *d = NULL;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                assert_true(registry_pick_manifest(bad[i], strlen(bad[i]), "linux", "amd64", &d) < 0);
        assert_null(d);
}

static void test_options(void **state) {
        char path[] = "/tmp/test-registry-XXXXXX";
        RegistryOptions o = {};
        int fd;

        assert_int_equal(registry_options_load("/nonexistent/daemon.json", &o), 0);
        assert_null(o.mirrors);

        fd = mkstemp(path);
        assert_true(fd >= 0);
        dprintf(fd,
                "{\"registry-mirrors\":[\"http://127.0.0.1:5000\"],\"insecure-registries\":[\"r:5000\"],"
                "\"debug\":true}");
        close(fd);
        assert_int_equal(registry_options_load(path, &o), 0);
        assert_string_equal(o.mirrors[0], "http://127.0.0.1:5000");
        assert_null(o.mirrors[1]);
        assert_string_equal(o.insecure[0], "r:5000");
        o.mirrors = strv_free(o.mirrors);
        o.insecure = strv_free(o.insecure);

        fd = open(path, O_WRONLY | O_TRUNC);
        assert_true(fd >= 0);
        dprintf(fd, "{\"registry-mirrors\":\"http://x\"}");
        close(fd);
        assert_true(registry_options_load(path, &o) < 0);
        o.mirrors = strv_free(o.mirrors);
        unlink(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pick),
                cmocka_unit_test(test_pick_bad),
                cmocka_unit_test(test_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
