/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "health-check.h"
#include "json-util.h"
#include "strv.h"

#define SEC 1000000ULL

static void test_tables(void **state) {
        for (HealthStatus s = 0; s < _HEALTH_STATUS_MAX; s++)
                assert_int_equal(health_status_from_string(health_status_to_string(s)), s);
        for (HealthOnFailure f = 0; f < _HEALTH_ON_FAILURE_MAX; f++)
                assert_int_equal(health_on_failure_from_string(health_on_failure_to_string(f)), f);
        assert_string_equal(health_status_to_string(HEALTH_STARTING), "starting");
        assert_string_equal(health_status_to_string(HEALTH_NONE), "");
        assert_null(health_status_to_string(_HEALTH_STATUS_MAX));
        assert_int_equal(health_status_from_string("sick"), _HEALTH_STATUS_INVALID);
        assert_int_equal(health_on_failure_from_string("stop"), _HEALTH_ON_FAILURE_INVALID);
        assert_int_equal(health_on_failure_from_string(NULL), _HEALTH_ON_FAILURE_INVALID);
}

static char *test_cmd[] = {(char *)"CMD-SHELL", (char *)"true", NULL};
static char *image_cmd[] = {(char *)"CMD", (char *)"/bin/check", (char *)"--quick", NULL};
static char *none[] = {(char *)"NONE", NULL};

static void test_resolve_defaults_and_merge(void **state) {
        ContainerHealth *h = NULL;
        char *message = NULL;
        HealthOptions o = {.test = test_cmd};
        ImageHealthcheck image = {
                .test = image_cmd,
                .interval_ns = 5 * SEC * 1000,
                .start_period_ns = 0,
                .retries = 7,
        };
        ImageHealthcheck empty = {};

        /* Options only: Docker's defaults. */
        assert_int_equal(health_config_resolve(&o, &empty, &h, &message), 0);
        assert_non_null(h);
        assert_string_equal(h->config.test[0], "CMD-SHELL");
        assert_true(h->config.interval_usec == 30 * SEC);
        assert_true(h->config.timeout_usec == 30 * SEC);
        assert_true(h->config.start_period_usec == 0);
        assert_int_equal(h->config.retries, 3);
        assert_int_equal(h->config.on_failure, HEALTH_ON_FAILURE_NONE);
        assert_int_equal(h->status, HEALTH_STARTING);
        h = container_health_free(h);

        /* The image's check, one value overridden, retries 0 = the image's. */
        o = (HealthOptions){.has_timeout = true, .timeout_usec = 2 * SEC, .has_retries = true, .retries = 0};
        assert_int_equal(health_config_resolve(&o, &image, &h, &message), 0);
        assert_string_equal(h->config.test[1], "/bin/check");
        assert_true(h->config.interval_usec == 5 * SEC);
        assert_true(h->config.timeout_usec == 2 * SEC);
        assert_int_equal(h->config.retries, 7);
        h = container_health_free(h);

        /* --no-healthcheck, and no check anywhere. */
        o = (HealthOptions){.test = none};
        assert_int_equal(health_config_resolve(&o, &image, &h, &message), 0);
        assert_null(h);
        o = (HealthOptions){.has_interval = true, .interval_usec = SEC};
        assert_int_equal(health_config_resolve(&o, &empty, &h, &message), 0);
        assert_null(h);

        /* An image's NONE turns the check off too. */
        ImageHealthcheck image_none = {.test = none};
        o = (HealthOptions){};
        assert_int_equal(health_config_resolve(&o, &image_none, &h, &message), 0);
        assert_null(h);

        /* An unusable image check: none, with a reason. */
        char *odd[] = {(char *)"EXEC", (char *)"x", NULL};
        ImageHealthcheck image_odd = {.test = odd};
        assert_int_equal(health_config_resolve(&o, &image_odd, &h, &message), 1);
        assert_null(h);
        assert_non_null(strstr(message, "Unknown healthcheck type 'EXEC'"));
        free(message);
}

