/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "time-parse.h"

#define NOW (UINT64_C(1700000000) * 1000000 + 250000) /* 2023-11-14T22:13:20.25Z */

static void test_durations(void **state) {
        uint64_t t = 0;

        assert_int_equal(parse_timestamp_usec("10m", NOW, &t), 0);
        assert_true(t == NOW - UINT64_C(600) * 1000000);
        assert_int_equal(parse_timestamp_usec("1h30m", NOW, &t), 0);
        assert_true(t == NOW - UINT64_C(5400) * 1000000);
        assert_int_equal(parse_timestamp_usec("1.5s", NOW, &t), 0);
        assert_true(t == NOW - 1500000);
        assert_int_equal(parse_timestamp_usec("0s", NOW, &t), 0);
        assert_true(t == NOW);
        /* Before the epoch. */
        assert_int_equal(parse_timestamp_usec("1000000h", NOW, &t), -ERANGE);
}

static void test_unix_timestamps(void **state) {
        uint64_t t = 0;

        assert_int_equal(parse_timestamp_usec("1700000000", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000);
        assert_int_equal(parse_timestamp_usec("1700000000.5", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000 + 500000);
        /* Nanoseconds are cut to µs. */
        assert_int_equal(parse_timestamp_usec("1700000000.123456789", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000 + 123456);
        assert_int_equal(parse_timestamp_usec("0", NOW, &t), 0);
        assert_true(t == 0);

        assert_int_equal(parse_timestamp_usec("1700000000.", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("1700000000.1234567890", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("1.2.3", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec(".5", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("99999999999999999999", NOW, &t), -ERANGE);
}

static void test_rfc3339(void **state) {
        uint64_t t = 0;

        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20Z", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20.25Z", NOW, &t), 0);
        assert_true(t == NOW);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20.123456789Z", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000 + 123456);
        assert_int_equal(parse_timestamp_usec("2023-11-15T00:13:20+02:00", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000);
        assert_int_equal(parse_timestamp_usec("2023-11-14T17:13:20-05:00", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000);
        assert_int_equal(parse_timestamp_usec("1970-01-01T00:00:00Z", NOW, &t), 0);
        assert_true(t == 0);
        assert_int_equal(parse_timestamp_usec("2024-02-29T00:00:00Z", NOW, &t), 0);
        assert_true(t == UINT64_C(1709164800) * 1000000);

        /* No zone: local time, as Docker reads it; TZ=UTC here. */
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20", NOW, &t), 0);
        assert_true(t == UINT64_C(1700000000) * 1000000);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13", NOW, &t), 0);
        assert_true(t == UINT64_C(1699999980) * 1000000);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22", NOW, &t), 0);
        assert_true(t == UINT64_C(1699999200) * 1000000);
        assert_int_equal(parse_timestamp_usec("2023-11-14", NOW, &t), 0);
        assert_true(t == UINT64_C(1699920000) * 1000000);

        assert_int_equal(parse_timestamp_usec("2023-13-14", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-02-29", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-11-31", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-11-14T24:00:00Z", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20+0200", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-11-14T22:13:20Zjunk", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("2023-11-14 22:13:20", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("1969-12-31T23:59:59Z", NOW, &t), -ERANGE);
}

static void test_garbage(void **state) {
        uint64_t t = 0;

        assert_int_equal(parse_timestamp_usec("garbage", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec(NULL, NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("-10m", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("10x", NOW, &t), -EINVAL);
        assert_int_equal(parse_timestamp_usec("m", NOW, &t), -EINVAL);
}

static void test_tail(void **state) {
        uint64_t n = 0;

        assert_int_equal(parse_tail("all", &n), 0);
        assert_true(n == TAIL_ALL);
        assert_int_equal(parse_tail("0", &n), 0);
        assert_true(n == 0);
        assert_int_equal(parse_tail("100", &n), 0);
        assert_true(n == 100);

        assert_int_equal(parse_tail("-5", &n), -EINVAL);
        assert_int_equal(parse_tail("-1", &n), -EINVAL);
        assert_int_equal(parse_tail("", &n), -EINVAL);
        assert_int_equal(parse_tail("ALL", &n), -EINVAL);
        assert_int_equal(parse_tail("5x", &n), -EINVAL);
        assert_int_equal(parse_tail("+5", &n), -EINVAL);
        assert_int_equal(parse_tail("99999999999999999999999", &n), -ERANGE);
}

static void test_format(void **state) {
        char buf[RFC3339_NANO_FIXED_MAX];

        assert_string_equal(format_rfc3339nano_fixed(buf, NOW), "2023-11-14T22:13:20.250000000Z");
        assert_string_equal(
                format_rfc3339nano_fixed(buf, UINT64_C(1700000000) * 1000000),
                "2023-11-14T22:13:20.000000000Z");
        assert_string_equal(format_rfc3339nano_fixed(buf, 1), "1970-01-01T00:00:00.000001000Z");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_durations),
                cmocka_unit_test(test_unix_timestamps),
                cmocka_unit_test(test_rfc3339),
                cmocka_unit_test(test_garbage),
                cmocka_unit_test(test_tail),
                cmocka_unit_test(test_format),
        };

        setenv("TZ", "UTC", 1);
        tzset();
        return cmocka_run_group_tests(tests, NULL, NULL);
}
