/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"
#include "image-config.h"
#include "strv.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static void test_digest(void **state) {
        char d[DIGEST_STRING_LEN + 1], chain[DIGEST_STRING_LEN + 1];

        assert_int_equal(sha256_digest("", 0, d), 0);
        assert_string_equal(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_true(digest_is_valid(d));
        assert_false(
                digest_is_valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
        assert_false(digest_is_valid("sha256:e3b0"));
        assert_false(
                digest_is_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(digest_is_valid(NULL));

        assert_int_equal(chain_id_next(NULL, D1, chain), 0);
        assert_string_equal(chain, D1);
        assert_int_equal(chain_id_next(D1, D2, chain), 0);
        /* printf 'sha256:111… sha256:222…' | sha256sum */
        assert_int_equal(sha256_digest(D1 " " D2, strlen(D1 " " D2), d), 0);
        assert_string_equal(chain, d);
        assert_int_equal(chain_id_next(D1, "bogus", chain), -EINVAL);
}

static void test_config(void **state) {
        static const char json[] =
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00.5Z\","
                "\"config\":{\"Env\":[\"PATH=/bin\",\"FOO=bar\"],\"Cmd\":[\"sh\"],\"Entrypoint\":null,"
                "\"WorkingDir\":\"/tmp\",\"User\":\"1000:1000\",\"StopSignal\":\"SIGQUIT\"},"
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]}}";
        ImageConfig c = {};
        char **diff_ids = NULL;

        assert_int_equal(image_config_parse(json, strlen(json), &c, &diff_ids), 0);
        assert_int_equal(strv_length(c.env), 2);
        assert_string_equal(c.env[1], "FOO=bar");
        assert_string_equal(c.cmd[0], "sh");
        assert_null(c.entrypoint);
        assert_string_equal(c.working_dir, "/tmp");
        assert_string_equal(c.user, "1000:1000");
        assert_string_equal(c.stop_signal, "SIGQUIT");
        assert_string_equal(c.architecture, "amd64");
        assert_true(c.created_usec == 1704067200500000ULL);
        assert_int_equal(strv_length(diff_ids), 2);
        assert_string_equal(diff_ids[1], D2);
        image_config_done(&c);
        strv_free(diff_ids);
}

static void test_config_metadata(void **state) {
        static const char json[] =
                "{\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\",\"author\":\"Jo <jo@x>\","
                "\"comment\":\"made by hand\",\"created\":\"2023-05-18T22:34:17.921182404Z\","
                "\"config\":{\"Labels\":{\"tier\":\"web\",\"empty\":\"\"},"
                "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/data\":{}}},"
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
        static const char *bad[] = {
                "{\"config\":{\"Labels\":[\"a=b\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1
                "\"]}}",
                "{\"config\":{\"Labels\":{\"a\":1}},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1
                "\"]}}",
                "{\"config\":{\"ExposedPorts\":[\"80/tcp\"]},\"rootfs\":{\"type\":\"layers\","
                "\"diff_ids\":[\"" D1 "\"]}}",
                "{\"config\":{\"Volumes\":\"/data\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1
                "\"]}}",
        };
        ImageConfig c = {};

        assert_int_equal(image_config_parse(json, strlen(json), &c, NULL), 0);
        assert_string_equal(c.variant, "v7");
        assert_string_equal(c.author, "Jo <jo@x>");
        assert_string_equal(c.comment, "made by hand");
        assert_true(c.created_nsec == 1684449257921182404ULL);
        assert_true(c.created_usec == 1684449257921182ULL);
        assert_int_equal(strv_length(c.labels), 4);
        assert_string_equal(c.labels[0], "tier");
        assert_string_equal(c.labels[1], "web");
        assert_string_equal(c.labels[2], "empty");
        assert_string_equal(c.labels[3], "");
        assert_int_equal(strv_length(c.exposed_ports), 2);
        assert_string_equal(c.exposed_ports[1], "53/udp");
        assert_int_equal(strv_length(c.volumes), 1);
        assert_string_equal(c.volumes[0], "/data");
        image_config_done(&c);

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (image_config_parse(bad[i], strlen(bad[i]), NULL, NULL) >= 0)
                        fail_msg("accepted: %s", bad[i]);
}