static void test_resolve_invalid(void **state) {
        static char *empty_test[] = {NULL};
        static char *cmd_only[] = {(char *)"CMD", NULL};
        static char *bogus[] = {(char *)"BOGUS", (char *)"x", NULL};
        static const struct {
                HealthOptions o;
                const char *message;
        } table[] = {
                {{.test = test_cmd, .has_interval = true, .interval_usec = 0},
                 "Interval in Healthcheck cannot be less than 1ms"},
                {{.test = test_cmd, .has_interval = true, .interval_usec = 999},
                 "Interval in Healthcheck cannot be less than 1ms"},
                {{.test = test_cmd, .has_timeout = true, .timeout_usec = 1},
                 "Timeout in Healthcheck cannot be less than 1ms"},
                {{.test = test_cmd, .has_start_period = true, .start_period_usec = 10},
                 "StartPeriod in Healthcheck cannot be less than 1ms"},
                {{.test = test_cmd, .has_interval = true, .interval_usec = UINT64_MAX},
                 "Interval in Healthcheck is too long"},
                {{.test = test_cmd, .has_retries = true, .retries = -1},
                 "Retries in Healthcheck cannot be negative"},
                {{.test = empty_test}, "Healthcheck test must not be empty"},
                {{.test = cmd_only}, "Healthcheck CMD has no command"},
                {{.test = bogus},
                 "Unknown healthcheck type 'BOGUS' (expected 'CMD', 'CMD-SHELL' or 'NONE')"},
                {{.test = test_cmd, .on_failure = (char *)"stop"},
                 "invalid health-on-failure action \"stop\" (use none, kill or restart)"},
                /* Checked even when no check results. */
                {{.test = none, .has_retries = true, .retries = -3},
                 "Retries in Healthcheck cannot be negative"},
        };
        ImageHealthcheck image = {};

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                ContainerHealth *h = NULL;
                char *message = NULL;

                assert_int_equal(health_config_resolve(&table[i].o, &image, &h, &message), -EINVAL);
                assert_null(h);
                assert_string_equal(message, table[i].message);
                free(message);
        }
}

static void test_probe_argv(void **state) {
        HealthConfig c = {.test = test_cmd};
        char **argv = NULL;

        assert_int_equal(health_config_probe_argv(&c, &argv), 0);
        assert_int_equal(strv_length(argv), 3);
        assert_string_equal(argv[0], "/bin/sh");
        assert_string_equal(argv[1], "-c");
        assert_string_equal(argv[2], "true");
        strv_free(argv);

        c.test = image_cmd;
        assert_int_equal(health_config_probe_argv(&c, &argv), 0);
        assert_int_equal(strv_length(argv), 2);
        assert_string_equal(argv[0], "/bin/check");
        strv_free(argv);

        c.test = none;
        assert_int_equal(health_config_probe_argv(&c, &argv), -EINVAL);
}

static HealthResult result(uint64_t start, int code, const char *output) {
        return (HealthResult){
                .start_usec = start, .end_usec = start + 1, .exit_code = code, .output = strdup(output)};
}

static void test_record(void **state) {
        HealthOptions o = {
                .test = test_cmd,
                .has_retries = true,
                .retries = 2,
                .has_start_period = true,
                .start_period_usec = 10 * SEC};
        ImageHealthcheck image = {};
        ContainerHealth *h = NULL;
        uint64_t started = 1000 * SEC;
        HealthResult r;

        assert_int_equal(health_config_resolve(&o, &image, &h, NULL), 0);
        container_health_reset(h, started);

        /* Failures within the start period while starting do not count. */
        r = result(started + 1 * SEC, 1, "a");
        assert_int_equal(container_health_record(h, &r, started), HEALTH_STARTING);
        assert_null(r.output);
        r = result(started + 2 * SEC, 1, "b");
        container_health_record(h, &r, started);
        assert_int_equal(h->status, HEALTH_STARTING);
        assert_int_equal(h->failing_streak, 0);

        /* Success: healthy. */
        r = result(started + 3 * SEC, 0, "c");
        assert_int_equal(container_health_record(h, &r, started), HEALTH_STARTING);
        assert_int_equal(h->status, HEALTH_HEALTHY);

        /* Once healthy, failures count even within the start period; unhealthy at retries. */
        r = result(started + 4 * SEC, 1, "d");
        container_health_record(h, &r, started);
        assert_int_equal(h->status, HEALTH_HEALTHY);
        assert_int_equal(h->failing_streak, 1);
        r = result(started + 5 * SEC, -1, "e");
        assert_int_equal(container_health_record(h, &r, started), HEALTH_HEALTHY);
        assert_int_equal(h->status, HEALTH_UNHEALTHY);
        assert_int_equal(h->failing_streak, 2);

        /* The log keeps the last five, oldest first. */
        r = result(started + 6 * SEC, 0, "f");
        container_health_record(h, &r, started);
        assert_int_equal(h->status, HEALTH_HEALTHY);
        assert_int_equal(h->failing_streak, 0);
        assert_int_equal(h->n_log, HEALTH_LOG_MAX);
        assert_string_equal(h->log[0].output, "b");
        assert_string_equal(h->log[4].output, "f");

        /* Past the start period, a starting container's failures count. */
        container_health_reset(h, started);
        assert_int_equal(h->status, HEALTH_STARTING);
        assert_int_equal(h->n_log, HEALTH_LOG_MAX); /* the log stays */
        r = result(started + 11 * SEC, 1, "g");
        container_health_record(h, &r, started);
        assert_int_equal(h->failing_streak, 1);
        r = result(started + 12 * SEC, 1, "h");
        container_health_record(h, &r, started);
        assert_int_equal(h->status, HEALTH_UNHEALTHY);

        container_health_free(h);
}

