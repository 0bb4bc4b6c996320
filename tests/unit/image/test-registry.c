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

#include "log.h"
#include "pull-platform.h"
#include "registry-client.h"
#include "registry-options.h"
#include "registry-pull.h"
#include "strv.h"

#define D(c)                                                                                                \
        "sha256:" c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c \
                c c c c c c c c c c c c c c c c c c c

#define ENTRY(digest, platform)                                                                             \
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" digest                \
        "\",\"size\":1,\"platform\":{" platform "}}"
#define LINUX(arch) "\"os\":\"linux\",\"architecture\":\"" arch "\""

static const char index_json[] = "{\"schemaVersion\":2,\"manifests\":["    //
        ENTRY(D("a"), LINUX("arm64") ",\"variant\":\"v8\"") ","            //
        ENTRY(D("b"), "\"os\":\"windows\",\"architecture\":\"amd64\"") "," //
        ENTRY(D("c"), LINUX("amd64")) ","                                  //
        ENTRY(D("e"), LINUX("arm") ",\"variant\":\"v6\"") ","              //
        ENTRY(D("f"), LINUX("arm") ",\"variant\":\"v7\"") "]}";

static const char manifest_list_json[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
        "\"manifests\":[{\"mediaType\":\"application/"
        "vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" D(
                "d") "\",\"size\":527,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\"}}]}";

static void check_pick(const char *json, const char *platform, int expected, const char *digest) {
        _cleanup_(platform_done) Platform p = {};
        _cleanup_free_ char *d = NULL;

        assert_int_equal(platform_parse(platform, &p), 0);
        assert_int_equal(platform_pick_manifest(json, strlen(json), &p, &d), expected);
        if (digest)
                assert_string_equal(d, digest);
        else
                assert_null(d);
}

static void test_pick(void **state) {
        check_pick(index_json, "linux/amd64", 0, D("c"));
        check_pick(index_json, "linux/x86_64", 0, D("c"));
        check_pick(index_json, "linux/arm64", 0, D("a"));
        check_pick(index_json, "linux/arm64/v8", 0, D("a"));
        check_pick(index_json, "linux/arm/v7", 0, D("f"));
        check_pick(index_json, "linux/armhf", 0, D("f"));
        check_pick(index_json, "linux/arm", 0, D("e")); /* the first arm */
        check_pick(index_json, "linux/arm/v5", -ENOENT, NULL);
        check_pick(index_json, "linux/s390x", -ENOENT, NULL);
        check_pick(index_json, "windows/amd64", 0, D("b"));
        /* arm64 entries often carry no variant: v8 is the only one. */
        check_pick(manifest_list_json, "linux/arm64/v8", 0, D("d"));
        check_pick(manifest_list_json, "linux/amd64", -ENOENT, NULL);
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
                "{\"schemaVersion\":1,\"manifests\":[]}",
        };
        _cleanup_(platform_done) Platform p = {};
        char *d = NULL;

        assert_int_equal(platform_parse(NULL, &p), 0);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_true(platform_pick_manifest(bad[i], strlen(bad[i]), &p, &d) < 0);
        assert_null(d);
}

static void test_platform_parse(void **state) {
        static const char *const bad[] = {
                "linux",
                "linux/",
                "/amd64",
                "linux//v7",
                "linux/arm/v7/x",
                "Linux/amd64",
                "linux/amd 64",
                "linux/amd64/",
                "linux/\n",
        };
        _cleanup_free_ char *s = NULL;
        Platform p = {};

        assert_int_equal(platform_parse("", &p), 0);
        assert_string_equal(p.os, "linux");
        assert_non_null(p.architecture);
        assert_null(p.variant);
        platform_done(&p);

        assert_int_equal(platform_parse("linux/aarch64", &p), 0);
        assert_string_equal(p.architecture, "arm64");
        platform_done(&p);

        assert_int_equal(platform_parse("linux/armhf", &p), 0);
        assert_int_equal(platform_to_string(&p, &s), 0);
        assert_string_equal(s, "linux/arm/v7");
        platform_done(&p);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(platform_parse(bad[i], &p), -EINVAL);
                assert_null(p.os);
        }
}

static int parse(const char *json, RegistryOptions *o) {
        return registry_options_parse(json, strlen(json), o);
}

