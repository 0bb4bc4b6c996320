/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "line-buffer.h"

typedef struct Collected {
        char out[3 * LINE_BUFFER_MAX + 256];
        size_t n;
        unsigned records;
} Collected;

static int collect(const char *record, size_t size, void *userdata) {
        Collected *c = userdata;

        assert_true(c->n + size < sizeof(c->out));
        memcpy(c->out + c->n, record, size);
        c->n += size;
        c->out[c->n] = 0;
        c->records++;
        return 0;
}

/* Feeds the chunks one by one, then flushes. */
static void feed_all(LineBuffer *b, Collected *c, const char *const *chunks) {
        for (size_t i = 0; chunks[i]; i++)
                assert_int_equal(line_buffer_feed(b, chunks[i], strlen(chunks[i]), collect, c), 0);
        assert_int_equal(line_buffer_flush(b, collect, c), 0);
}

static void test_whole_lines(void **state) {
        static LineBuffer b;
        static Collected c;

        line_buffer_init(&b, LOG_INFO);
        feed_all(&b, &c, (const char *const[]){"hello\nworld\n", NULL});
        assert_string_equal(c.out, "<6>hello\n<6>world\n");
        assert_int_equal(c.records, 2);
}

static void test_partial_lines(void **state) {
        static LineBuffer b;
        static Collected c;

        line_buffer_init(&b, LOG_ERR);
        feed_all(&b, &c, (const char *const[]){"he", "l", "lo\nwo", "rld", NULL});
        /* The unterminated tail comes out at flush. */
        assert_string_equal(c.out, "<3>hello\n<3>world\n");
        assert_int_equal(c.records, 2);
}

static void test_empty_lines_and_cr(void **state) {
        static LineBuffer b;
        static Collected c;

        line_buffer_init(&b, LOG_INFO);
        feed_all(&b, &c, (const char *const[]){"\n\na\r\nb\r", "\nc\rd\n", NULL});
        /* "\r\n" ends a line like "\n"; a lone CR inside a line stays. */
        assert_string_equal(c.out, "<6>\n<6>\n<6>a\n<6>b\n<6>c\rd\n");
        assert_int_equal(c.records, 5);
}

static void test_long_line(void **state) {
        static LineBuffer b;
        static Collected c;
        static char big[LINE_BUFFER_MAX * 2 + 11];

        memset(big, 'x', sizeof(big) - 2);
        big[sizeof(big) - 2] = '\n';
        big[sizeof(big) - 1] = 0;

        line_buffer_init(&b, LOG_INFO);
        /* In two pieces, to cut across the chunk boundary too. */
        assert_int_equal(line_buffer_feed(&b, big, 100, collect, &c), 0);
        assert_int_equal(line_buffer_feed(&b, big + 100, strlen(big) - 100, collect, &c), 0);
        assert_int_equal(line_buffer_flush(&b, collect, &c), 0);

        assert_int_equal(c.records, 3);
        assert_int_equal(c.n, 3 * 4 + sizeof(big) - 2);
        assert_memory_equal(c.out, "<6>xxx", 6);
        assert_int_equal(c.out[3 + LINE_BUFFER_MAX], '\n');
        assert_memory_equal(c.out + 4 + LINE_BUFFER_MAX, "<6>x", 4);
        assert_string_equal(c.out + 2 * (4 + LINE_BUFFER_MAX), "<6>xxxxxxxxx\n");
}

static void test_flush_empty(void **state) {
        static LineBuffer b;
        static Collected c;

        line_buffer_init(&b, LOG_INFO);
        assert_int_equal(line_buffer_flush(&b, collect, &c), 0);
        assert_int_equal(c.records, 0);
}

static int fail_record(const char *record, size_t size, void *userdata) {
        return -EPIPE;
}

static void test_callback_error(void **state) {
        static LineBuffer b;

        line_buffer_init(&b, LOG_INFO);
        assert_int_equal(line_buffer_feed(&b, "a\n", 2, fail_record, NULL), -EPIPE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_whole_lines),
                cmocka_unit_test(test_partial_lines),
                cmocka_unit_test(test_empty_lines_and_cr),
                cmocka_unit_test(test_long_line),
                cmocka_unit_test(test_flush_empty),
                cmocka_unit_test(test_callback_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