static void test_json_roundtrip(void **state) {
        HealthOptions o = {
                .test = image_cmd,
                .has_interval = true,
                .interval_usec = 1500000,
                .on_failure = (char *)"restart"};
        ImageHealthcheck image = {};
        ContainerHealth *h = NULL, *back = NULL;
        cJSON *j = cJSON_CreateObject();
        HealthResult r;

        assert_int_equal(health_config_resolve(&o, &image, &h, NULL), 0);
        container_health_reset(h, 77);
        r = result(100, 1, "out\nput");
        container_health_record(h, &r, 77);

        assert_int_equal(container_health_to_json(h, j), 0);
        assert_true(json_get_integer(cJSON_GetObjectItem(j, "Healthcheck"), "Interval", 0) == 1500000000);
        assert_string_equal(json_get_string(cJSON_GetObjectItem(j, "Health"), "Status"), "starting");

        assert_int_equal(container_health_from_json(j, &back), 0);
        assert_non_null(back);
        assert_int_equal(strv_length(back->config.test), 3);
        assert_true(back->config.interval_usec == 1500000);
        assert_true(back->config.timeout_usec == 30 * SEC);
        assert_int_equal(back->config.retries, 3);
        assert_int_equal(back->config.on_failure, HEALTH_ON_FAILURE_RESTART);
        assert_int_equal(back->status, HEALTH_STARTING);
        assert_int_equal(back->failing_streak, 1);
        assert_true(back->run_started_usec == 77);
        assert_int_equal(back->n_log, 1);
        assert_int_equal(back->log[0].exit_code, 1);
        assert_string_equal(back->log[0].output, "out\nput");
        assert_int_equal(back->probe_fd, -EBADF);
        container_health_free(back);
        container_health_free(h);
        cJSON_Delete(j);

        /* No check: nothing written, nothing read. */
        j = cJSON_CreateObject();
        assert_int_equal(container_health_to_json(NULL, j), 0);
        assert_null(cJSON_GetObjectItem(j, "Healthcheck"));
        assert_int_equal(container_health_from_json(j, &back), 0);
        assert_null(back);
        cJSON_Delete(j);

        /* A bad one. */
        j = cJSON_Parse("{\"Healthcheck\":{\"Test\":[\"NOPE\",\"x\"],\"Interval\":1000000000,\"Timeout\":"
                        "1000000000}}");
        assert_int_equal(container_health_from_json(j, &back), -EINVAL);
        cJSON_Delete(j);
        j = cJSON_Parse(
                "{\"Healthcheck\":{\"Test\":[\"CMD\",\"x\"],\"Interval\":0,\"Timeout\":1000000000}}");
        assert_int_equal(container_health_from_json(j, &back), -EINVAL);
        cJSON_Delete(j);
}

static void test_format_duration(void **state) {
        static const struct {
                uint64_t usec;
                const char *s;
        } table[] = {
                {0, "0s"},
                {5, "5µs"},
                {1000, "1ms"},
                {1500, "1.5ms"},
                {500000, "500ms"},
                {1 * SEC, "1s"},
                {1500000, "1.5s"},
                {30 * SEC, "30s"},
                {90 * SEC, "1m30s"},
                {3600 * SEC, "1h0m0s"},
                {3725 * SEC + 250000, "1h2m5.25s"},
                /* The longest there is. */
                {UINT64_MAX, "5124095576h1m49.551615s"},
        };
        char buf[HEALTH_DURATION_MAX];

        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                assert_string_equal(health_format_duration(buf, table[i].usec), table[i].s);
}

static void test_output_sanitize(void **state) {
        char *s;

        s = health_output_sanitize("ok\n", 3);
        assert_string_equal(s, "ok\n");
        free(s);
        s = health_output_sanitize("gr\xc3\xbc\xc3\x9f", 6);
        assert_string_equal(s, "gr\xc3\xbc\xc3\x9f");
        free(s);
        /* NUL, a lone continuation byte, an overlong form, a surrogate, a cut sequence. */
        s = health_output_sanitize("a\0b\x80\xc0\xaf\xed\xa0\x80\xe2\x82", 11);
        assert_string_equal(
                s,
                "a\xef\xbf\xbd"
                "b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef"
                "\xbf\xbd");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tables),
                cmocka_unit_test(test_resolve_defaults_and_merge),
                cmocka_unit_test(test_resolve_invalid),
                cmocka_unit_test(test_probe_argv),
                cmocka_unit_test(test_record),
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_format_duration),
                cmocka_unit_test(test_output_sanitize),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
