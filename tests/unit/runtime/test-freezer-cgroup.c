/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "freezer-cgroup.h"
#include "macro.h"

static void test_hybrid(void **state) {
        _cleanup_free_ char *unit = NULL, *freezer = NULL;

        assert_int_equal(
                cgroup_paths_parse(
                        "12:freezer:/\n"
                        "11:cpu,cpuacct:/berth.slice/berth-web.service\n"
                        "1:name=systemd:/berth.slice/berth-web.service\n"
                        "0::/berth.slice/berth-web.service\n",
                        &unit,
                        &freezer),
                0);
        assert_string_equal(unit, "/berth.slice/berth-web.service");
        assert_string_equal(freezer, "/");
}

static void test_control_subgroup(void **state) {
        _cleanup_free_ char *unit = NULL, *freezer = NULL;

        /* ExecStopPost= of a delegated unit: in its .control subgroup, whose parent is the unit's. */
        assert_int_equal(
                cgroup_paths_parse(
                        "12:freezer:/berth.slice/berth-web.service\n"
                        "1:name=systemd:/berth.slice/berth-web.service/.control\n"
                        "0::/berth.slice/berth-web.service/.control\n",
                        &unit,
                        &freezer),
                0);
        assert_string_equal(unit, "/berth.slice/berth-web.service");
        assert_string_equal(freezer, "/berth.slice/berth-web.service");
}

static void test_unified_only(void **state) {
        _cleanup_free_ char *unit = NULL, *freezer = NULL;

        assert_int_equal(cgroup_paths_parse("0::/berth.slice/berth-x.service\n", &unit, &freezer), 0);
        assert_string_equal(unit, "/berth.slice/berth-x.service");
        assert_null(freezer);
}

static void test_garbage(void **state) {
        _cleanup_free_ char *unit = NULL, *freezer = NULL;

        /* Lines without a path, "freezerx" (not the freezer) and a last line without a newline. */
        assert_int_equal(
                cgroup_paths_parse("bogus\n3:freezerx:/a\n2:\n4:devices,freezer:/f", &unit, &freezer), 0);
        assert_null(unit);
        assert_string_equal(freezer, "/f");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hybrid),
                cmocka_unit_test(test_control_subgroup),
                cmocka_unit_test(test_unified_only),
                cmocka_unit_test(test_garbage),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
