/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pull-progress.h"

#define LAYER_A "sha256:a1b2c3d4e5f60000000000000000000000000000000000000000000000000000"
#define LAYER_B "sha256:b1b2c3d4e5f60000000000000000000000000000000000000000000000000000"

static void test_format(void **state) {
        char *s = NULL;

        assert_int_equal(pull_progress_format(0, 0, &s), 0);
        assert_string_equal(s, "");
        free(s);
        assert_int_equal(pull_progress_format(1200000, 3400000, &s), 0);
        assert_string_equal(s, "[=================>                                 ]    1.2MB/3.4MB");
        free(s);
        assert_int_equal(pull_progress_format(0, 3400000, &s), 0);
        assert_string_equal(s, "[>                                                  ]       0B/3.4MB");
        free(s);
        assert_int_equal(pull_progress_format(3400000, 3400000, &s), 0);
        assert_string_equal(s, "[==================================================>]    3.4MB/3.4MB");
        free(s);
        /* More than the total (a size the manifest got wrong): no total, a full bar. */
        assert_int_equal(pull_progress_format(5000000, 3400000, &s), 0);
        assert_string_equal(s, "[==================================================>]      5MB");
        free(s);
        assert_int_equal(pull_progress_format(1000, 0, &s), 0);
        assert_string_equal(s, "     1kB");
        free(s);
}

static char *run(bool tty, void (*steps)(PullProgress *p)) {
        char *buf = NULL;
        size_t size = 0;
        PullProgress p = {.tty = tty};

        p.out = open_memstream(&buf, &size);
        assert_non_null(p.out);
        steps(&p);
        fclose(p.out);
        pull_progress_done(&p);
        return buf;
}

static void two_layers(PullProgress *p) {
        assert_int_equal(pull_progress_update(p, LAYER_A, "Waiting", 0, 100), 0);
        assert_int_equal(pull_progress_update(p, LAYER_B, "Already exists", 0, 0), 0);
        assert_int_equal(pull_progress_update(p, LAYER_A, "Downloading", 50, 100), 0);
        assert_int_equal(pull_progress_update(p, LAYER_A, "Downloading", 100, 100), 0);
        assert_int_equal(pull_progress_update(p, LAYER_A, "Pull complete", 100, 100), 0);
}

static void test_plain(void **state) {
        char *s = run(false, two_layers);

        /* One line per status change; no bars, no repeats. */
        assert_string_equal(
                s,
                "a1b2c3d4e5f6: Waiting\n"
                "b1b2c3d4e5f6: Already exists\n"
                "a1b2c3d4e5f6: Downloading\n"
                "a1b2c3d4e5f6: Pull complete\n");
        free(s);
}

static void test_tty(void **state) {
        char *s = run(true, two_layers);

        /* New layers get a line at the bottom; updates of the first of two go up two lines, redraw it
         * and come down again. */
        assert_string_equal(
                s,
                "a1b2c3d4e5f6: Waiting \n"
                "b1b2c3d4e5f6: Already exists \n"
                "\x1b[2A\x1b[2K\ra1b2c3d4e5f6: Downloading "
                "[=========================>                         ]"
                "      50B/100B\n\x1b[1B"
                "\x1b[2A\x1b[2K\ra1b2c3d4e5f6: Downloading "
                "[==================================================>]"
                "     100B/100B\n\x1b[1B"
                "\x1b[2A\x1b[2K\ra1b2c3d4e5f6: Pull complete \n\x1b[1B");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_format),
                cmocka_unit_test(test_plain),
                cmocka_unit_test(test_tty),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
