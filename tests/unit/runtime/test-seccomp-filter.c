/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <seccomp.h>

#include "seccomp-filter.h"

static SeccompProfile *parse(const char *json) {
        SeccompProfile *p = NULL;
        char *error = NULL;

        if (seccomp_profile_parse_text(json, strlen(json), SECCOMP_PROFILE_OCI, &p, &error) < 0)
                fail_msg("%s", error);
        return p;
}

static void compile(const char *json, SeccompProgram *ret) {
        SeccompProfile *p = parse(json);
        char *error = NULL;

        if (seccomp_program_compile(p, ret, &error) < 0)
                fail_msg("%s", error);
        seccomp_profile_free(p);
}

/* Runs check() in a child that loaded the program (with no_new_privs: no privileges needed). */
static int run_confined(const SeccompProgram *prog, int (*check)(void)) {
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_program_load(prog) < 0)
                        _exit(100);
                _exit(check());
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int check_rules(void) {
        /* getppid: ERRNO with errnoRet; personality: only the query is refused; uname: the default. */
        if (syscall(SYS_getppid) != -1 || errno != EOWNERDEAD)
                return 1;
        if (personality(0xffffffff) != -1 || errno != E2BIG)
                return 2;
        if (personality(PER_LINUX) < 0)
                return 3;
        if (syscall(SYS_getpid) < 0)
                return 4;
        return 0;
}

static void test_rules_apply(void **state) {
        SeccompProgram prog = {};

        compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":130},"
                "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":7,"
                "\"args\":[{\"index\":0,\"value\":4294967295,\"op\":\"SCMP_CMP_EQ\"}]},"
                /* Names libseccomp does not know are left out; a rule that repeats the default too. */
                "{\"names\":[\"no_such_syscall_at_all\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                &prog);
        assert_non_null(prog.filter);
        assert_true(prog.len > 0);
        assert_int_equal(run_confined(&prog, check_rules), 0);
        seccomp_program_done(&prog);
        assert_null(prog.filter);
}

static int check_masked(void) {
        /* CLONE_NEWUSER among the flags: refused; without it: allowed. */
        long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        int status;

        if (pid == 0)
                _exit(0);
        if (pid != -1 || errno != EPERM)
                return 1;
        pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
        if (pid == 0)
                _exit(0);
        if (pid < 0 || waitpid((pid_t)pid, &status, 0) != pid)
                return 2;
        return 0;
}

/* MASKED_EQ: value is the mask, valueTwo what the masked argument must equal. */
static void test_masked_eq(void **state) {
        SeccompProgram prog = {};

        compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,"
                "\"value\":268435456,\"valueTwo\":268435456,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}",
                &prog);
        assert_int_equal(run_confined(&prog, check_masked), 0);
        seccomp_program_done(&prog);
}

static int check_default_errno(void) {
        return syscall(SYS_getppid) == -1 && errno == ENOEXEC ? 0 : 1;
}

/* The default action with its errno: every syscall libseccomp knows is allowed but getppid (a filter
 * that denied more would also deny what the sanitizers do in the child). */
static void test_default_action(void **state) {
        SeccompProgram prog = {};
        char *json, *p;
        size_t size = 64 * 1024;

        json = p = malloc(size);
        assert_non_null(json);
        p += sprintf(
                p,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":%d,\"syscalls\":[{\"names\":[",
                ENOEXEC);
        for (int nr = 0; nr < 1024; nr++) {
                char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
                if (name && strcmp(name, "getppid") != 0)
                        p += sprintf(p, "%s\"%s\"", p[-1] == '[' ? "" : ",", name);
                free(name);
        }
        sprintf(p, "],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        compile(json, &prog);
        free(json);
        assert_int_equal(run_confined(&prog, check_default_errno), 0);
        seccomp_program_done(&prog);
}

static void test_architectures(void **state) {
        SeccompProgram native = {}, three = {};

        compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\",\"write\"],"
                "\"action\":\"SCMP_ACT_ALLOW\"}]}",
                &native);
#if defined(__x86_64__)
        compile("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_"
                "X86\","
                "\"SCMP_ARCH_X32\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":[{\"names\":["
                "\"read\","
                "\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}",
                &three);
        assert_true(three.len > native.len);
        assert_int_equal(three.flags, 2 /* SECCOMP_FILTER_FLAG_LOG */);
#endif
        seccomp_program_done(&native);
        seccomp_program_done(&three);
}

static void test_refused(void **state) {
        /* libseccomp takes one condition per argument in a rule. */
        SeccompProfile *p = parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                                  "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\"},"
                                  "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":["
                                  "{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"},"
                                  "{\"index\":0,\"value\":2,\"op\":\"SCMP_CMP_EQ\"}]}]}");
        SeccompProgram prog = {};
        char *error = NULL;

        assert_int_equal(seccomp_program_compile(p, &prog, &error), -EINVAL);
        assert_non_null(error);
        assert_string_equal(
                error, "syscalls[1]: libseccomp refused the rule for personality: Invalid argument");
        assert_null(prog.filter);
        free(error);
        seccomp_profile_free(p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rules_apply),
                cmocka_unit_test(test_masked_eq),
                cmocka_unit_test(test_default_action),
                cmocka_unit_test(test_architectures),
                cmocka_unit_test(test_refused),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
