/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "user-spec.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# comment\n"
                             "broken line\n"
                             "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                             "www:x:33:33:www:/var/www:/bin/sh\n"
                             "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
static const char group[] = "root:x:0:\n"
                            "adm:x:4:www,daemon\n"
                            "www:x:33:\n"
                            "staff:x:50:www\n"
                            "nogroup:x:65534:\n";

static void test_split(void **state) {
        char *u = NULL, *g = NULL;

        assert_int_equal(user_spec_split("www", &u, &g), 0);
        assert_string_equal(u, "www");
        assert_null(g);
        free(u);
        assert_int_equal(user_spec_split("1:2", &u, &g), 0);
        assert_string_equal(u, "1");
        assert_string_equal(g, "2");
        free(u);
        free(g);
        assert_int_equal(user_spec_split("", &u, &g), -EINVAL);
        assert_int_equal(user_spec_split(":1", &u, &g), -EINVAL);
        assert_int_equal(user_spec_split("1:", &u, &g), -EINVAL);
        assert_int_equal(user_spec_split("1:2:3", &u, &g), -EINVAL);
}

static void test_by_name(void **state) {
        UserCreds c;

        assert_int_equal(user_resolve("www", passwd, group, &c, NULL), 0);
        assert_int_equal(c.uid, 33);
        assert_int_equal(c.gid, 33);
        assert_string_equal(c.home, "/var/www");
        /* Supplementary groups: those listing the user. */
        assert_int_equal(c.n_groups, 2);
        assert_int_equal(c.groups[0], 4);
        assert_int_equal(c.groups[1], 50);
        user_creds_done(&c);

        assert_int_equal(user_resolve("nobody", passwd, group, &c, NULL), 0);
        assert_int_equal(c.uid, 65534);
        assert_int_equal(c.gid, 65534);
        assert_int_equal(c.n_groups, 0);
        user_creds_done(&c);
}

static void test_numeric(void **state) {
        UserCreds c;

        /* A uid with an entry takes its gid and home. */
        assert_int_equal(user_resolve("33", passwd, group, &c, NULL), 0);
        assert_int_equal(c.uid, 33);
        assert_int_equal(c.gid, 33);
        assert_string_equal(c.home, "/var/www");
        user_creds_done(&c);

        /* Without an entry: gid 0, no home, and no account files needed at all. */
        assert_int_equal(user_resolve("1000", NULL, NULL, &c, NULL), 0);
        assert_int_equal(c.uid, 1000);
        assert_int_equal(c.gid, 0);
        assert_null(c.home);

        assert_int_equal(user_resolve("1000:1001", NULL, NULL, &c, NULL), 0);
        assert_int_equal(c.uid, 1000);
        assert_int_equal(c.gid, 1001);
        assert_int_equal(c.n_groups, 0);
}

static void test_with_group(void **state) {
        UserCreds c;

        assert_int_equal(user_resolve("www:staff", passwd, group, &c, NULL), 0);
        assert_int_equal(c.uid, 33);
        assert_int_equal(c.gid, 50);
        assert_int_equal(c.n_groups, 0); /* an explicit group replaces the supplementary ones */
        user_creds_done(&c);

        assert_int_equal(user_resolve("0:adm", passwd, group, &c, NULL), 0);
        assert_int_equal(c.uid, 0);
        assert_int_equal(c.gid, 4);
        user_creds_done(&c);
}

static void test_errors(void **state) {
        UserCreds c;
        char *error = NULL;

        assert_int_equal(user_resolve("bob", passwd, group, &c, &error), -ESRCH);
        assert_string_equal(error, "unable to find user bob: no matching entries in passwd file");
        free(error);
        error = NULL;

        assert_int_equal(user_resolve("www:wheel", passwd, group, &c, &error), -ESRCH);
        assert_string_equal(error, "unable to find group wheel: no matching entries in group file");
        free(error);
        error = NULL;

        assert_int_equal(user_resolve("bob", NULL, NULL, &c, &error), -ESRCH);
        free(error);
        error = NULL;

        assert_int_equal(user_resolve("a:b:c", passwd, group, &c, &error), -ESRCH);
        assert_string_equal(error, "invalid user specification \"a:b:c\"");
        free(error);

        /* A uid out of range is a name, and there is no such name. */
        assert_int_equal(user_resolve("4294967295", passwd, group, &c, NULL), -ESRCH);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_split),
                cmocka_unit_test(test_by_name),
                cmocka_unit_test(test_numeric),
                cmocka_unit_test(test_with_group),
                cmocka_unit_test(test_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
