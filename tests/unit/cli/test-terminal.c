/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "terminal.h"

static void test_parse(void **state) {
        DetachKeys d;

        assert_int_equal(detach_keys_parse(DETACH_KEYS_DEFAULT, &d), 0);
        assert_int_equal(d.n, 2);
        assert_int_equal(d.keys[0], 0x10);
        assert_int_equal(d.keys[1], 0x11);

        assert_int_equal(detach_keys_parse("ctrl-a,x", &d), 0);
        assert_int_equal(d.n, 2);
        assert_int_equal(d.keys[0], 1);
        assert_int_equal(d.keys[1], 'x');

        assert_int_equal(detach_keys_parse("ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,DEL", &d), 0);
        assert_int_equal(d.n, 7);
        assert_memory_equal(d.keys, "\x00\x1b\x1c\x1d\x1e\x1f\x7f", 7);

        assert_int_equal(detach_keys_parse("ctrl-z", &d), 0);
        assert_int_equal(d.keys[0], 26);

        /* Empty: detaching is off. */
        assert_int_equal(detach_keys_parse("", &d), 0);
        assert_int_equal(d.n, 0);
        assert_int_equal(detach_keys_parse(NULL, &d), 0);
        assert_int_equal(d.n, 0);

        /* Docker refuses these. */
        assert_int_equal(detach_keys_parse("ctrl-", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("ctrl-xx", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("ctrl-A", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("ctrl-1", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("ab", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("a,,b", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("a,", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("nope", &d), -EINVAL);
        assert_int_equal(detach_keys_parse("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", &d), -EINVAL);
}

static bool feed(DetachKeys *d, const char *in, char *out, size_t *n) {
        return detach_keys_filter(d, (const uint8_t *)in, strlen(in), (uint8_t *)out, n);
}

static void test_filter(void **state) {
        char out[64];
        DetachKeys d;
        size_t n;

        assert_int_equal(detach_keys_parse(DETACH_KEYS_DEFAULT, &d), 0);

        /* Plain input passes. */
        assert_false(feed(&d, "ls\r", out, &n));
        assert_int_equal(n, 3);
        assert_memory_equal(out, "ls\r", 3);

        /* The sequence in one read: what came before goes on, then detach. */
        assert_true(feed(&d, "ab\x10\x11zz", out, &n));
        assert_int_equal(n, 2);
        assert_memory_equal(out, "ab", 2);

        /* Split over two reads: the first key is held back. */
        assert_false(feed(&d, "x\x10", out, &n));
        assert_int_equal(n, 1);
        assert_true(feed(&d, "\x11", out, &n));
        assert_int_equal(n, 0);

        /* A held key that turns out not to be the sequence is sent after all. */
        assert_false(feed(&d, "\x10", out, &n));
        assert_int_equal(n, 0);
        assert_false(feed(&d, "q", out, &n));
        assert_int_equal(n, 2);
        assert_memory_equal(out, "\x10q", 2);

        /* Ctrl-P Ctrl-P Ctrl-Q: the second Ctrl-P starts the sequence again. */
        assert_true(feed(&d, "\x10\x10\x11", out, &n));
        assert_int_equal(n, 1);
        assert_memory_equal(out, "\x10", 1);

        /* Disabled: everything passes, nothing detaches. */
        assert_int_equal(detach_keys_parse("", &d), 0);
        assert_false(feed(&d, "\x10\x11", out, &n));
        assert_int_equal(n, 2);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_filter),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