static void test_options(void **state) {
        _cleanup_strv_free_ char **mirrors = NULL;
        RegistryOptions o = {};

        assert_int_equal(parse("{}", &o), 0);
        assert_null(o.mirrors);
        assert_int_equal(o.max_concurrent_downloads, REGISTRY_DOWNLOADS_DEFAULT);
        assert_int_equal(o.max_layer_size, 0);
        registry_options_done(&o);

        assert_int_equal(
                parse("{\"registry-mirrors\":[\"http://127.0.0.1:5000/\",\"https://m.example\"],"
                      "\"registries\":{\"quay.io\":{\"mirrors\":[\"http://127.0.0.1:5001\"]},"
                      "\"docker.io\":{\"mirrors\":[\"https://m.example\",\"https://hub.example\"]}},"
                      "\"insecure-registries\":[\"r:5000\",\"http://old:5000/\",\"10.1.0.0/16\",\"fd00::/"
                      "8\"],"
                      "\"max-concurrent-downloads\":7,\"max-layer-size\":1048576,\"debug\":true}",
                      &o),
                0);
        assert_string_equal(o.mirrors[0], "http://127.0.0.1:5000");
        assert_string_equal(o.mirrors[1], "https://m.example");
        assert_int_equal(o.n_registries, 2);
        assert_int_equal(o.max_concurrent_downloads, 7);
        assert_int_equal(o.max_layer_size, 1048576);

        /* docker.io: registry-mirrors first, then its "registries" entry, without doubles. */
        assert_int_equal(registry_options_mirrors(&o, "docker.io", &mirrors), 0);
        assert_int_equal(strv_length(mirrors), 3);
        assert_string_equal(mirrors[2], "https://hub.example");
        mirrors = strv_free(mirrors);
        assert_int_equal(registry_options_mirrors(&o, "quay.io", &mirrors), 0);
        assert_int_equal(strv_length(mirrors), 1);
        assert_string_equal(mirrors[0], "http://127.0.0.1:5001");
        mirrors = strv_free(mirrors);
        assert_int_equal(registry_options_mirrors(&o, "ghcr.io", &mirrors), 0);
        assert_null(mirrors);

        assert_true(registry_options_is_insecure(&o, "r:5000"));
        assert_false(registry_options_is_insecure(&o, "r:5001"));
        assert_true(registry_options_is_insecure(&o, "old:5000"));
        assert_true(registry_options_is_insecure(&o, "10.1.2.3:5000"));
        assert_true(registry_options_is_insecure(&o, "10.1.2.3"));
        assert_false(registry_options_is_insecure(&o, "10.2.0.1:5000"));
        assert_true(registry_options_is_insecure(&o, "[fd12::1]:5000"));
        assert_false(registry_options_is_insecure(&o, "[fe80::1]:5000"));
        assert_false(registry_options_is_insecure(&o, "registry.example"));
        assert_false(registry_options_is_insecure(NULL, "r:5000"));
        registry_options_done(&o);
}

static void test_options_bad(void **state) {
        static const char *const bad[] = {
                "",
                "[]",
                "{",
                "{\"registry-mirrors\":\"http://x\"}",
                "{\"registry-mirrors\":[1]}",
                "{\"registry-mirrors\":[\"\"]}",
                "{\"registry-mirrors\":[\"ftp://x\"]}",
                "{\"registry-mirrors\":[\"x.example\"]}",
                "{\"registry-mirrors\":[\"http://x/path\"]}",
                "{\"registry-mirrors\":[\"http://x?q\"]}",
                "{\"registry-mirrors\":[\"http://\"]}",
                "{\"registries\":[]}",
                "{\"registries\":{\"quay.io\":[]}}",
                "{\"registries\":{\"quay.io\":{\"mirrors\":\"http://x\"}}}",
                "{\"registries\":{\"a/b\":{\"mirrors\":[]}}}",
                "{\"registries\":{\"\":{}}}",
                "{\"insecure-registries\":[\"\"]}",
                "{\"insecure-registries\":[\"http://\"]}",
                "{\"insecure-registries\":{}}",
                "{\"max-concurrent-downloads\":0}",
                "{\"max-concurrent-downloads\":-1}",
                "{\"max-concurrent-downloads\":1.5}",
                "{\"max-concurrent-downloads\":\"3\"}",
                "{\"max-concurrent-downloads\":1000}",
                "{\"max-concurrent-downloads\":-1e300}",
                "{\"max-layer-size\":0}",
                "{\"max-layer-size\":1e300}",
        };

        log_set_max_level(LOG_CRIT);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                RegistryOptions o = {};
                assert_int_equal(parse(bad[i], &o), -EINVAL);
                assert_null(o.mirrors);
                assert_null(o.registries);
        }
        log_set_max_level(LOG_INFO);
}

