/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "image-history.h"

static int
parse(const char *json, const uint64_t *sizes, size_t n_layers, ImageHistoryEntry **h, size_t *n) {
        return image_history_parse(json, strlen(json), sizes, n_layers, h, n);
}

static void test_history(void **state) {
        static const uint64_t sizes[] = {1000, 20};
        ImageHistoryEntry *h = NULL;
        size_t n = 0;

        assert_int_equal(
                parse("{\"history\":["
                      "{\"created\":\"2024-01-01T00:00:00Z\",\"created_by\":\"/bin/sh -c #(nop) ADD file:x "
                      "in / \"},"
                      "{\"created\":\"2024-01-01T00:00:01Z\",\"created_by\":\"/bin/sh -c #(nop) CMD "
                      "[\\\"sh\\\"]\","
                      "\"empty_layer\":true},"
                      "{\"created\":\"2024-01-02T00:00:00Z\",\"created_by\":\"RUN "
                      "echo\",\"comment\":\"buildkit\"}"
                      "]}",
                      sizes,
                      2,
                      &h,
                      &n),
                0);
        assert_int_equal(n, 3);
        /* Newest first. */
        assert_string_equal(h[0].created_by, "RUN echo");
        assert_string_equal(h[0].comment, "buildkit");
        assert_int_equal(h[0].size, 20);
        assert_int_equal(h[0].created_usec, UINT64_C(1704153600000000));
        assert_int_equal(h[1].size, 0);
        assert_string_equal(h[1].comment, "");
        assert_int_equal(h[2].size, 1000);
        assert_null(h[0].id);
        image_history_free(h, n);

        /* No history: one entry per layer, dated by the config. */
        assert_int_equal(parse("{\"created\":\"2024-01-01T00:00:00Z\"}", sizes, 2, &h, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(h[0].size, 20);
        assert_string_equal(h[0].created_by, "");
        image_history_free(h, n);
        assert_int_equal(parse("{\"history\":[]}", sizes, 1, &h, &n), 0);
        assert_int_equal(n, 1);
        image_history_free(h, n);
}

static void test_history_bad(void **state) {
        static const uint64_t sizes[] = {1};
        ImageHistoryEntry *h = NULL;
        size_t n = 0;

        assert_int_equal(parse("not json", sizes, 1, &h, &n), -EBADMSG);
        assert_int_equal(parse("[]", sizes, 1, &h, &n), -EBADMSG);
        assert_int_equal(parse("{\"history\":\"x\"}", sizes, 1, &h, &n), -EBADMSG);
        assert_int_equal(parse("{\"history\":[42]}", sizes, 1, &h, &n), -EBADMSG);
        /* More layer-making steps than layers. */
        assert_int_equal(parse("{\"history\":[{},{}]}", sizes, 1, &h, &n), -EBADMSG);
        assert_int_equal(parse("{\"history\":[{}]}", NULL, 0, &h, &n), -EBADMSG);
        /* A bad date is not fatal. */
        assert_int_equal(parse("{\"history\":[{\"created\":\"yesterday\"}]}", sizes, 1, &h, &n), 0);
        assert_int_equal(h[0].created_usec, 0);
        image_history_free(h, n);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_history),
                cmocka_unit_test(test_history_bad),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
