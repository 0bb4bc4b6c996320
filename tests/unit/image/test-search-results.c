/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "search-results.h"

static void test_term_split(void **state) {
        static const struct {
                const char *term, *registry, *query;
        } cases[] = {
                {"busybox", "docker.io", "busybox"},
                {"user/app", "docker.io", "user/app"},
                {"127.0.0.1:5000/busy", "127.0.0.1:5000", "busy"},
                {"localhost/a/b", "localhost", "a/b"},
                {"quay.io/", "quay.io", ""},
                {"registry.example.com/team/app", "registry.example.com", "team/app"},
                {"localhostx/app", "docker.io", "localhostx/app"},
        };
        char *registry = NULL, *query = NULL;

        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                assert_int_equal(search_term_split(cases[i].term, &registry, &query), 0);
                assert_string_equal(registry, cases[i].registry);
                assert_string_equal(query, cases[i].query);
                free(registry);
                free(query);
        }
        assert_int_equal(search_term_split("", &registry, &query), -EINVAL);
        assert_int_equal(search_term_split(NULL, &registry, &query), -EINVAL);
}

static void test_results_parse(void **state) {
        static const char json[] =
                "{\"num_results\":3,\"query\":\"busy\",\"results\":["
                "{\"name\":\"busybox\",\"description\":\"Busybox base image.\",\"star_count\":3100,"
                "\"is_official\":true,\"is_automated\":false},"
                "{\"name\":\"\",\"description\":\"no name\"},"
                "{\"description\":\"missing name\"},"
                "{\"name\":\"user/busy\",\"star_count\":-4,\"is_automated\":true},"
                "{\"name\":\"third/one\",\"description\":5}]}";
        static const char *bad[] = {"", "[]", "null", "{}", "{\"results\":{}}", "{\"results\":3}", "nope"};
        SearchResult *r = NULL;
        size_t n = 0;

        assert_int_equal(search_results_parse(json, strlen(json), 25, &r, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(r[0].name, "busybox");
        assert_string_equal(r[0].description, "Busybox base image.");
        assert_true(r[0].star_count == 3100);
        assert_true(r[0].is_official);
        assert_false(r[0].is_automated);
        assert_string_equal(r[1].name, "user/busy");
        assert_string_equal(r[1].description, "");
        assert_true(r[1].star_count == 0);
        assert_true(r[1].is_automated);
        assert_string_equal(r[2].description, "");
        search_results_free(r, n);

        /* The limit holds whatever the registry sends. */
        assert_int_equal(search_results_parse(json, strlen(json), 1, &r, &n), 0);
        assert_int_equal(n, 1);
        search_results_free(r, n);

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (search_results_parse(bad[i], strlen(bad[i]), 25, &r, &n) >= 0)
                        fail_msg("accepted: %s", bad[i]);
}

static void test_description_cut(void **state) {
        char json[1024], desc[SEARCH_DESCRIPTION_MAX + 10];
        SearchResult *r = NULL;
        size_t n = 0;

        /* 'é' is two bytes: the cut must not split it. */
        memset(desc, 'a', sizeof(desc) - 1);
        desc[sizeof(desc) - 1] = 0;
        memcpy(desc + SEARCH_DESCRIPTION_MAX - 1, "\xc3\xa9", 2);
        snprintf(json, sizeof(json), "{\"results\":[{\"name\":\"x\",\"description\":\"%s\"}]}", desc);
        assert_int_equal(search_results_parse(json, strlen(json), 25, &r, &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(strlen(r[0].description), SEARCH_DESCRIPTION_MAX - 1);
        search_results_free(r, n);
}

static void test_catalog_parse(void **state) {
        static const char page1[] = "{\"repositories\":[\"library/busybox\",\"library/hello\",\"team/"
                                    "BusyApp\",\"library/a/busy\"]}";
        static const char page2[] = "{\"repositories\":[\"zz/busy\"]}";
        static const char *bad[] = {"", "[]", "{\"repositories\":{}}", "{\"repositories\":\"x\"}", "x"};
        SearchResult *r = NULL;
        size_t n = 0;

        /* A private registry: names with the registry, the query matched ignoring case. */
        assert_int_equal(
                search_catalog_parse(page1, strlen(page1), "127.0.0.1:5000", "busy", 25, &r, &n), 0);
        assert_int_equal(n, 3);
        assert_string_equal(r[0].name, "127.0.0.1:5000/library/busybox");
        assert_false(r[0].is_official);
        assert_string_equal(r[1].name, "127.0.0.1:5000/team/BusyApp");
        assert_string_equal(r[2].name, "127.0.0.1:5000/library/a/busy");
        assert_int_equal(search_catalog_parse(page2, strlen(page2), "127.0.0.1:5000", "busy", 4, &r, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(r[3].name, "127.0.0.1:5000/zz/busy");
        /* Full: nothing more is taken. */
        assert_int_equal(search_catalog_parse(page2, strlen(page2), "127.0.0.1:5000", "busy", 4, &r, &n), 0);
        assert_int_equal(n, 4);
        search_results_free(r, n);
        r = NULL;
        n = 0;

        /* Docker Hub (a mirror): official images by their short name. */
        assert_int_equal(search_catalog_parse(page1, strlen(page1), "docker.io", "", 25, &r, &n), 0);
        assert_int_equal(n, 4);
        assert_string_equal(r[0].name, "busybox");
        assert_true(r[0].is_official);
        assert_string_equal(r[2].name, "team/BusyApp");
        assert_false(r[2].is_official);
        assert_string_equal(r[3].name, "library/a/busy");
        assert_false(r[3].is_official);
        search_results_free(r, n);
        r = NULL;
        n = 0;

        assert_int_equal(search_catalog_parse("{\"repositories\":null}", 21, "h:1", "x", 25, &r, &n), 0);
        assert_int_equal(n, 0);
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
                if (search_catalog_parse(bad[i], strlen(bad[i]), "h:1", "x", 25, &r, &n) >= 0)
                        fail_msg("accepted: %s", bad[i]);
        search_results_free(r, n);
}

static void test_link_next(void **state) {
        char *next = NULL;

        assert_int_equal(search_link_next("</v2/_catalog?last=b&n=100>; rel=\"next\"", &next), 1);
        assert_string_equal(next, "/v2/_catalog?last=b&n=100");
        free(next);
        assert_int_equal(search_link_next("<https://r.example/v2/_catalog?last=b>; rel=\"next\"", &next), 1);
        assert_string_equal(next, "https://r.example/v2/_catalog?last=b");
        free(next);
        assert_int_equal(search_link_next(NULL, &next), 0);
        assert_null(next);
        assert_int_equal(search_link_next("</v2/_catalog?last=b>; rel=\"prev\"", &next), 0);
        assert_int_equal(search_link_next("<>; rel=\"next\"", &next), 0);
        assert_int_equal(search_link_next("<v2/_catalog>; rel=\"next\"", &next), 0);
        assert_int_equal(search_link_next("<file:///etc/passwd>; rel=\"next\"", &next), 0);
        assert_int_equal(search_link_next("</v2/_catalog; rel=\"next\"", &next), 0);
        assert_null(next);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_term_split),
                cmocka_unit_test(test_results_parse),
                cmocka_unit_test(test_description_cut),
                cmocka_unit_test(test_catalog_parse),
                cmocka_unit_test(test_link_next),
        };

        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
