/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "parse-flags.h"
#include "strv.h"

static void test_parse_signal(void **state) {
        int sig = 0;

        assert_int_equal(parse_signal("KILL", &sig), 0);
        assert_int_equal(sig, SIGKILL);
        assert_int_equal(parse_signal("SIGKILL", &sig), 0);
        assert_int_equal(sig, SIGKILL);
        assert_int_equal(parse_signal("sigterm", &sig), 0);
        assert_int_equal(sig, SIGTERM);
        assert_int_equal(parse_signal("usr1", &sig), 0);
        assert_int_equal(sig, SIGUSR1);
        assert_int_equal(parse_signal("9", &sig), 0);
        assert_int_equal(sig, 9);
        assert_int_equal(parse_signal("15", &sig), 0);
        assert_int_equal(sig, SIGTERM);
        assert_int_equal(parse_signal("RTMIN+1", &sig), 0);
        assert_int_equal(sig, SIGRTMIN + 1);
        assert_int_equal(parse_signal("IOT", &sig), 0);
        assert_int_equal(sig, SIGABRT);

        assert_int_equal(parse_signal("0", &sig), -EINVAL);
        assert_int_equal(parse_signal("99", &sig), -EINVAL);
        assert_int_equal(parse_signal("-9", &sig), -EINVAL);
        assert_int_equal(parse_signal("9x", &sig), -EINVAL);
        assert_int_equal(parse_signal("FOO", &sig), -EINVAL);
        assert_int_equal(parse_signal("SIG", &sig), -EINVAL);
        assert_int_equal(parse_signal("", &sig), -EINVAL);
        assert_int_equal(parse_signal("KILLKILLKILLKILLKILLKILLKILLKILLKILL", &sig), -EINVAL);

        assert_string_equal(signal_to_string(SIGKILL), "KILL");
        assert_null(signal_to_string(0));
        assert_null(signal_to_string(200));
}

static void test_parse_stop_timeout(void **state) {
        uint64_t u = 0;

        /* Negative seconds: no timeout at all (Docker since API 1.42). */
        assert_int_equal(parse_stop_timeout("-1", &u), 0);
        assert_true(u == STOP_TIMEOUT_INFINITY);
        assert_int_equal(parse_stop_timeout("-5", &u), 0);
        assert_true(u == STOP_TIMEOUT_INFINITY);
        assert_int_equal(parse_stop_timeout("3", &u), 0);
        assert_true(u == 3 * UINT64_C(1000000));
        assert_int_equal(parse_stop_timeout("0", &u), 0);
        assert_true(u == 0);
        assert_int_equal(parse_stop_timeout("-", &u), -EINVAL);
        assert_int_equal(parse_stop_timeout("-x", &u), -EINVAL);
        assert_int_equal(parse_stop_timeout("-0", &u), -EINVAL);
        assert_int_equal(parse_stop_timeout("abc", &u), -EINVAL);
}

static void test_parse_duration(void **state) {
        uint64_t u = 0;

        assert_int_equal(parse_duration_usec("10", &u), 0);
        assert_int_equal(u, 10000000);
        assert_int_equal(parse_duration_usec("0", &u), 0);
        assert_int_equal(u, 0);
        assert_int_equal(parse_duration_usec("1.5s", &u), 0);
        assert_int_equal(u, 1500000);
        assert_int_equal(parse_duration_usec("100ms", &u), 0);
        assert_int_equal(u, 100000);
        assert_int_equal(parse_duration_usec("1h30m", &u), 0);
        assert_int_equal(u, 5400ULL * 1000000ULL);
        assert_int_equal(parse_duration_usec("2m3s", &u), 0);
        assert_int_equal(u, 123000000);
        assert_int_equal(parse_duration_usec("250us", &u), 0);
        assert_int_equal(u, 250);

        assert_int_equal(parse_duration_usec("", &u), -EINVAL);
        assert_int_equal(parse_duration_usec("abc", &u), -EINVAL);
        assert_int_equal(parse_duration_usec("5x", &u), -EINVAL);
        assert_int_equal(parse_duration_usec("s", &u), -EINVAL);
        assert_int_equal(parse_duration_usec("-1s", &u), -EINVAL);
        assert_int_equal(parse_duration_usec("99999999999", &u), -ERANGE);
}

