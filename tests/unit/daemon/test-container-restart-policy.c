/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container-restart-policy.h"
#include "macro.h"

static void test_parse_valid(void **state) {
        static const struct {
                const char *s;
                RestartPolicyKind kind;
                uint32_t max;
                const char *canonical;
        } table[] = {
                {NULL, RESTART_POLICY_NO, 0, "no"},
                {"", RESTART_POLICY_NO, 0, "no"},
                {"no", RESTART_POLICY_NO, 0, "no"},
                {"no:0", RESTART_POLICY_NO, 0, "no"},
                {"always", RESTART_POLICY_ALWAYS, 0, "always"},
                {"unless-stopped", RESTART_POLICY_UNLESS_STOPPED, 0, "unless-stopped"},
                {"on-failure", RESTART_POLICY_ON_FAILURE, 0, "on-failure"},
                {"on-failure:", RESTART_POLICY_ON_FAILURE, 0, "on-failure"},
                {"on-failure:2", RESTART_POLICY_ON_FAILURE, 2, "on-failure:2"},
                {"on-failure:0", RESTART_POLICY_ON_FAILURE, 0, "on-failure"},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                char buf[RESTART_POLICY_STRING_MAX];
                RestartPolicy p;

                assert_int_equal(restart_policy_parse(table[i].s, &p, NULL), 0);
                assert_int_equal(p.kind, table[i].kind);
                assert_int_equal(p.max_retries, table[i].max);
                assert_string_equal(restart_policy_to_string(&p, buf), table[i].canonical);
        }
}

static void test_parse_invalid(void **state) {
        /* Docker's words (opts.ParseRestartPolicy, ValidateRestartPolicy). */
        static const struct {
                const char *s;
                const char *error;
        } table[] = {
                {"alwyas",
                 "invalid restart policy: unknown policy 'alwyas'; use one of 'no', 'always', 'on-failure', "
                 "or 'unless-stopped'"},
                {"Always",
                 "invalid restart policy: unknown policy 'Always'; use one of 'no', 'always', 'on-failure', "
                 "or 'unless-stopped'"},
                {"on-failure:-1", "invalid restart policy: maximum retry count cannot be negative"},
                {"no:3", "invalid restart policy: maximum retry count can only be used with 'on-failure'"},
                {"always:1",
                 "invalid restart policy: maximum retry count can only be used with 'on-failure'"},
                {"on-failure:x", "invalid restart policy format: maximum retry count must be an integer"},
                {"on-failure:1x", "invalid restart policy format: maximum retry count must be an integer"},
                {"on-failure:99999999999",
                 "invalid restart policy format: maximum retry count must be an integer"},
                {":3", "invalid restart policy format: no policy provided before colon"},
                {"on-failure:2000000", "invalid restart policy: maximum retry count is too large"},
        };

        for (size_t i = 0; i < ELEMENTSOF(table); i++) {
                _cleanup_free_ char *error = NULL;
                RestartPolicy p;

                assert_int_equal(restart_policy_parse(table[i].s, &p, &error), -EINVAL);
                assert_non_null(error);
                assert_string_equal(error, table[i].error);
        }
}

static void test_kind_table(void **state) {
        for (RestartPolicyKind k = 0; k < _RESTART_POLICY_MAX; k++)
                assert_int_equal(restart_policy_kind_from_string(restart_policy_kind_to_string(k)), k);
        assert_null(restart_policy_kind_to_string(_RESTART_POLICY_MAX));
        assert_int_equal(restart_policy_kind_from_string("bogus"), _RESTART_POLICY_INVALID);
        assert_int_equal(restart_policy_kind_from_string(NULL), _RESTART_POLICY_INVALID);
}

static void test_unit_mapping(void **state) {
        RestartPolicy no = {RESTART_POLICY_NO, 0}, always = {RESTART_POLICY_ALWAYS, 0},
                      unless = {RESTART_POLICY_UNLESS_STOPPED, 0}, fail2 = {RESTART_POLICY_ON_FAILURE, 2},
                      fail = {RESTART_POLICY_ON_FAILURE, 0};

        assert_string_equal(restart_policy_unit_restart(&no), "no");
        assert_string_equal(restart_policy_unit_restart(&always), "always");
        assert_string_equal(restart_policy_unit_restart(&unless), "always");
        assert_string_equal(restart_policy_unit_restart(&fail2), "on-failure");
        /* N restarts are N + 1 starts within the window. */
        assert_int_equal(restart_policy_start_limit_burst(&fail2), 3);
        assert_true(restart_policy_start_limit_interval_usec(&fail2) > 0);
        /* No limit for the others: interval 0 switches systemd's start limit off. */
        assert_true(restart_policy_start_limit_interval_usec(&always) == 0);
        assert_true(restart_policy_start_limit_interval_usec(&fail) == 0);
}

static void test_start_at_boot(void **state) {
        RestartPolicy no = {RESTART_POLICY_NO, 0}, always = {RESTART_POLICY_ALWAYS, 0},
                      unless = {RESTART_POLICY_UNLESS_STOPPED, 0}, fail = {RESTART_POLICY_ON_FAILURE, 3};

        assert_false(restart_policy_start_at_boot(&no, 255, false));
        assert_true(restart_policy_start_at_boot(&always, 255, false));
        assert_true(restart_policy_start_at_boot(&always, 143, true)); /* Docker: even when stopped */
        assert_true(restart_policy_start_at_boot(&unless, 255, false));
        assert_false(restart_policy_start_at_boot(&unless, 143, true));
        assert_true(restart_policy_start_at_boot(&fail, 255, false));
        assert_false(restart_policy_start_at_boot(&fail, 0, false));
        assert_false(restart_policy_start_at_boot(&fail, 137, true));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_valid),
                cmocka_unit_test(test_parse_invalid),
                cmocka_unit_test(test_kind_table),
                cmocka_unit_test(test_unit_mapping),
                cmocka_unit_test(test_start_at_boot),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
