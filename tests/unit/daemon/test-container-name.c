/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container-name.h"

static void test_name_validation_table(void **state) {
        static const struct {
                const char *name;
                bool valid;
        } table[] = {
                {"web", true},
                {"a1", true},
                {"my_container.v2-x", true},
                {"9lives", true},
                {"A", false}, /* the regex needs two characters */
                {"", false},
                {"_web", false},
                {".web", false},
                {"-web", false},
                {"../x", false},
                {"a/b", false},
                {"has space", false},
                {"tab\tname", false},
                {"é-accent", false},
                {"name\n", false},
                {"semi;colon", false},
        };
        char long_ok[129], too_long[130];

        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                if (container_name_is_valid(table[i].name) != table[i].valid)
                        fail_msg("\"%s\" should be %s", table[i].name, table[i].valid ? "valid" : "invalid");
        }

        memset(long_ok, 'a', 128);
        long_ok[128] = 0;
        assert_true(container_name_is_valid(long_ok));
        memset(too_long, 'a', 129);
        too_long[129] = 0;
        assert_false(container_name_is_valid(too_long));
        assert_false(container_name_is_valid(NULL));
}

static void test_generated_names_are_valid(void **state) {
        for (uint64_t seed = 0; seed < 5000; seed++) {
                char *name = NULL;

                assert_int_equal(
                        container_name_generate(seed * 0x9e3779b97f4a7c15ULL, (unsigned)(seed % 3), &name),
                        0);
                assert_true(container_name_is_valid(name));
                assert_non_null(strchr(name, '_'));
                assert_null(strstr(name, "boring_wozniak"));
                free(name);
        }
}

static void test_generated_name_shape(void **state) {
        char *a = NULL, *b = NULL;

        assert_int_equal(container_name_generate(0, 0, &a), 0);
        assert_int_equal(container_name_generate(0, 7, &b), 0);
        /* The same seed with an attempt number appends it. */
        assert_int_equal(strncmp(a, b, strlen(a)), 0);
        assert_string_equal(b + strlen(a), "7");
        free(a);
        free(b);
}

static void test_id_generation(void **state) {
        for (int i = 0; i < 200; i++) {
                char *id = NULL;
                bool all_digits = true;

                assert_int_equal(container_id_generate(&id), 0);
                assert_int_equal(strlen(id), 64);
                assert_true(container_id_is_valid(id));
                for (int j = 0; j < 12; j++)
                        if (id[j] < '0' || id[j] > '9')
                                all_digits = false;
                assert_false(all_digits);
                free(id);
        }
        assert_false(container_id_is_valid("abc"));
        assert_false(
                container_id_is_valid("ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789"));
        assert_false(
                container_id_is_valid("../../../../etc/passwd/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_validation_table),
                cmocka_unit_test(test_generated_names_are_valid),
                cmocka_unit_test(test_generated_name_shape),
                cmocka_unit_test(test_id_generation),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
