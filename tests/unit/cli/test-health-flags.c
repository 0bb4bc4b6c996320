/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse-flags.h"
#include "strv.h"

static int parse(RunOptions *o, char **argv) {
        return parse_run_options((int)strv_length(argv), argv, o);
}

static void test_flags(void **state) {
        char *argv[] = {
                "run",
                "--health-cmd",
                "curl -f localhost",
                "--health-interval",
                "1m30s",
                "--health-timeout",
                "500ms",
                "--health-retries",
                "0",
                "--health-start-period",
                "10",
                "--health-on-failure",
                "restart",
                "busybox",
                NULL};
        RunOptions o = {};

        assert_int_equal(parse(&o, argv), 0);
        assert_string_equal(o.health.cmd, "curl -f localhost");
        assert_true(o.health.has_interval && o.health.interval_usec == 90000000ULL);
        assert_true(o.health.has_timeout && o.health.timeout_usec == 500000ULL);
        assert_true(o.health.has_retries && o.health.retries == 0);
        assert_true(o.health.has_start_period && o.health.start_period_usec == 10000000ULL);
        assert_string_equal(o.health.on_failure, "restart");
        assert_false(o.health.none);
        assert_string_equal(o.image, "busybox");
        run_options_done(&o);

        /* 0 is passed on: the daemon refuses it with Docker's words. */
        char *zero[] = {"create", "--health-interval", "0", "--no-healthcheck=false", "busybox", NULL};
        assert_true(parse(&o, zero) < 0); /* --no-healthcheck takes no value */
        char *zero2[] = {"create", "--health-interval", "0", "busybox", NULL};
        assert_int_equal(parse(&o, zero2), 0);
        assert_true(o.health.has_interval && o.health.interval_usec == 0);
        assert_false(o.health.has_timeout);
        run_options_done(&o);

        char *off[] = {"run", "--no-healthcheck", "--health-cmd", "", "busybox", NULL};
        assert_int_equal(parse(&o, off), 0); /* an empty --health-cmd is no command */
        assert_true(o.health.none);
        assert_null(o.health.cmd);
        run_options_done(&o);
}

static void test_flags_invalid(void **state) {
        static const char *bad[][3] = {
                {"--health-interval", "abc", NULL},
                {"--health-interval", "-1s", NULL},
                {"--health-timeout", "5x", NULL},
                {"--health-start-period", "-5", NULL},
                {"--health-retries", "-1", NULL},
                {"--health-retries", "many", NULL},
                {"--health-retries", "99999999999", NULL},
                {"--health-retries", "", NULL},
                {"--health-on-failure", "stop", NULL},
                {"--no-healthcheck", "--health-interval=1s", NULL},
                {"--health-on-failure=kill", "--no-healthcheck", NULL},
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *argv[] = {"run", (char *)bad[i][0], (char *)bad[i][1], "busybox", NULL};
                RunOptions o = {};

                if (parse(&o, argv) >= 0)
                        fail_msg("accepted: %s %s", bad[i][0], bad[i][1]);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flags),
                cmocka_unit_test(test_flags_invalid),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
