/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "macro.h"
#include "oom-kill.h"

static void test_count_parse(void **state) {
        uint64_t n = 0;

        /* v1's memory.oom_control and v2's memory.events. */
        assert_int_equal(oom_kill_count_parse("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", &n), 0);
        assert_int_equal(n, 3);
        assert_int_equal(
                oom_kill_count_parse("low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n", &n), 0);
        assert_int_equal(n, 1);
        assert_int_equal(oom_kill_count_parse("oom_kill 0", &n), 0);
        assert_int_equal(n, 0);

        assert_int_equal(oom_kill_count_parse("oom_kill_disable 0\nunder_oom 0\n", &n), -ENODATA);
        assert_int_equal(oom_kill_count_parse("oom_kill x\n", &n), -ENODATA);
        assert_int_equal(oom_kill_count_parse("oom_kill 1 2\n", &n), -ENODATA);
        assert_int_equal(oom_kill_count_parse("", &n), -ENODATA);
}

static void test_memory_dir_parse(void **state) {
        _cleanup_free_ char *dir = NULL;
        bool v1 = false;

        /* ExecStopPost= of a delegated unit on a hybrid layout: name=systemd and 0:: in .control, memory
         * not. */
        assert_int_equal(
                cgroup_memory_dir_parse(
                        "9:name=systemd:/berth.slice/berth-a.service/.control\n"
                        "8:pids:/berth.slice/berth-a.service\n"
                        "4:memory:/berth.slice/berth-a.service\n"
                        "2:cpu,cpuacct:/berth.slice/berth-a.service\n"
                        "0::/berth.slice/berth-a.service/.control\n",
                        &dir,
                        &v1),
                0);
        assert_string_equal(dir, "/sys/fs/cgroup/memory/berth.slice/berth-a.service");
        assert_true(v1);
        free(dir);
        dir = NULL;

        /* Pure v2: the unit's cgroup, without .control. */
        assert_int_equal(
                cgroup_memory_dir_parse("0::/berth.slice/berth-a.service/.control\n", &dir, &v1), 0);
        assert_string_equal(dir, "/sys/fs/cgroup/berth.slice/berth-a.service");
        assert_false(v1);
        free(dir);
        dir = NULL;
        assert_int_equal(cgroup_memory_dir_parse("0::/berth.slice/berth-a.service", &dir, &v1), 0);
        assert_string_equal(dir, "/sys/fs/cgroup/berth.slice/berth-a.service");
        free(dir);
        dir = NULL;

        /* memory in a joined list; "memoryx" is not it. */
        assert_int_equal(cgroup_memory_dir_parse("3:memoryx:/a\n4:cpu,memory:/b\n", &dir, &v1), 0);
        assert_string_equal(dir, "/sys/fs/cgroup/memory/b");
        free(dir);
        dir = NULL;

        assert_int_equal(cgroup_memory_dir_parse("5:pids:/a\n", &dir, &v1), -ENODATA);
        assert_int_equal(cgroup_memory_dir_parse("", &dir, &v1), -ENODATA);
        assert_int_equal(cgroup_memory_dir_parse("garbage\n4:memory\n::\n", &dir, &v1), -ENODATA);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_count_parse),
                cmocka_unit_test(test_memory_dir_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
