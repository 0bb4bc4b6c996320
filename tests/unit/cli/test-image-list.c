/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "disk-usage.h"
#include "image-filter.h"
#include "image-rows.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "search-filter.h"
#include "strv.h"

#define DIGEST_A "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DIGEST_B "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void test_filter_parse(void **state) {
        ImageFilter f = IMAGE_FILTER_INIT;

        assert_int_equal(image_filter_add(&f, "dangling=true"), 0);
        assert_int_equal(f.dangling, 1);
        assert_int_equal(image_filter_add(&f, "dangling=FALSE"), 0);
        assert_int_equal(f.dangling, 0);
        assert_int_equal(image_filter_add(&f, "dangling=1"), 0);
        assert_int_equal(f.dangling, 1);
        assert_int_equal(image_filter_add(&f, "reference=busy*"), 0);
        assert_int_equal(image_filter_add(&f, "reference=*/app:v?"), 0);
        assert_int_equal(strv_length(f.references), 2);
        assert_int_equal(image_filter_add(&f, "label=maintainer"), 0);
        assert_int_equal(image_filter_add(&f, "label=a=b=c"), 0);
        assert_int_equal(strv_length(f.labels), 2);
        assert_int_equal(image_filter_add(&f, "before=busybox"), 0);
        assert_int_equal(image_filter_add(&f, "before=hello:latest"), 0);
        assert_string_equal(f.before, "hello:latest");
        assert_int_equal(image_filter_add(&f, "since=abc"), 0);
        assert_string_equal(f.since, "abc");
        /* An empty value is a value (Docker: label= with an empty key matches nothing). */
        assert_int_equal(image_filter_add(&f, "reference="), 0);

        /* Bad input. */
        assert_int_equal(image_filter_add(&f, "dangling=maybe"), -EINVAL);
        assert_int_equal(image_filter_add(&f, "dangling="), -EINVAL);
        assert_int_equal(image_filter_add(&f, "bogus=1"), -EINVAL);
        assert_int_equal(image_filter_add(&f, "Dangling=true"), -EINVAL);
        assert_int_equal(image_filter_add(&f, "danglingtrue"), -EINVAL);
        assert_int_equal(image_filter_add(&f, "=true"), -EINVAL);
        assert_int_equal(image_filter_add(&f, ""), -EINVAL);
        assert_int_equal(image_filter_add(&f, "reference=busy[box"), -EINVAL);
        assert_int_equal(image_filter_add(&f, "reference=busybox\\"), -EINVAL);
        assert_int_equal(f.dangling, 1);

        image_filter_done(&f);
        assert_null(f.references);
        assert_int_equal(f.dangling, -1);
}

