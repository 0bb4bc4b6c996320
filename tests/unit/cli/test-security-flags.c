/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "parse-flags.h"
#include "strv.h"

static int parse(RunOptions *o, ...) {
        char *argv[64] = {"run"};
        int argc = 1;
        va_list ap;

        va_start(ap, o);
        for (char *a; (a = va_arg(ap, char *));)
                argv[argc++] = a;
        va_end(ap);
        return parse_run_options(argc, argv, o);
}

static void test_flags(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(
                parse(&o,
                      "--cap-add",
                      "NET_ADMIN",
                      "--cap-add=sys_ptrace",
                      "--cap-drop",
                      "ALL",
                      "--privileged",
                      "--read-only",
                      "--tmpfs",
                      "/run:size=1m",
                      "--tmpfs=/tmp",
                      "--security-opt",
                      "no-new-privileges",
                      "--security-opt",
                      "seccomp=unconfined",
                      "--security-opt",
                      "seccomp:builtin",
                      "--security-opt=apparmor=unconfined",
                      "--userns",
                      "host",
                      "--userns=auto:size=1000",
                      "busybox",
                      NULL),
                0);
        assert_string_equal(o.security.cap_add[0], "NET_ADMIN");
        assert_string_equal(o.security.cap_add[1], "sys_ptrace");
        assert_string_equal(o.security.cap_drop[0], "ALL");
        assert_true(o.security.privileged);
        assert_true(o.security.read_only);
        assert_string_equal(o.security.tmpfs[0], "/run:size=1m");
        assert_string_equal(o.security.tmpfs[1], "/tmp");
        /* Passed on as given: the daemon judges them. */
        assert_int_equal(strv_length(o.security.security_opt), 4);
        assert_string_equal(o.security.security_opt[0], "no-new-privileges");
        assert_string_equal(o.security.security_opt[1], "seccomp=unconfined");
        assert_string_equal(o.security.security_opt[2], "seccomp:builtin");
        assert_string_equal(o.security.security_opt[3], "apparmor=unconfined");
        /* The last --userns counts. */
        assert_string_equal(o.security.userns, "auto:size=1000");
}

static void test_seccomp_file(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};
        char path[] = "/tmp/berth-test-seccomp-XXXXXX", *arg = NULL;
        static const char profile[] = "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": []\n}\n";
        int fd = mkstemp(path);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, profile, strlen(profile)), (ssize_t)strlen(profile));
        close(fd);

        /* As Docker's CLI: the file's JSON, without its white space. */
        assert_true(asprintf(&arg, "seccomp=%s", path) > 0);
        assert_int_equal(parse(&o, "--security-opt", arg, "busybox", NULL), 0);
        assert_string_equal(
                o.security.security_opt[0],
                "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}");
        run_options_done(&o);
        free(arg);
        assert_true(asprintf(&arg, "seccomp:%s", path) > 0);
        assert_int_equal(parse(&o, "--security-opt", arg, "busybox", NULL), 0);
        assert_string_equal(
                o.security.security_opt[0],
                "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}");
        run_options_done(&o);
        free(arg);

        /* Not JSON: refused here already. */
        fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "{nope", 5), 5);
        close(fd);
        assert_true(asprintf(&arg, "seccomp=%s", path) > 0);
        assert_int_equal(parse(&o, "--security-opt", arg, "busybox", NULL), -EINVAL);
        free(arg);
        unlink(path);

        assert_int_equal(
                parse(&o, "--security-opt", "seccomp=/nonexistent/berth-profile.json", "busybox", NULL),
                -ENOENT);
        assert_int_equal(parse(&o, "--security-opt", "bogus", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "--security-opt", "seccomp=", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "--security-opt", "label:", "busybox", NULL), -EINVAL);
        assert_null(o.image);
}

int main(void) {
        log_set_max_level(LOG_CRIT);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_flags),
                cmocka_unit_test(test_seccomp_file),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