static void test_env_argument(void **state) {
        _cleanup_strv_free_ char **env = NULL;

        assert_int_equal(setenv("BERTH_TEST_SET", "from-client", 1), 0);
        assert_int_equal(unsetenv("BERTH_TEST_UNSET"), 0);

        assert_int_equal(env_add_argument(&env, "A=1"), 0);
        assert_int_equal(env_add_argument(&env, "BERTH_TEST_SET"), 0);
        assert_int_equal(env_add_argument(&env, "BERTH_TEST_UNSET"), 0);
        assert_int_equal(env_add_argument(&env, "EMPTY="), 0);
        assert_int_equal(env_add_argument(&env, "A=2"), 0);
        assert_int_equal(env_add_argument(&env, "=x"), -EINVAL);
        assert_int_equal(env_add_argument(&env, ""), -EINVAL);

        assert_int_equal(strv_length(env), 3);
        assert_string_equal(env[0], "A=2");
        assert_string_equal(env[1], "BERTH_TEST_SET=from-client");
        assert_string_equal(env[2], "EMPTY=");
}

static int parse_env_string(const char *s, char ***env, unsigned *line) {
        FILE *f = fmemopen((void *)s, strlen(s), "r");
        int r;

        assert_non_null(f);
        r = env_parse_file(f, env, line);
        fclose(f);
        return r;
}

static void test_env_file(void **state) {
        _cleanup_strv_free_ char **env = NULL, **bad = NULL;
        unsigned line = 0;

        assert_int_equal(setenv("BERTH_TEST_SET", "client", 1), 0);
        assert_int_equal(unsetenv("BERTH_TEST_UNSET"), 0);
        assert_int_equal(
                parse_env_string(
                        "\xef\xbb\xbf"
                        "FIRST=1\n"
                        "# a comment\n"
                        "\n"
                        "   INDENTED=yes\n"
                        "SPACES=a b  c \n"
                        "BERTH_TEST_SET\n"
                        "BERTH_TEST_UNSET\n"
                        "EQ=a=b\r\n"
                        "LAST=no newline",
                        &env,
                        &line),
                0);
        assert_int_equal(strv_length(env), 6);
        assert_string_equal(env[0], "FIRST=1");
        assert_string_equal(env[1], "INDENTED=yes");
        assert_string_equal(env[2], "SPACES=a b  c ");
        assert_string_equal(env[3], "BERTH_TEST_SET=client");
        assert_string_equal(env[4], "EQ=a=b");
        assert_string_equal(env[5], "LAST=no newline");

        assert_int_equal(parse_env_string("OK=1\nBAD NAME=2\n", &bad, &line), -EINVAL);
        assert_int_equal(line, 2);
        assert_int_equal(parse_env_string("A=1\n\n=novar\n", &bad, &line), -EINVAL);
        assert_int_equal(line, 3);
}

static void test_env_file_endless_line(void **state) {
        _cleanup_strv_free_ char **env = NULL;
        unsigned line = 0;
        FILE *f = fopen("/dev/zero", "re");

        /* A line that never ends is refused once it passes the limit, not read into memory forever. */
        assert_non_null(f);
        assert_int_equal(env_parse_file(f, &env, &line), -EINVAL);
        assert_int_equal(line, 1);
        fclose(f);
}

static int parse(RunOptions *o, const char *verb, ...) {
        char *argv[64];
        int argc = 0;
        va_list ap;

        argv[argc++] = (char *)verb;
        va_start(ap, verb);
        for (char *a; (a = va_arg(ap, char *));)
                argv[argc++] = a;
        va_end(ap);
        argv[argc] = NULL;
        return parse_run_options(argc, argv, o);
}