static void test_options_load(void **state) {
        char path[] = "/tmp/test-registry-XXXXXX";
        RegistryOptions o = {};
        int fd;

        assert_int_equal(registry_options_load("/nonexistent/daemon.json", &o), 0);
        assert_null(o.mirrors);
        assert_int_equal(o.max_concurrent_downloads, REGISTRY_DOWNLOADS_DEFAULT);

        fd = mkstemp(path);
        assert_true(fd >= 0);
        dprintf(fd, "{\"registry-mirrors\":[\"http://127.0.0.1:5000\"]}");
        close(fd);
        assert_int_equal(registry_options_load(path, &o), 0);
        assert_string_equal(o.mirrors[0], "http://127.0.0.1:5000");
        registry_options_done(&o);
        unlink(path);
}

static int response_error(long status, const char *body) {
        RegistryResponse r = {.status = status, .body = (char *)body, .body_size = body ? strlen(body) : 0};
        int e;

        log_reset_first_error();
        e = registry_response_error(&r, NULL);
        return e;
}

static void test_response_error(void **state) {
        log_set_max_level(LOG_ERR);
        assert_int_equal(
                response_error(
                        404,
                        "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest "
                        "unknown\",\"detail\":{}}]}"),
                -ENOENT);
        assert_string_equal(log_first_error(), "manifest unknown: manifest unknown");
        assert_int_equal(response_error(401, NULL), -EACCES);
        assert_string_equal(log_first_error(), "unauthorized: authentication required");
        assert_int_equal(
                response_error(
                        429,
                        "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"You have reached your "
                        "pull rate limit.\"}]}"),
                -EBUSY);
        assert_string_equal(log_first_error(), "toomanyrequests: You have reached your pull rate limit.");
        assert_int_equal(response_error(500, "oops"), -EPROTO);
        assert_string_equal(log_first_error(), "received unexpected HTTP status: 500 Internal Server Error");
        assert_int_equal(response_error(502, "{\"errors\":[]}"), -EPROTO);
        assert_string_equal(log_first_error(), "received unexpected HTTP status: 502 Bad Gateway");
        assert_int_equal(response_error(418, "{\"errors\":{}}"), -EPROTO);
        assert_int_equal(response_error(403, "{\"errors\":[{\"code\":\"DENIED\"}]}"), -EPERM);
        assert_string_equal(log_first_error(), "denied");
        log_set_max_level(LOG_INFO);
}

static void test_client_new(void **state) {
        RegistryOptions o = {};
        RegistryClient *c = NULL;

        log_set_max_level(LOG_CRIT);
        assert_int_equal(parse("{\"registry-mirrors\":[\"http://127.0.0.1:5000\"]}", &o), 0);
        assert_int_equal(
                registry_client_new(&o, "docker.io", "library/busybox", REGISTRY_ACCESS_PULL, NULL, &c), 0);
        assert_null(registry_client_endpoint(c));
        c = registry_client_free(c);
        assert_int_equal(registry_client_new(&o, "", "x", REGISTRY_ACCESS_PULL, NULL, &c), -EINVAL);
        assert_int_equal(registry_client_new(&o, "a/b", "x", REGISTRY_ACCESS_PULL, NULL, &c), -EINVAL);
        assert_int_equal(registry_client_new(&o, "r:5000", "", REGISTRY_ACCESS_PULL, NULL, &c), -EINVAL);
        assert_true(registry_client_new(&o, "r:5000", "x", REGISTRY_ACCESS_PULL, "not base64!", &c) < 0);
        assert_null(c);
        registry_options_done(&o);
        log_set_max_level(LOG_INFO);
}

static void test_unpack_limit(void **state) {
        const uint64_t G = 1024ULL * 1024ULL * 1024ULL;

        /* Unknown size, or small layers: the absolute limit, or the floor. */
        assert_int_equal(pull_unpack_limit(16 * G, 0), 16 * G);
        assert_int_equal(pull_unpack_limit(16 * G, 1024), PULL_RATIO_FLOOR);
        assert_int_equal(pull_unpack_limit(1024, 1024), 1024);
        /* Big layers: the ratio. */
        assert_int_equal(pull_unpack_limit(16 * G, 100 * 1024 * 1024), 100ULL * 100 * 1024 * 1024);
        assert_int_equal(pull_unpack_limit(16 * G, G), 16 * G);
        assert_int_equal(pull_unpack_limit(UINT64_MAX, UINT64_MAX / 2), UINT64_MAX);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pick),
                cmocka_unit_test(test_pick_bad),
                cmocka_unit_test(test_platform_parse),
                cmocka_unit_test(test_options),
                cmocka_unit_test(test_options_bad),
                cmocka_unit_test(test_options_load),
                cmocka_unit_test(test_response_error),
                cmocka_unit_test(test_client_new),
                cmocka_unit_test(test_unpack_limit),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
