/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "macro.h"

static int count_entries(int dir_fd) {
        DIR *d = fdopendir(dup(dir_fd));
        struct dirent *e;
        int n = 0;

        assert_non_null(d);
        rewinddir(d); /* the duplicate shares dir_fd's offset */
        while ((e = readdir(d)))
                if (!streq(e->d_name, ".") && !streq(e->d_name, ".."))
                        n++;
        closedir(d);
        return n;
}

/* Both writers replace the file whole, with the mode asked for, and leave no temporary file behind. */
static void test_write_replace(void **state) {
        char dir[] = "/tmp/test-fileio-XXXXXX";
        _cleanup_close_ int dir_fd = -EBADF;
        _cleanup_free_ char *text = NULL;
        struct stat st;

        assert_non_null(mkdtemp(dir));
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(dir_fd >= 0);

        assert_int_equal(write_file_atomic_at(dir_fd, "hosts", "a longer first content\n", 23, 0600), 0);
        assert_int_equal(write_file_replace_at(dir_fd, "hosts", "second\n", 7, 0644), 0);
        assert_int_equal(read_full_file_at(dir_fd, "hosts", 1024, &text, NULL), 0);
        assert_string_equal(text, "second\n");
        assert_int_equal(fstatat(dir_fd, "hosts", &st, 0), 0);
        assert_int_equal(st.st_mode & 07777, 0644);
        assert_int_equal(count_entries(dir_fd), 1);

        /* A directory that is not there: an error, and nothing made. */
        assert_int_equal(write_file_replace_at(dir_fd, "missing/hosts", "x", 1, 0644), -ENOENT);
        assert_int_equal(count_entries(dir_fd), 1);

        assert_int_equal(unlinkat(dir_fd, "hosts", 0), 0);
        assert_int_equal(rmdir(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_write_replace),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
