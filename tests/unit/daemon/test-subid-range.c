/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "subid-range.h"

static int parse(const char *text, const char *owner, SubidRange **ret, size_t *ret_n, unsigned *ret_line) {
        return subid_ranges_parse(text, strlen(text), owner, ret, ret_n, ret_line);
}

static void test_parse_good(void **state) {
        SubidRange *r = NULL;
        size_t n = 99;

        assert_int_equal(
                parse("# comment\nalice:100000:65536\n\nberth:1000000:5000\nbob:x:y\nberth:2000000:10",
                      "berth",
                      &r,
                      &n,
                      NULL),
                0);
        assert_int_equal(n, 2);
        assert_int_equal(r[0].start, 1000000);
        assert_int_equal(r[0].count, 5000);
        assert_int_equal(r[1].start, 2000000);
        assert_int_equal(r[1].count, 10);
        free(r);

        /* Nobody's lines: none, no error. */
        r = NULL;
        assert_int_equal(parse("alice:100000:65536\n", "berth", &r, &n, NULL), 0);
        assert_int_equal(n, 0);
        free(r);
        r = NULL;
        assert_int_equal(parse("", "berth", &r, &n, NULL), 0);
        assert_int_equal(n, 0);
        free(r);

        /* By uid, the other form shadow accepts; the last id of the space. */
        r = NULL;
        assert_int_equal(parse("997:4294901760:65535\n", "997", &r, &n, NULL), 0);
        assert_int_equal(n, 1);
        assert_int_equal(r[0].start, 4294901760U);
        free(r);
}

static void expect_bad(const char *text, unsigned line) {
        SubidRange *r = NULL;
        size_t n = 0;
        unsigned l = 0;

        assert_int_equal(parse(text, "berth", &r, &n, &l), -EINVAL);
        assert_null(r);
        assert_int_equal(l, line);
}

static void test_parse_bad(void **state) {
        expect_bad("berth:1000:", 1);
        expect_bad("berth::10", 1);
        expect_bad("berth:1000", 1);
        expect_bad("berth", 1);
        expect_bad("alice:1:1\nberth:1000:0", 2); /* empty */
        expect_bad("berth:0:65536", 1);           /* the host's root */
        expect_bad("berth:4294967295:1", 1);      /* (uid_t)-1 */
        expect_bad("berth:4294967200:1000", 1);   /* past the last id */
        expect_bad("berth:99999999999:1", 1);     /* more than 32 bits */
        expect_bad("berth:-5:10", 1);
        expect_bad("berth:+5:10", 1);
        expect_bad("berth: 5:10", 1);
        expect_bad("berth:05:10", 1);
        expect_bad("berth:5:10:extra", 1);
        expect_bad("x\n\n#c\nberth:5:1x", 4);
        {
                SubidRange *r = NULL;
                size_t n;
                unsigned l = 0;
                assert_int_equal(subid_ranges_parse("berth:5:1\0\n", 11, "berth", &r, &n, &l), -EINVAL);
                assert_int_equal(l, 1);
        }
        {
                SubidRange *r = NULL;
                size_t n;
                assert_int_equal(subid_ranges_parse("berth:1:1", 9, "", &r, &n, NULL), -EINVAL);
                assert_int_equal(subid_ranges_parse("berth:1:1", 9, NULL, &r, &n, NULL), -EINVAL);
        }
}

static void test_parse_limits(void **state) {
        size_t size = (SUBID_RANGES_MAX + 1) * 16;
        char *text = malloc(size), *p = text;
        SubidRange *r = NULL;
        size_t n;

        assert_non_null(text);
        for (unsigned i = 0; i <= SUBID_RANGES_MAX; i++)
                p += sprintf(p, "berth:%u:1\n", 100000 + i);
        assert_int_equal(subid_ranges_parse(text, (size_t)(p - text), "berth", &r, &n, NULL), -E2BIG);
        assert_int_equal(subid_ranges_parse(text, SUBID_FILE_MAX + 1, "berth", &r, &n, NULL), -EINVAL);
        free(text);
}

static void test_allocate(void **state) {
        const SubidRange avail[] = {{100000, 200000}, {1000000, 200000}};
        SubidRange used[] = {{100000, 65536}, {165536, 1000}, {300000, 10}};
        uint32_t start;

        /* First fit after the used ranges, in order. */
        assert_int_equal(subid_range_allocate(avail, 2, used, 0, 65536, &start), 0);
        assert_int_equal(start, 100000);
        assert_int_equal(subid_range_allocate(avail, 2, used, 2, 65536, &start), 0);
        assert_int_equal(start, 166536);
        /* Does not fit before 300000 (166536 + 200000 > 300000): the second range. */
        assert_int_equal(subid_range_allocate(avail, 2, used, 3, 140000, &start), 0);
        assert_int_equal(start, 1000000);
        /* Fits exactly. */
        assert_int_equal(subid_range_allocate(avail, 2, used, 3, 133464, &start), 0);
        assert_int_equal(start, 166536);
        /* Used ranges in any order, overlapping each other and the available ones' edges. */
        {
                const SubidRange messy[] = {{300000, 10}, {90000, 80000}, {160000, 10000}};
                assert_int_equal(subid_range_allocate(avail, 1, messy, 3, 100, &start), 0);
                assert_int_equal(start, 170000);
        }
        /* Nothing left. */
        assert_int_equal(subid_range_allocate(avail, 2, used, 3, 300000, &start), -ENOSPC);
        assert_int_equal(subid_range_allocate(avail, 0, used, 0, 1, &start), -ENOSPC);
        assert_int_equal(subid_range_allocate(avail, 2, used, 3, 0, &start), -EINVAL);
        /* The top of the id space. */
        {
                const SubidRange top[] = {{4294901760U, 65535}};
                assert_int_equal(subid_range_allocate(top, 1, NULL, 0, 65535, &start), 0);
                assert_int_equal(start, 4294901760U);
                assert_int_equal(subid_range_allocate(top, 1, NULL, 0, 65536, &start), -ENOSPC);
        }
}

/* Every allocation among the previous ones is disjoint from them and inside an available range. */
static void test_allocate_many(void **state) {
        const SubidRange avail[] = {{1000, 5000}, {20000, 3000}};
        SubidRange used[64];
        size_t n = 0;
        uint32_t start;

        for (uint32_t size = 1; subid_range_allocate(avail, 2, used, n, size * 97, &start) == 0; size++) {
                uint64_t end = (uint64_t)start + size * 97;
                assert_true((start >= 1000 && end <= 6000) || (start >= 20000 && end <= 23000));
                for (size_t i = 0; i < n; i++)
                        assert_true(
                                end <= used[i].start || start >= (uint64_t)used[i].start + used[i].count);
                assert_true(n < 64);
                used[n++] = (SubidRange){start, size * 97};
        }
        assert_true(n >= 8);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_good),
                cmocka_unit_test(test_parse_bad),
                cmocka_unit_test(test_parse_limits),
                cmocka_unit_test(test_allocate),
                cmocka_unit_test(test_allocate_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
