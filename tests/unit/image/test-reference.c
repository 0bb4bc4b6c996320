/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "reference.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const struct {
        const char *input;
        const char *normalized; /* NULL: refused */
        const char *familiar;
} table[] = {
        {"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
        {"library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"index.docker.io/library/busybox:1", "docker.io/library/busybox:1", "busybox:1"},
        {"user/app:v1", "docker.io/user/app:v1", "user/app:v1"},
        {"registry:5000/path/app:tag", "registry:5000/path/app:tag", "registry:5000/path/app:tag"},
        {"registry:5000/path/app", "registry:5000/path/app:latest", "registry:5000/path/app:latest"},
        {"localhost/x", "localhost/x:latest", "localhost/x:latest"},
        {"quay.io/a/b/c:1.0-rc_1", "quay.io/a/b/c:1.0-rc_1", "quay.io/a/b/c:1.0-rc_1"},
        {"my-app__x.y", "docker.io/library/my-app__x.y:latest", "my-app__x.y:latest"},
        {"registry", "docker.io/library/registry:latest", "registry:latest"},
        {"registry:5000", "docker.io/library/registry:5000", "registry:5000"},
        {"name@sha256:" HEX64, "docker.io/library/name@sha256:" HEX64, "name@sha256:" HEX64},
        {"name:tag@sha256:" HEX64, "docker.io/library/name:tag@sha256:" HEX64, "name:tag@sha256:" HEX64},
        {"UPPER", NULL, NULL},
        {"user/UPPER", NULL, NULL},
        {"a b", NULL, NULL},
        {"x:", NULL, NULL},
        {"x:a/b", NULL, NULL},
        {"x:ta!g", NULL, NULL},
        {"x:-tag", NULL, NULL},
        {":tag", NULL, NULL},
        {"", NULL, NULL},
        {"/x", NULL, NULL},
        {"x/", NULL, NULL},
        {"x//y", NULL, NULL},
        {"-x", NULL, NULL},
        {"x-", NULL, NULL},
        {"x..y", NULL, NULL},
        {"x___y", NULL, NULL},
        {"host:port/x", NULL, NULL},
        {"name@sha256:0123", NULL, NULL},
        {"name@md5:" HEX64, NULL, NULL},
        {"name@", NULL, NULL},
        {HEX64, NULL, NULL},
};

static void test_table(void **state) {
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
                char *n = NULL, *f = NULL;
                int r = reference_normalize(table[i].input, &n);

                if (!table[i].normalized) {
                        if (r != -EINVAL)
                                fail_msg(
                                        "\"%s\" should be refused, got %d (%s)",
                                        table[i].input,
                                        r,
                                        r >= 0 ? n : "");
                        continue;
                }
                if (r < 0)
                        fail_msg("\"%s\" refused: %d", table[i].input, r);
                assert_string_equal(n, table[i].normalized);
                assert_int_equal(reference_familiar(n, &f), 0);
                assert_string_equal(f, table[i].familiar);
                free(n);
                free(f);
        }
}

static void test_length(void **state) {
        char name[301], *n = NULL;

        memset(name, 'a', sizeof(name) - 1);
        name[300] = 0;
        assert_int_equal(reference_normalize(name, &n), -EINVAL);
        /* 255 in total, counting "docker.io/library/". */
        name[255 - 18] = 0;
        assert_int_equal(reference_normalize(name, &n), 0);
        free(n);
        name[255 - 18] = 'a';
        name[256 - 18] = 0;
        assert_int_equal(reference_normalize(name, &n), -EINVAL);

        /* 128 characters of tag are fine, 129 are not. */
        char tagged[2 + 130];
        memcpy(tagged, "x:", 2);
        memset(tagged + 2, 't', 128);
        tagged[130] = 0;
        assert_int_equal(reference_normalize(tagged, &n), 0);
        free(n);
        tagged[130] = 't';
        tagged[131] = 0;
        assert_int_equal(reference_normalize(tagged, &n), -EINVAL);
}

static void test_split(void **state) {
        char *repo = NULL, *tag = NULL, *digest = NULL;

        assert_int_equal(reference_split("registry:5000/path/app:tag", &repo, &tag, &digest), 0);
        assert_string_equal(repo, "registry:5000/path/app");
        assert_string_equal(tag, "tag");
        assert_null(digest);
        free(repo);
        free(tag);

        assert_int_equal(reference_split("docker.io/library/name@sha256:" HEX64, &repo, &tag, &digest), 0);
        assert_string_equal(repo, "docker.io/library/name");
        assert_null(tag);
        assert_string_equal(digest, "sha256:" HEX64);
        free(repo);
        free(digest);

        assert_int_equal(reference_split("localhost:5000/x:1@sha256:" HEX64, &repo, &tag, NULL), 0);
        assert_string_equal(repo, "localhost:5000/x");
        assert_string_equal(tag, "1");
        free(repo);
        free(tag);
}

static void test_repo_digest(void **state) {
        const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        char in[256], want[256], *out = NULL;

        snprintf(in, sizeof(in), "busybox@%s", d);
        snprintf(want, sizeof(want), "docker.io/library/busybox@%s", d);
        assert_int_equal(reference_repo_digest(in, &out), 0);
        assert_string_equal(out, want);
        free(out);

        /* A tag beside the digest names nothing more. */
        snprintf(in, sizeof(in), "127.0.0.1:5000/app:v1@%s", d);
        snprintf(want, sizeof(want), "127.0.0.1:5000/app@%s", d);
        assert_int_equal(reference_repo_digest(in, &out), 0);
        assert_string_equal(out, want);
        free(out);

        assert_int_equal(reference_repo_digest("busybox:latest", &out), -EINVAL);
        assert_int_equal(reference_repo_digest("busybox@sha256:12", &out), -EINVAL);
        assert_int_equal(reference_repo_digest("", &out), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_length),
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_repo_digest),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
