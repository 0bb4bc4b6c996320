/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "capabilities.h"
#include "capability-name.h"

/* Runs check() in a child, which may change its own capabilities. */
static int in_child(int (*check)(void)) {
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                _exit(check());
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool have(cap_value_t cap) {
        cap_t c = cap_get_proc();
        cap_flag_value_t v = CAP_CLEAR;

        (void)cap_get_flag(c, cap, CAP_PERMITTED, &v);
        cap_free(c);
        return v == CAP_SET;
}

static void test_check_available(void **state) {
        RuntimeCapabilities caps = {.bounding = CAPABILITY_MASK(CAP_CHOWN)};
        char *error = NULL;

        if (!have(CAP_CHOWN))
                skip();
        assert_int_equal(capabilities_check_available(&caps, &error), 0);
        /* A capability no kernel has yet. */
        caps.effective = CAPABILITY_MASK(62);
        assert_int_equal(capabilities_check_available(&caps, &error), -EPERM);
        assert_non_null(strstr(error, "capability 62, which berth-runtime does not have itself"));
        free(error);
}

static const RuntimeCapabilities kill_only = {
        .bounding = CAPABILITY_MASK(CAP_KILL) | CAPABILITY_MASK(CAP_CHOWN),
        .effective = CAPABILITY_MASK(CAP_KILL),
        .permitted = CAPABILITY_MASK(CAP_KILL),
        .inheritable = CAPABILITY_MASK(CAP_KILL),
        .ambient = CAPABILITY_MASK(CAP_KILL),
};

static int check_root(void) {
        cap_t c;
        cap_flag_value_t v;

        if (capabilities_apply_bounding(&kill_only, NULL) < 0 ||
            capabilities_apply_sets(&kill_only, 0, NULL) < 0)
                return 1;
        if (cap_get_bound(CAP_CHOWN) != 1 || cap_get_bound(CAP_SYS_ADMIN) != 0)
                return 2;
        c = cap_get_proc();
        if (cap_get_flag(c, CAP_KILL, CAP_EFFECTIVE, &v) < 0 || v != CAP_SET)
                return 3;
        if (cap_get_flag(c, CAP_CHOWN, CAP_PERMITTED, &v) < 0 || v != CAP_CLEAR)
                return 4;
        if (cap_get_flag(c, CAP_KILL, CAP_INHERITABLE, &v) < 0 || v != CAP_SET)
                return 5;
        cap_free(c);
        if (cap_get_ambient(CAP_KILL) != 1)
                return 6;
        return 0;
}

static int check_other_user(void) {
        cap_t c;
        cap_flag_value_t v;

        /* Not uid 0: no inheritable and no ambient capabilities. */
        if (capabilities_apply_bounding(&kill_only, NULL) < 0 ||
            capabilities_apply_sets(&kill_only, 1000, NULL) < 0)
                return 1;
        c = cap_get_proc();
        if (cap_get_flag(c, CAP_KILL, CAP_INHERITABLE, &v) < 0 || v != CAP_CLEAR)
                return 2;
        cap_free(c);
        if (cap_get_ambient(CAP_KILL) != 0)
                return 3;
        return 0;
}

static void test_apply(void **state) {
        if (!have(CAP_SETPCAP) || !have(CAP_KILL))
                skip();
        assert_int_equal(in_child(check_root), 0);
        assert_int_equal(in_child(check_other_user), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_check_available),
                cmocka_unit_test(test_apply),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
