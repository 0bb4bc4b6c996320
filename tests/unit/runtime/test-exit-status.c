/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "exit-status.h"

static int wait_status_of(void (*child)(void)) {
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0)
                child();
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return status;
}

static void exit_3(void) {
        _exit(3);
}
static void die_kill(void) {
        raise(SIGKILL);
        _exit(0);
}
static void die_term(void) {
        signal(SIGTERM, SIG_DFL);
        raise(SIGTERM);
        _exit(0);
}

static void test_wait_status(void **state) {
        assert_int_equal(exit_code_from_wait_status(wait_status_of(exit_3)), 3);
        assert_int_equal(exit_code_from_wait_status(wait_status_of(die_kill)), 137);
        assert_int_equal(exit_code_from_wait_status(wait_status_of(die_term)), 143);
}

static void test_signal_from_string(void **state) {
        assert_int_equal(signal_from_string("KILL"), SIGKILL);
        assert_int_equal(signal_from_string("SIGTERM"), SIGTERM);
        assert_int_equal(signal_from_string("USR1"), SIGUSR1);
        assert_int_equal(signal_from_string("9"), 9);
        assert_int_equal(signal_from_string("SIG15"), 15);
        assert_int_equal(signal_from_string("NOPE"), -EINVAL);
        assert_int_equal(signal_from_string(""), -EINVAL);
        assert_int_equal(signal_from_string("0"), -EINVAL);
        assert_int_equal(signal_from_string("9x"), -EINVAL);
        assert_int_equal(signal_from_string("100000"), -EINVAL);
}

static void test_service_env(void **state) {
        assert_int_equal(exit_code_from_service_env("exited", "0"), 0);
        assert_int_equal(exit_code_from_service_env("exited", "143"), 143);
        assert_int_equal(exit_code_from_service_env("killed", "KILL"), 137);
        assert_int_equal(exit_code_from_service_env("killed", "TERM"), 143);
        assert_int_equal(exit_code_from_service_env("dumped", "SEGV"), 139);
        assert_int_equal(exit_code_from_service_env(NULL, NULL), -ENODATA);
        assert_int_equal(exit_code_from_service_env("exited", NULL), -ENODATA);
        assert_int_equal(exit_code_from_service_env("exited", "256"), -EINVAL);
        assert_int_equal(exit_code_from_service_env("exited", "x"), -EINVAL);
        assert_int_equal(exit_code_from_service_env("killed", "BOGUS"), -EINVAL);
        assert_int_equal(exit_code_from_service_env("weird", "1"), -EINVAL);
}

static void test_exit_json(void **state) {
        char *s = NULL;

        assert_int_equal(exit_json_format(137, "timeout", UINT64_C(1796000000123456), true, &s), 0);
        assert_string_equal(
                s,
                "{\"ExitCode\":137,\"Result\":\"timeout\",\"FinishedAt\":1796000000123456,\"OOMKilled\":"
                "true}");
        free(s);
        assert_int_equal(exit_json_format(0, NULL, 1, false, &s), 0);
        assert_string_equal(s, "{\"ExitCode\":0,\"Result\":\"\",\"FinishedAt\":1,\"OOMKilled\":false}");
        free(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_wait_status),
                cmocka_unit_test(test_signal_from_string),
                cmocka_unit_test(test_service_env),
                cmocka_unit_test(test_exit_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