static void test_run_options(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(
                parse(&o,
                      "run",
                      "--rm",
                      "-e",
                      "A=1",
                      "--name",
                      "web",
                      "-w",
                      "/tmp",
                      "-h",
                      "box",
                      "-u",
                      "1:2",
                      "-i",
                      "busybox",
                      "echo",
                      "-e",
                      "--rm",
                      "x",
                      NULL),
                0);
        assert_true(o.auto_remove);
        assert_true(o.interactive);
        assert_false(o.detach);
        assert_string_equal(o.image, "busybox");
        assert_string_equal(o.name, "web");
        assert_string_equal(o.workdir, "/tmp");
        assert_string_equal(o.hostname, "box");
        assert_string_equal(o.user, "1:2");
        assert_null(o.entrypoint);
        /* Flags after the image belong to the command. */
        assert_int_equal(strv_length(o.command), 4);
        assert_string_equal(o.command[0], "echo");
        assert_string_equal(o.command[1], "-e");
        assert_string_equal(o.command[2], "--rm");
        assert_string_equal(o.command[3], "x");
        assert_int_equal(strv_length(o.env), 1);
        assert_string_equal(o.env[0], "A=1");
        run_options_done(&o);

        assert_int_equal(
                parse(&o, "run", "-d", "--entrypoint", "", "-a", "stdout", "busybox", NULL), -EINVAL);
        run_options_done(&o);
        assert_int_equal(parse(&o, "run", "-d", "--entrypoint", "", "busybox", NULL), 0);
        assert_true(o.detach);
        assert_string_equal(o.entrypoint, "");
        assert_null(o.command);
        run_options_done(&o);

        assert_int_equal(
                parse(&o, "run", "-a", "STDERR", "--attach=stdin", "busybox", "--", "true", NULL), 0);
        assert_true(o.interactive);
        assert_string_equal(o.command[0], "--");
        run_options_done(&o);

        assert_int_equal(parse(&o, "run", "-a", "tty", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "run", "--rm", NULL), -EINVAL);
        assert_int_equal(parse(&o, "run", "--no-such-flag", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "create", "-d", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "run", "-e", "=bad", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "run", "--env-file", "/nonexistent/berth-env", "busybox", NULL), -ENOENT);
        assert_null(o.image);
}

static void test_run_env_file_order(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};
        char path[] = "/tmp/berth-test-env-XXXXXX";
        int fd = mkstemp(path);
        static const char content[] = "A=from-file\nB=file\n";

        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
        close(fd);

        /* -e wins over --env-file, whatever the order on the command line. */
        assert_int_equal(
                parse(&o, "create", "-e", "A=from-flag", "--env-file", path, "busybox", "env", NULL), 0);
        unlink(path);
        assert_int_equal(strv_length(o.env), 2);
        assert_string_equal(o.env[0], "A=from-flag");
        assert_string_equal(o.env[1], "B=file");
}

static void test_run_restart(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(parse(&o, "run", "--restart", "on-failure:2", "busybox", NULL), 0);
        assert_string_equal(o.restart, "on-failure:2");
        run_options_done(&o);
        /* The daemon judges the value; the CLI refuses only the combination with --rm, as Docker's. */
        assert_int_equal(parse(&o, "run", "--rm", "--restart", "always", "busybox", NULL), -EINVAL);
        assert_int_equal(parse(&o, "run", "--rm", "--restart", "no", "busybox", NULL), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_signal),
                cmocka_unit_test(test_parse_duration),
                cmocka_unit_test(test_env_argument),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_env_file_endless_line),
                cmocka_unit_test(test_run_options),
                cmocka_unit_test(test_run_env_file_order),
                cmocka_unit_test(test_parse_stop_timeout),
                cmocka_unit_test(test_run_restart),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
