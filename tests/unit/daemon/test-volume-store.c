/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fileio.h"
#include "strv.h"
#include "volume-store.h"

#define STRV_MAKE(...) ((char *[]){__VA_ARGS__, NULL})

static char *state_dir;

static int setup(void **state) {
        if (asprintf(&state_dir, "%s/test-volume-store-XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0 ||
            !mkdtemp(state_dir))
                return -1;
        return 0;
}

static int teardown(void **state) {
        (void)rm_rf(state_dir);
        free(state_dir);
        return 0;
}

static void test_create_get_list_remove(void **state) {
        _cleanup_(volume_freep) Volume *v = NULL, *again = NULL, *got = NULL;
        _cleanup_free_ char *path = NULL, *random_name = NULL;
        char *error = NULL;
        Volume **l = NULL;
        struct stat st;

        assert_int_equal(volume_create(state_dir, "zeta", STRV_MAKE("tier", "db"), NULL, &v, &error), 1);
        assert_null(error);
        assert_string_equal(v->name, "zeta");
        assert_true(asprintf(&path, "%s/volumes/zeta/_data", state_dir) > 0);
        assert_string_equal(v->mountpoint, path);
        assert_int_equal(stat(path, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(volume_is_empty(v), 1);
        assert_string_equal(volume_label(v, "tier"), "db");
        assert_false(volume_is_anonymous(v));
        assert_true(v->created_at > 0);

        /* Again: the same volume, unchanged, and 0 says it existed. */
        assert_int_equal(volume_create(state_dir, "zeta", NULL, NULL, &again, &error), 0);
        assert_string_equal(volume_label(again, "tier"), "db");
        assert_int_equal(again->created_at, v->created_at);

        assert_int_equal(
                volume_create(
                        state_dir,
                        "alpha",
                        STRV_MAKE(VOLUME_LABEL_ANONYMOUS, ""),
                        STRV_MAKE("type", "tmpfs", "device", "tmpfs", "o", "size=1m"),
                        &got,
                        NULL),
                1);
        volume_free(got);
        got = NULL;
        assert_int_equal(volume_get(state_dir, "alpha", &got), 0);
        assert_true(volume_is_anonymous(got));
        assert_string_equal(volume_bind_source(got), got->mountpoint);
        assert_int_equal(strv_length(got->options), 6);

        /* A directory without volume.json is a leftover, not a volume. */
        free(path);
        assert_true(asprintf(&path, "%s/volumes/leftover/_data", state_dir) > 0);
        assert_int_equal(mkdir_p(path, 0755), 0);

        assert_int_equal(volume_list(state_dir, &l), 0);
        assert_non_null(l[0]);
        assert_string_equal(l[0]->name, "alpha");
        assert_string_equal(l[1]->name, "zeta");
        assert_null(l[2]);
        volume_list_free(l);

        assert_int_equal(volume_get(state_dir, "leftover", &got), -ENOENT);
        assert_int_equal(volume_collect_leftovers(state_dir), 0);
        assert_int_equal(access(path, F_OK), -1);
        volume_free(got);
        assert_int_equal(volume_get(state_dir, "alpha", &got), 0);
        volume_free(got);
        got = NULL;
        assert_int_equal(volume_get(state_dir, "nosuch", &got), -ENOENT);
        assert_int_equal(volume_get(state_dir, "../etc", &got), -ENOENT);

        assert_int_equal(volume_remove(state_dir, "zeta"), 0);
        assert_int_equal(volume_get(state_dir, "zeta", &got), -ENOENT);
        assert_int_equal(volume_remove(state_dir, "zeta"), -ENOENT);

        assert_int_equal(volume_name_random(&random_name), 0);
        assert_int_equal(strlen(random_name), 64);
        assert_int_equal(strspn(random_name, "0123456789abcdef"), 64);
}

static void test_bad_names_and_options(void **state) {
        Volume *v = NULL;
        char *error = NULL;

        assert_int_equal(volume_create(state_dir, "a/b", NULL, NULL, &v, &error), -EINVAL);
        assert_string_equal(
                error,
                "create a/b: \"a/b\" includes invalid characters for a local volume name, only "
                "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use "
                "absolute path");
        free(error), error = NULL;
        assert_int_equal(volume_create(state_dir, "..", NULL, NULL, &v, &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(volume_create(state_dir, "ok", NULL, STRV_MAKE("size", "1g"), &v, &error), -EINVAL);
        assert_string_equal(error, "invalid option key: \"size\"");
        free(error), error = NULL;
        assert_int_equal(volume_create(state_dir, "ok", STRV_MAKE("odd"), NULL, &v, &error), -EINVAL);
        free(error);
        assert_int_equal(volume_get(state_dir, "ok", &v), -ENOENT);
}

/* A file in the volume, as a copy-up half done would leave. */
static void put_file(const Volume *v, const char *name) {
        _cleanup_free_ char *path = NULL;

        assert_true(asprintf(&path, "%s/%s", v->mountpoint, name) > 0);
        assert_int_equal(write_string_file_atomic(path, "copied"), 0);
}

static void test_copy_up_marker(void **state) {
        _cleanup_(volume_freep) Volume *made = NULL, *old = NULL, *done = NULL, *after = NULL;
        _cleanup_free_ char *sub = NULL;
        char *error = NULL;

        assert_int_equal(volume_create(state_dir, "made", NULL, NULL, &made, &error), 1);
        assert_int_equal(volume_create(state_dir, "old", NULL, NULL, &old, &error), 1);
        assert_int_equal(volume_create(state_dir, "done", NULL, NULL, &done, &error), 1);
        assert_int_equal(volume_copy_up_running(state_dir, "made"), 0);
        assert_int_equal(volume_copy_up_running(state_dir, "no-such"), 0);
        assert_int_equal(volume_copy_up_running(state_dir, "../x"), 0);

        assert_int_equal(volume_copy_up_begin(state_dir, "made", true), 0);
        assert_int_equal(volume_copy_up_begin(state_dir, "old", false), 0);
        assert_int_equal(volume_copy_up_begin(state_dir, "done", false), 0);
        assert_int_equal(volume_copy_up_running(state_dir, "made"), 1);
        assert_int_equal(volume_copy_up_running(state_dir, "old"), 1);
        put_file(made, "a");
        put_file(old, "a");
        assert_true(asprintf(&sub, "%s/sub", old->mountpoint) > 0);
        assert_int_equal(mkdir(sub, 0700), 0);
        put_file(done, "a");

        /* A finished copy keeps its content. */
        assert_int_equal(volume_copy_up_end(state_dir, "done"), 0);
        assert_int_equal(volume_copy_up_running(state_dir, "done"), 0);
        assert_int_equal(volume_copy_up_end(state_dir, "done"), 0);

        /* A crash mid-copy: the next start removes the volume the create made and empties the other. */
        assert_int_equal(volume_collect_leftovers(state_dir), 0);
        assert_int_equal(volume_get(state_dir, "made", &after), -ENOENT);
        assert_int_equal(volume_get(state_dir, "old", &after), 0);
        assert_int_equal(volume_is_empty(after), 1);
        assert_int_equal(volume_copy_up_running(state_dir, "old"), 0);
        assert_int_equal(volume_is_empty(done), 0);

        /* Undoing what is not marked does nothing. */
        assert_int_equal(volume_copy_up_undo(state_dir, "done"), 0);
        assert_int_equal(volume_is_empty(done), 0);
        assert_int_equal(volume_remove(state_dir, "old"), 0);
        assert_int_equal(volume_remove(state_dir, "done"), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_create_get_list_remove),
                cmocka_unit_test(test_bad_names_and_options),
                cmocka_unit_test(test_copy_up_marker),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
