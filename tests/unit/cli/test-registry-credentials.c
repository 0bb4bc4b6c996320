/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "registry-credentials.h"

static void assert_key(const char *server, const char *expected) {
        char *key = NULL;

        assert_int_equal(registry_server_key(server, &key), 0);
        assert_string_equal(key, expected);
        free(key);
}

static void test_server_key(void **state) {
        char *key = NULL;

        assert_key(NULL, REGISTRY_INDEX_SERVER);
        assert_key("", REGISTRY_INDEX_SERVER);
        assert_key("docker.io", REGISTRY_INDEX_SERVER);
        assert_key("index.docker.io", REGISTRY_INDEX_SERVER);
        assert_key("registry-1.docker.io", REGISTRY_INDEX_SERVER);
        assert_key("https://index.docker.io/v1/", REGISTRY_INDEX_SERVER);
        assert_key("127.0.0.1:5000", "127.0.0.1:5000");
        assert_key("http://127.0.0.1:5000", "127.0.0.1:5000");
        assert_key("https://registry.example:5443/v2/", "registry.example:5443");
        assert_key("quay.io", "quay.io");
        assert_int_equal(registry_server_key("https://", &key), -EINVAL);
        assert_int_equal(registry_server_key("/path", &key), -EINVAL);
        assert_null(key);
        assert_string_equal(registry_server_domain(REGISTRY_INDEX_SERVER), "docker.io");
        assert_string_equal(registry_server_domain("127.0.0.1:5000"), "127.0.0.1:5000");
}

static void assert_reference_key(const char *reference, const char *expected) {
        char *key = NULL;

        assert_int_equal(registry_server_key_of_reference(reference, &key), 0);
        assert_string_equal(key, expected);
        free(key);
}

static void test_reference_key(void **state) {
        assert_reference_key("busybox", REGISTRY_INDEX_SERVER);
        assert_reference_key("busybox:latest", REGISTRY_INDEX_SERVER);
        assert_reference_key("user/app:v1", REGISTRY_INDEX_SERVER);
        assert_reference_key("docker.io/library/busybox", REGISTRY_INDEX_SERVER);
        assert_reference_key("127.0.0.1:5000/library/busybox:latest", "127.0.0.1:5000");
        assert_reference_key("localhost/app", "localhost");
        assert_reference_key("localhost:5000/app@sha256:abc", "localhost:5000");
        assert_reference_key("quay.io/org/app", "quay.io");
        assert_reference_key("Registry/app", "Registry");
}

typedef struct Dir {
        char path[64];
        char config[96];
} Dir;

static int dir_setup(void **state) {
        Dir *d = calloc(1, sizeof(Dir));

        assert_non_null(d);
        strcpy(d->path, "/tmp/test-registry-credentials-XXXXXX");
        assert_non_null(mkdtemp(d->path));
        snprintf(d->config, sizeof(d->config), "%s/sub/config.json", d->path);
        *state = d;
        return 0;
}

static int dir_teardown(void **state) {
        Dir *d = *state;

        assert_int_equal(rm_rf(d->path), 0);
        free(d);
        return 0;
}

static char *read_config(const Dir *d) {
        char *text = NULL;
        size_t size;

        assert_int_equal(read_full_file_at(AT_FDCWD, d->config, 1 << 20, &text, &size), 0);
        return text;
}

static void write_config(const Dir *d, const char *text) {
        char sub[128];

        snprintf(sub, sizeof(sub), "%s/sub", d->path);
        assert_int_equal(mkdir_p(sub, 0700), 0);
        assert_int_equal(write_file_atomic_at(AT_FDCWD, d->config, text, strlen(text), 0644), 0);
}

