/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "macro.h"
#include "seccomp-cache.h"

#define DIGEST "sha256:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define FILE_NAME "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define TEXT "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"

static char dir[] = "/tmp/test-seccomp-cache-XXXXXX";

static int setup(void **state) {
        return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
        return rm_rf(dir);
}

static SeccompProgram program(void) {
        SeccompProgram p = {.len = 3, .flags = 4};

        p.filter = calloc(3, sizeof(struct sock_filter));
        assert_non_null(p.filter);
        for (unsigned i = 0; i < 3; i++)
                p.filter[i] = (struct sock_filter){.code = (unsigned short)(i + 1), .k = 0x7fff0000U + i};
        return p;
}

static void test_round_trip(void **state) {
        char sub[sizeof(dir) + 16];
        SeccompProgram p = program(), q = {};

        snprintf(sub, sizeof(sub), "%s/seccomp", dir);
        /* Nothing cached yet, and no directory: a miss. */
        assert_int_equal(seccomp_cache_load(sub, DIGEST, TEXT, &q), 0);
        assert_int_equal(seccomp_cache_store(sub, DIGEST, TEXT, &p), 0);
        assert_int_equal(seccomp_cache_load(sub, DIGEST, TEXT, &q), 1);
        assert_int_equal(q.len, 3);
        assert_int_equal(q.flags, 4);
        assert_memory_equal(q.filter, p.filter, 3 * sizeof(struct sock_filter));
        seccomp_program_done(&q);

        /* The name finds the file, but only the same text uses the program. */
        assert_int_equal(seccomp_cache_load(sub, DIGEST, "{\"defaultAction\":\"SCMP_ACT_KILL\"}", &q), 0);
        assert_int_equal(seccomp_cache_load(sub, DIGEST, TEXT " ", &q), 0);
        assert_null(q.filter);
        seccomp_program_done(&p);
}

static void test_damaged(void **state) {
        _cleanup_close_ int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        SeccompProgram p = program(), q = {};
        char *data = NULL;
        size_t size;

        assert_true(dir_fd >= 0);
        assert_int_equal(seccomp_cache_store(dir, DIGEST, TEXT, &p), 0);
        assert_int_equal(read_full_file_at(dir_fd, FILE_NAME, 1 << 20, &data, &size), 0);

        /* Cut short, or with a program length that does not match the file: a miss. */
        assert_int_equal(write_file_atomic_at(dir_fd, FILE_NAME, data, size - 1, 0600), 0);
        assert_int_equal(seccomp_cache_load(dir, DIGEST, TEXT, &q), 0);
        data[12] = 9;
        assert_int_equal(write_file_atomic_at(dir_fd, FILE_NAME, data, size, 0600), 0);
        assert_int_equal(seccomp_cache_load(dir, DIGEST, TEXT, &q), 0);
        data[0] = 'X';
        assert_int_equal(write_file_atomic_at(dir_fd, FILE_NAME, data, 8, 0600), 0);
        assert_int_equal(seccomp_cache_load(dir, DIGEST, TEXT, &q), 0);
        assert_null(q.filter);

        /* Names are digests only: nothing else reaches the file system. */
        assert_int_equal(seccomp_cache_load(dir, "sha256:../../etc/passwd", TEXT, &q), -EINVAL);
        assert_int_equal(seccomp_cache_store(dir, "md5:00", TEXT, &p), -EINVAL);
        assert_int_equal(
                seccomp_cache_load(
                        dir,
                        "sha256:00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff",
                        TEXT,
                        &q),
                -EINVAL);
        free(data);
        seccomp_program_done(&p);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_round_trip),
                cmocka_unit_test(test_damaged),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
