/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log.h"
#include "parse-flags.h"
#include "parse-size.h"

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

static void assert_size(const char *s, int64_t want) {
        uint64_t v = 1;

        if (parse_size(s, &v) < 0)
                fail_msg("\"%s\" refused", s);
        if (v != (uint64_t)want)
                fail_msg("\"%s\": %lld, want %lld", s, (long long)v, (long long)want);
}

static void test_size_good(void **state) {
        assert_size("0", 0);
        assert_size("512", 512);
        assert_size("512b", 512);
        assert_size("512B", 512);
        assert_size("1k", 1024);
        assert_size("1K", 1024);
        assert_size("1kb", 1024);
        assert_size("1KiB", 1024);
        assert_size("512m", 512LL << 20);
        assert_size("512M", 512LL << 20);
        assert_size("512mb", 512LL << 20);
        assert_size("1g", 1LL << 30);
        assert_size("1.5g", 3LL << 29);
        assert_size("1.5 GiB", 3LL << 29);
        assert_size("64 m", 64LL << 20);
        assert_size("2t", 2LL << 40);
        assert_size("3p", 3LL << 50);
        assert_size("0.5k", 512);
        assert_size("1 ", 1);
        assert_size("1.9", 1); /* Go's int64() truncates */
}

static void test_size_bad(void **state) {
        static const char *const bad[] = {
                "",     "m",     "-1",     "-1m",  "1x",  "1 m b", "1mm",  "1bb", "1 .5", "1.",
                "1kbb", "1kib2", " 1",     "1  m", "1e3", "1.2.3", "0x10", "inf", "nan",  "1m ",
                "1 b ", "1KIBB", "1.5.5g", "1,5g", "k1",  "1\n",   "1\tm", ".",   "1 1",  "+1",
        };
        uint64_t v;

        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                if (parse_size(bad[i], &v) != -EINVAL)
                        fail_msg("\"%s\" accepted", bad[i]);
        assert_int_equal(parse_size("9000p", &v), -ERANGE);
        assert_int_equal(parse_size("99999999999999999999", &v), -ERANGE);
        assert_int_equal(parse_size("8192p", &v), -ERANGE);
        assert_int_equal(parse_size("8191p", &v), 0);
        assert_int_equal(parse_size("8191t", &v), 0);
}

static void test_nano_cpus(void **state) {
        int64_t v;

        assert_int_equal(parse_nano_cpus("1", &v), 0);
        assert_int_equal(v, 1000000000);
        assert_int_equal(parse_nano_cpus("1.5", &v), 0);
        assert_int_equal(v, 1500000000);
        assert_int_equal(parse_nano_cpus("0.01", &v), 0);
        assert_int_equal(v, 10000000);
        assert_int_equal(parse_nano_cpus(".5", &v), 0);
        assert_int_equal(v, 500000000);
        assert_int_equal(parse_nano_cpus("0.000000001", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(parse_nano_cpus("2.0000000000", &v), 0);
        assert_int_equal(v, 2000000000);
        assert_int_equal(parse_nano_cpus("-0.5", &v), 0);
        assert_int_equal(v, -500000000);
        assert_int_equal(parse_nano_cpus("0.0000000001", &v), -EDOM);
        assert_int_equal(parse_nano_cpus("", &v), -EINVAL);
        assert_int_equal(parse_nano_cpus(".", &v), -EINVAL);
        assert_int_equal(parse_nano_cpus("1x", &v), -EINVAL);
        assert_int_equal(parse_nano_cpus("one", &v), -EINVAL);
        assert_int_equal(parse_nano_cpus("1.5.1", &v), -EINVAL);
        assert_int_equal(parse_nano_cpus("99999999999", &v), -ERANGE);
}

static void test_run_flags(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(
                parse(&o,
                      "-m",
                      "64m",
                      "--memory-swap=-1",
                      "--memory-reservation",
                      "32M",
                      "--cpus",
                      "0.5",
                      "-c",
                      "512",
                      "--cpuset-cpus",
                      "0-1",
                      "--pids-limit",
                      "-1",
                      "--blkio-weight",
                      "300",
                      "--cpu-period",
                      "50000",
                      "--cpu-quota=25000",
                      "busybox",
                      NULL),
                0);
        assert_int_equal(o.resources.memory, 64LL << 20);
        assert_int_equal(o.resources.memory_swap, -1);
        assert_int_equal(o.resources.memory_reservation, 32LL << 20);
        assert_int_equal(o.resources.nano_cpus, 500000000);
        assert_int_equal(o.resources.cpu_shares, 512);
        assert_string_equal(o.resources.cpuset_cpus, "0-1");
        assert_int_equal(o.resources.pids_limit, -1);
        assert_int_equal(o.resources.blkio_weight, 300);
        assert_int_equal(o.resources.cpu_period, 50000);
        assert_int_equal(o.resources.cpu_quota, 25000);
        assert_int_equal(o.resources.given, (1U << (_RESOURCE_FLAG_LAST - RESOURCE_FLAG_MEMORY + 1)) - 1);
        run_options_done(&o);

        assert_int_equal(parse(&o, "busybox", NULL), 0);
        assert_int_equal(o.resources.given, 0);
}

static void test_run_flags_bad(void **state) {
        static const char *const bad[][2] = {
                {"--memory", "1x"},
                {"-m", "-5m"},
                {"--memory-swap", "-2"},
                {"--memory-reservation", "lots"},
                {"--cpus", "1/2x"},
                {"--cpus", "0.0000000001"},
                {"--cpu-shares", "1.5"},
                {"--pids-limit", "many"},
                {"--blkio-weight", "-1"},
                {"--blkio-weight", "65536"},
                {"--cpu-quota", ""},
                {"--cpu-period", "99999999999999999999"},
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(run_options_done) RunOptions o = {};
                if (parse(&o, bad[i][0], bad[i][1], "busybox", NULL) != -EINVAL)
                        fail_msg("%s %s accepted", bad[i][0], bad[i][1]);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_size_good),
                cmocka_unit_test(test_size_bad),
                cmocka_unit_test(test_nano_cpus),
                cmocka_unit_test(test_run_flags),
                cmocka_unit_test(test_run_flags_bad),
        };
        log_set_max_level(LOG_CRIT);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