static void test_config_healthcheck(void **state) {
        static const char json[] =
                "{\"config\":{\"Healthcheck\":{\"Test\":[\"CMD-SHELL\",\"curl -f localhost\"],"
                "\"Interval\":1000000000,\"Timeout\":-5,\"StartPeriod\":2500000000,\"Retries\":4}},"
                "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
        static const char none[] = "{\"config\":{\"Healthcheck\":null},"
                                   "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}";
        static const char *bad[] = {
                "{\"config\":{\"Healthcheck\":[]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1
                "\"]}}",
                "{\"config\":{\"Healthcheck\":{\"Test\":\"CMD true\"}},\"rootfs\":{\"type\":\"layers\","
                "\"diff_ids\":[\"" D1 "\"]}}",
        };
        ImageConfig c = {};

        assert_int_equal(image_config_parse(json, strlen(json), &c, NULL), 0);
        assert_int_equal(strv_length(c.healthcheck.test), 2);
        assert_string_equal(c.healthcheck.test[0], "CMD-SHELL");
        assert_string_equal(c.healthcheck.test[1], "curl -f localhost");
        assert_true(c.healthcheck.interval_ns == 1000000000ULL);
        assert_true(c.healthcheck.timeout_ns == 0); /* negative: not set */
        assert_true(c.healthcheck.start_period_ns == 2500000000ULL);
        assert_true(c.healthcheck.retries == 4);
        image_config_done(&c);

        assert_int_equal(image_config_parse(none, strlen(none), &c, NULL), 0);
        assert_null(c.healthcheck.test);
        image_config_done(&c);

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (image_config_parse(bad[i], strlen(bad[i]), NULL, NULL) >= 0)
                        fail_msg("accepted: %s", bad[i]);
}

static void test_config_bad(void **state) {
        static const char *bad[] = {
                "",
                "not json",
                "[]",
                "{}",
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:12\"]}}",
                "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[1]}}",
                "{\"rootfs\":{\"type\":\"other\",\"diff_ids\":[\"" D1 "\"]}}",
                "{\"config\":{\"Cmd\":\"sh\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}",
                "{\"config\":{\"Env\":[1]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}",
                "{\"config\":3,\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\"]}}",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (image_config_parse(bad[i], strlen(bad[i]), NULL, NULL) >= 0)
                        fail_msg("accepted: %s", bad[i]);

        char *big = malloc(IMAGE_JSON_SIZE_MAX + 2);
        assert_non_null(big);
        memset(big, ' ', IMAGE_JSON_SIZE_MAX + 1);
        big[0] = '{';
        big[IMAGE_JSON_SIZE_MAX] = '}';
        assert_int_equal(image_config_parse(big, IMAGE_JSON_SIZE_MAX + 1, NULL, NULL), -EFBIG);
        free(big);
}

static void test_manifest(void **state) {
        static const char json[] = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1
                                   "\"},\"layers\":[{\"digest\":\"" D2 "\"},{\"digest\":\"" D1 "\"}]}";
        static const char *bad[] = {
                "{\"schemaVersion\":1,\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"digest\":\"" D2
                "\"}]}",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"x\"},\"layers\":[{\"digest\":\"" D2 "\"}]}",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},\"layers\":[]}",
                "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{}]}",
                "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX
                "\",\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"digest\":\"" D2 "\"}]}",
        };
        OciManifest *m = NULL;

        assert_int_equal(oci_manifest_parse(json, strlen(json), &m), 0);
        assert_string_equal(m->config_digest, D1);
        assert_int_equal(m->n_layers, 2);
        assert_string_equal(m->layer_digests[0], D2);
        oci_manifest_free(m);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (oci_manifest_parse(bad[i], strlen(bad[i]), &m) >= 0)
                        fail_msg("accepted: %s", bad[i]);
}