static void test_reference_match(void **state) {
        static const struct {
                const char *pattern, *ref;
                int match;
        } cases[] = {
                {"busybox", "busybox:latest", 1},
                {"busybox:latest", "busybox:latest", 1},
                {"busybox:1.36", "busybox:latest", 0},
                {"busy*", "busybox:latest", 1},
                {"busy*", "busybox@" DIGEST_A, 1},
                {"*", "busybox:latest", 1},
                /* '*' does not cross '/', as in Go's path.Match. */
                {"*", "user/app:v1", 0},
                {"*/*", "user/app:v1", 1},
                {"user/app:v?", "user/app:v1", 1},
                {"user/app:v?", "user/app:v10", 0},
                {"127.0.0.1:5000/*/busybox", "127.0.0.1:5000/library/busybox:latest", 1},
                {"127.0.0.1:5000/library/busybox", "127.0.0.1:5000/library/busybox:latest", 1},
                {"*:v[0-9]", "app:v3", 1},
                {"*:v[!0-9]", "app:v3", 0},
                {"hello", "busybox:latest", 0},
                {"app\\:v1", "app:v1", 1},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_int_equal(reference_pattern_match(cases[i].pattern, cases[i].ref), cases[i].match);
        assert_int_equal(reference_pattern_match("[", "busybox:latest"), -EINVAL);
        assert_int_equal(reference_pattern_match("a\\", "busybox:latest"), -EINVAL);
}

static void test_filter_refs_and_labels(void **state) {
        ImageFilter f = IMAGE_FILTER_INIT;
        char **kept = NULL;

        /* No pattern: every reference stays. */
        assert_int_equal(image_filter_references(&f, STRV_MAKE("busybox:latest", "busybox:1"), &kept), 0);
        assert_int_equal(strv_length(kept), 2);
        kept = strv_free(kept);

        assert_int_equal(image_filter_add(&f, "reference=busybox:1*"), 0);
        assert_int_equal(image_filter_add(&f, "reference=hello"), 0);
        assert_int_equal(
                image_filter_references(&f, STRV_MAKE("busybox:latest", "busybox:1.36", "hello:v1"), &kept),
                0);
        assert_int_equal(strv_length(kept), 2);
        assert_string_equal(kept[0], "busybox:1.36");
        assert_string_equal(kept[1], "hello:v1");
        kept = strv_free(kept);
        assert_int_equal(image_filter_references(&f, NULL, &kept), 0);
        assert_null(kept);

        /* Labels: all must match; KEY alone matches any value. */
        assert_true(image_filter_labels_match(&f, NULL));
        assert_int_equal(image_filter_add(&f, "label=tier"), 0);
        assert_int_equal(image_filter_add(&f, "label=app=web=1"), 0);
        assert_false(image_filter_labels_match(&f, NULL));
        assert_true(image_filter_labels_match(&f, STRV_MAKE("tier", "", "app", "web=1")));
        assert_false(image_filter_labels_match(&f, STRV_MAKE("tier", "x", "app", "web")));
        assert_false(image_filter_labels_match(&f, STRV_MAKE("tiers", "x", "app", "web=1")));
        assert_false(image_filter_labels_match(&f, STRV_MAKE("app", "web=1")));
        image_filter_done(&f);
}

static void assert_row(const ImageDisplayRow *r, const char *repo, const char *tag, const char *digest) {
        assert_string_equal(r->repository, repo);
        assert_string_equal(r->tag, tag);
        assert_string_equal(r->digest, digest);
}

static void test_display_rows(void **state) {
        ImageDisplayRow *rows = NULL;
        size_t n = 0;

        /* No references: one <none> row. */
        assert_int_equal(image_display_rows(NULL, NULL, true, &rows, &n), 0);
        assert_int_equal(n, 1);
        assert_row(&rows[0], "<none>", "<none>", "<none>");
        image_display_rows_free(rows, n);

        /* Tags of two repositories, a digest of the first: without --digests one row per tag. */
        assert_int_equal(
                image_display_rows(
                        STRV_MAKE("busybox:latest", "busybox:1.36", "127.0.0.1:5000/library/busybox:latest"),
                        STRV_MAKE("busybox@" DIGEST_A),
                        false,
                        &rows,
                        &n),
                0);
        assert_int_equal(n, 3);
        assert_row(&rows[0], "busybox", "latest", "<none>");
        assert_row(&rows[1], "busybox", "1.36", "<none>");
        assert_row(&rows[2], "127.0.0.1:5000/library/busybox", "latest", "<none>");
        image_display_rows_free(rows, n);

        /* With --digests each tag shows its repository's digests; a digest-only repository gets a row
         * with tag <none>. */
        assert_int_equal(
                image_display_rows(
                        STRV_MAKE("busybox:latest"),
                        STRV_MAKE("busybox@" DIGEST_A, "busybox@" DIGEST_B, "example.com/app@" DIGEST_A),
                        true,
                        &rows,
                        &n),
                0);
        assert_int_equal(n, 3);
        assert_row(&rows[0], "busybox", "latest", DIGEST_A);
        assert_row(&rows[1], "busybox", "latest", DIGEST_B);
        assert_row(&rows[2], "example.com/app", "<none>", DIGEST_A);
        image_display_rows_free(rows, n);

        /* Pulled by digest only, digests not shown: one row, tag and digest <none>. */
        assert_int_equal(image_display_rows(NULL, STRV_MAKE("busybox@" DIGEST_A), false, &rows, &n), 0);
        assert_int_equal(n, 1);
        assert_row(&rows[0], "busybox", "<none>", "<none>");
        image_display_rows_free(rows, n);
}

static void test_reference_split(void **state) {
        char *repo = NULL, *rest = NULL;

        assert_int_equal(familiar_reference_split("127.0.0.1:5000/app:v1", &repo, &rest), 0);
        assert_string_equal(repo, "127.0.0.1:5000/app");
        assert_string_equal(rest, "v1");
        free(repo);
        free(rest);
        assert_int_equal(familiar_reference_split("127.0.0.1:5000/app", &repo, &rest), 0);
        assert_string_equal(repo, "127.0.0.1:5000/app");
        assert_null(rest);
        free(repo);
        assert_int_equal(familiar_reference_split("app@" DIGEST_B, &repo, &rest), 0);
        assert_string_equal(repo, "app");
        assert_string_equal(rest, DIGEST_B);
        free(repo);
        free(rest);
}

static const char *row_value(const cJSON *rows, int i, const char *key) {
        return json_get_string(cJSON_GetArrayItem(rows, i), key);
}

static void test_disk_usage_summary(void **state) {
        /* Two images sharing a 1 MB layer, each with 1 MB of its own; one used by a container. */
        const DiskUsageImage images[] = {
                {.size = 2000000, .shared_size = 1000000, .containers = 1},
                {.size = 2000000, .shared_size = 1000000, .containers = 0},
        };
        const DiskUsageContainer containers[] = {
                {.size_rw = 4096, .active = true},
                {.size_rw = 12288, .active = false},
        };
        /* Three volumes: two in use, one (8 kB) not. */
        const DiskUsageVolume volumes[] = {
                {.size = 4096, .links = 1},
                {.size = 8192, .links = 0},
                {.size = 4096, .links = 2},
        };
        cJSON *rows;

        rows = disk_usage_summary(3000000, images, 2, containers, 2, volumes, 3);
        assert_non_null(rows);
        assert_int_equal(cJSON_GetArraySize(rows), 4);
        assert_string_equal(row_value(rows, 0, "Type"), "Images");
        assert_string_equal(row_value(rows, 0, "TotalCount"), "2");
        assert_string_equal(row_value(rows, 0, "Active"), "1");
        assert_string_equal(row_value(rows, 0, "Size"), "3MB");
        /* Docker: all layers less the unique part of the images in use. */
        assert_string_equal(row_value(rows, 0, "Reclaimable"), "2MB (66%)");
        assert_string_equal(row_value(rows, 1, "Type"), "Containers");
        assert_string_equal(row_value(rows, 1, "TotalCount"), "2");
        assert_string_equal(row_value(rows, 1, "Active"), "1");
        assert_string_equal(row_value(rows, 1, "Size"), "16.4kB");
        assert_string_equal(row_value(rows, 1, "Reclaimable"), "12.3kB (75%)");
        assert_string_equal(row_value(rows, 2, "Type"), "Local Volumes");
        assert_string_equal(row_value(rows, 2, "TotalCount"), "3");
        assert_string_equal(row_value(rows, 2, "Active"), "2");
        assert_string_equal(row_value(rows, 2, "Size"), "16.4kB");
        assert_string_equal(row_value(rows, 2, "Reclaimable"), "8.19kB (50%)");
        assert_string_equal(row_value(rows, 3, "Type"), "Build Cache");
        assert_string_equal(row_value(rows, 3, "TotalCount"), "0");
        cJSON_Delete(rows);

        /* Nothing at all. */
        rows = disk_usage_summary(0, NULL, 0, NULL, 0, NULL, 0);
        assert_non_null(rows);
        assert_string_equal(row_value(rows, 0, "Size"), "0B");
        assert_string_equal(row_value(rows, 0, "Reclaimable"), "0B");
        assert_string_equal(row_value(rows, 1, "Reclaimable"), "0B");
        cJSON_Delete(rows);

        assert_true(container_state_is_active("running"));
        assert_true(container_state_is_active("paused"));
        assert_true(container_state_is_active("restarting"));
        assert_false(container_state_is_active("exited"));
        assert_false(container_state_is_active("created"));
}

static void test_search_filter(void **state) {
        SearchFilter f = SEARCH_FILTER_INIT;

        assert_true(search_filter_match(&f, 0, false, false));
        assert_int_equal(search_filter_add(&f, "stars=3"), 0);
        assert_int_equal(search_filter_add(&f, "is-official=true"), 0);
        assert_true(search_filter_match(&f, 3, true, false));
        assert_false(search_filter_match(&f, 2, true, false));
        assert_false(search_filter_match(&f, 30, false, false));
        assert_int_equal(search_filter_add(&f, "is-automated=0"), 0);
        assert_false(search_filter_match(&f, 30, true, true));

        assert_int_equal(search_filter_add(&f, "stars=x"), -EINVAL);
        assert_int_equal(search_filter_add(&f, "stars=-1"), -EINVAL);
        assert_int_equal(search_filter_add(&f, "stars="), -EINVAL);
        assert_int_equal(search_filter_add(&f, "stars=99999999999999999999999"), -EINVAL);
        assert_int_equal(search_filter_add(&f, "is-official=yes"), -EINVAL);
        assert_int_equal(search_filter_add(&f, "official=true"), -EINVAL);
        assert_int_equal(search_filter_add(&f, "stars"), -EINVAL);
        assert_true(f.min_stars == 3);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_filter_parse),
                cmocka_unit_test(test_reference_match),
                cmocka_unit_test(test_filter_refs_and_labels),
                cmocka_unit_test(test_display_rows),
                cmocka_unit_test(test_reference_split),
                cmocka_unit_test(test_disk_usage_summary),
                cmocka_unit_test(test_search_filter),
        };

        log_set_max_level(getenv("BERTH_TEST_DEBUG") ? LOG_DEBUG : LOG_CRIT);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
