/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "image-usage.h"
#include "macro.h"

#define STRV(...) ((char **)((const char *[]){__VA_ARGS__, NULL}))

static void test_usage(void **state) {
        /* base is shared by a and b; c shares nothing; b's top layer is its own. */
        Image a = {.layer_dirs = STRV("/l/base", "/l/a"), .layer_sizes = (uint64_t[]){1000, 10}},
              b = {.layer_dirs = STRV("/l/base", "/l/b"), .layer_sizes = (uint64_t[]){1000, 20}},
              c = {.layer_dirs = STRV("/l/c"), .layer_sizes = (uint64_t[]){300}};
        Image *images[] = {&a, &b, &c};
        uint64_t shared[3], total;

        image_usage_compute(images, ELEMENTSOF(images), shared, &total);
        assert_true(total == 1000 + 10 + 20 + 300);
        assert_true(shared[0] == 1000);
        assert_true(shared[1] == 1000);
        assert_true(shared[2] == 0);

        /* A layer of a lower image that is another's whole chain: shared, counted once. */
        Image d = {.layer_dirs = STRV("/l/base"), .layer_sizes = (uint64_t[]){1000}};
        Image *two[] = {&d, &a};
        image_usage_compute(two, ELEMENTSOF(two), shared, &total);
        assert_true(total == 1010);
        assert_true(shared[0] == 1000 && shared[1] == 1000);

        image_usage_compute(NULL, 0, shared, &total);
        assert_true(total == 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_usage),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