static void test_index(void **state) {
        static const char json[] =
                "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"x\",\"digest\":\"" D1
                "\",\"size\":12,\"annotations\":{\"" ANNOTATION_REF_NAME "\":\"latest\"},"
                "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},{\"digest\":\"" D2 "\"}]}";
        OciDescriptor *d = NULL;
        size_t n = 0;

        assert_int_equal(oci_index_parse(json, strlen(json), &d, &n), 0);
        assert_int_equal(n, 2);
        assert_string_equal(d[0].digest, D1);
        assert_true(d[0].size == 12);
        assert_string_equal(d[0].ref_name, "latest");
        assert_string_equal(d[0].platform_architecture, "amd64");
        assert_null(d[1].ref_name);
        oci_descriptors_free(d, n);

        static const char bad[] = "{\"schemaVersion\":2,\"manifests\":[{\"digest\":\"sha256:zz\"}]}";
        assert_true(oci_index_parse(bad, strlen(bad), &d, &n) < 0);
}

static void test_docker_manifest(void **state) {
        static const char json[] =
                "[{\"Config\":\"abc.json\",\"RepoTags\":[\"busybox:latest\"],\"Layers\":[\"a/layer.tar\"]}]";
        DockerManifestEntry *e = NULL;
        size_t n = 0;

        assert_int_equal(docker_manifest_parse(json, strlen(json), &e, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(e[0].config, "abc.json");
        assert_string_equal(e[0].repo_tags[0], "busybox:latest");
        assert_string_equal(e[0].layers[0], "a/layer.tar");
        docker_manifest_entries_free(e, n);

        static const char *bad[] = {
                "{}",
                "[]",
                "[{\"Layers\":[\"x\"]}]",
                "[{\"Config\":\"c\",\"Layers\":[]}]",
                "[{\"Config\":\"c\",\"Layers\":[1]}]"};
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (docker_manifest_parse(bad[i], strlen(bad[i]), &e, &n) >= 0)
                        fail_msg("accepted: %s", bad[i]);
}

static void test_rfc3339(void **state) {
        uint64_t u = 0;

        assert_int_equal(parse_rfc3339("1970-01-01T00:00:01Z", &u), 0);
        assert_true(u == 1000000);
        assert_int_equal(parse_rfc3339("2024-01-01T02:00:00.123456789+02:00", &u), 0);
        assert_true(u == 1704067200123456ULL);
        assert_int_equal(parse_rfc3339_nsec("2024-01-01T02:00:00.123456789+02:00", &u), 0);
        assert_true(u == 1704067200123456789ULL);
        /* Digits past the nanosecond are dropped. */
        assert_int_equal(parse_rfc3339_nsec("2024-01-01T00:00:00.0000000019Z", &u), 0);
        assert_true(u == 1704067200000000001ULL);
        assert_true(parse_rfc3339_nsec("2024-01-01T00:00:00.Z", &u) < 0);
        assert_true(parse_rfc3339("2024-01-01", &u) < 0);
        assert_true(parse_rfc3339("2024-13-01T00:00:00Z", &u) < 0);
        assert_true(parse_rfc3339("2024-01-01T00:00:00", &u) < 0);
        assert_true(parse_rfc3339("2024-01-01T00:00:00Zjunk", &u) < 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_digest),
                cmocka_unit_test(test_config),
                cmocka_unit_test(test_config_metadata),
                cmocka_unit_test(test_config_healthcheck),
                cmocka_unit_test(test_config_bad),
                cmocka_unit_test(test_manifest),
                cmocka_unit_test(test_index),
                cmocka_unit_test(test_docker_manifest),
                cmocka_unit_test(test_rfc3339),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