static void test_store_lookup_erase(void **state) {
        Dir *d = *state;
        struct stat st;
        char *auth = NULL, *text;

        /* no file: no credentials, and nothing to erase */
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_null(auth);
        assert_int_equal(registry_credentials_erase(d->config, "127.0.0.1:5000"), -ENOENT);

        /* the first store makes the directory and a file only its owner reads */
        assert_int_equal(registry_credentials_store(d->config, "127.0.0.1:5000", "dXNlcjpwYXNz"), 0);
        assert_int_equal(stat(d->config, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_string_equal(auth, "dXNlcjpwYXNz");
        free(auth);
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5001", &auth), 0);
        assert_null(auth);

        /* a second store replaces the entry */
        assert_int_equal(registry_credentials_store(d->config, "127.0.0.1:5000", "b3RoZXI6cGFzcw=="), 0);
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_string_equal(auth, "b3RoZXI6cGFzcw==");
        free(auth);

        assert_int_equal(registry_credentials_erase(d->config, "127.0.0.1:5000"), 0);
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_null(auth);
        assert_int_equal(registry_credentials_erase(d->config, "127.0.0.1:5000"), -ENOENT);
        text = read_config(d);
        assert_non_null(strstr(text, "\"auths\""));
        free(text);
}

static void test_keeps_other_keys(void **state) {
        Dir *d = *state;
        char *auth = NULL, *text;
        struct stat st;

        write_config(
                d,
                "{\"auths\":{\"quay.io\":{\"auth\":\"cTp1\",\"email\":\"a@b\"}},"
                "\"credsStore\":\"\",\"proxies\":{\"default\":{\"httpProxy\":\"http://p:3128\"}},"
                "\"detachKeys\":\"ctrl-x\"}");
        assert_int_equal(registry_credentials_store(d->config, REGISTRY_INDEX_SERVER, "aHViOmh1Yg=="), 0);
        assert_int_equal(stat(d->config, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        text = read_config(d);
        assert_non_null(strstr(text, "\"httpProxy\":\t\"http://p:3128\""));
        assert_non_null(strstr(text, "\"detachKeys\":\t\"ctrl-x\""));
        assert_non_null(strstr(text, "\"email\":\t\"a@b\""));
        assert_non_null(strstr(text, "\"https://index.docker.io/v1/\""));
        free(text);
        assert_int_equal(registry_credentials_lookup(d->config, "quay.io", &auth), 0);
        assert_string_equal(auth, "cTp1");
        free(auth);
        assert_int_equal(registry_credentials_erase(d->config, "quay.io"), 0);
        text = read_config(d);
        assert_null(strstr(text, "quay.io"));
        assert_non_null(strstr(text, "\"detachKeys\""));
        assert_non_null(strstr(text, "aHViOmh1Yg=="));
        free(text);
}

static void test_lookup_by_host(void **state) {
        Dir *d = *state;
        char *auth = NULL, *text;

        /* keys stored with a scheme or path by older clients still match their host */
        write_config(
                d,
                "{\"auths\":{\"https://127.0.0.1:5000/v2/\":{\"auth\":\"aHR0cHM6eA==\"},"
                "\"http://reg.example\":{\"auth\":\"aHR0cDp4\"},\"empty.example\":{}}}");
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_string_equal(auth, "aHR0cHM6eA==");
        free(auth);
        assert_int_equal(registry_credentials_lookup(d->config, "reg.example", &auth), 0);
        assert_string_equal(auth, "aHR0cDp4");
        free(auth);
        assert_int_equal(registry_credentials_lookup(d->config, "empty.example", &auth), 0);
        assert_null(auth);
        /* logout removes the scheme forms of the key too */
        assert_int_equal(registry_credentials_erase(d->config, "reg.example"), 0);
        text = read_config(d);
        assert_null(strstr(text, "reg.example\""));
        free(text);
}

static void test_bad_files(void **state) {
        static const char *const bad[] = {
                "",
                "not json",
                "[]",
                "{\"auths\":[]}",
                "{\"auths\":\"x\"}",
                "{\"auths\":{}",
        };
        Dir *d = *state;
        char *auth = NULL, *text;

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                write_config(d, bad[i]);
                assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), -EBADMSG);
                /* a file berth does not understand is left as it is */
                assert_int_equal(registry_credentials_store(d->config, "127.0.0.1:5000", "eDp5"), -EBADMSG);
                assert_int_equal(registry_credentials_erase(d->config, "127.0.0.1:5000"), -EBADMSG);
                text = read_config(d);
                assert_string_equal(text, bad[i]);
                free(text);
        }
        /* entries of the wrong shape are no credentials, not errors */
        write_config(d, "{\"auths\":{\"127.0.0.1:5000\":{\"auth\":42},\"a\":\"b\"}}");
        assert_int_equal(registry_credentials_lookup(d->config, "127.0.0.1:5000", &auth), 0);
        assert_null(auth);
}

static void test_auth_for_reference(void **state) {
        Dir *d = *state;
        char dir[96], *auth = NULL;

        snprintf(dir, sizeof(dir), "%s/sub", d->path);
        assert_int_equal(setenv("DOCKER_CONFIG", dir, 1), 0);
        assert_int_equal(registry_auth_for_reference("127.0.0.1:5000/library/busybox", &auth), 0);
        assert_null(auth);
        assert_int_equal(registry_credentials_store(d->config, "127.0.0.1:5000", "dXNlcjpwYXNz"), 0);
        assert_int_equal(registry_credentials_store(d->config, REGISTRY_INDEX_SERVER, "aHViOmh1Yg=="), 0);
        assert_int_equal(registry_auth_for_reference("127.0.0.1:5000/library/busybox:latest", &auth), 0);
        assert_string_equal(auth, "dXNlcjpwYXNz");
        free(auth);
        assert_int_equal(registry_auth_for_reference("busybox", &auth), 0);
        assert_string_equal(auth, "aHViOmh1Yg==");
        free(auth);
        assert_int_equal(registry_auth_for_reference("quay.io/a/b", &auth), 0);
        assert_null(auth);
        /* a broken file is a warning: the pull goes on without credentials */
        write_config(d, "{");
        assert_int_equal(registry_auth_for_reference("busybox", &auth), 0);
        assert_null(auth);
        unsetenv("DOCKER_CONFIG");
}

static void test_config_path(void **state) {
        char *path = NULL;

        assert_int_equal(setenv("DOCKER_CONFIG", "/x/y", 1), 0);
        assert_int_equal(registry_config_path(&path), 0);
        assert_string_equal(path, "/x/y/config.json");
        free(path);
        unsetenv("DOCKER_CONFIG");
        assert_int_equal(setenv("HOME", "/home/u", 1), 0);
        assert_int_equal(registry_config_path(&path), 0);
        assert_string_equal(path, "/home/u/.docker/config.json");
        free(path);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_server_key),
                cmocka_unit_test(test_reference_key),
                cmocka_unit_test_setup_teardown(test_store_lookup_erase, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_keeps_other_keys, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_lookup_by_host, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_bad_files, dir_setup, dir_teardown),
                cmocka_unit_test_setup_teardown(test_auth_for_reference, dir_setup, dir_teardown),
                cmocka_unit_test(test_config_path),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
