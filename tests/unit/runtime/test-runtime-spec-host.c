/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "mount-setup.h"
#include "runtime-spec.h"
#include "user-spec.h"

#define HOST_SPEC                                                                                           \
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\","                         \
        "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":1024,\"hard\":2048},"                            \
        "{\"type\":\"RLIMIT_CORE\",\"soft\":1.8446744073709552e+19,\"hard\":1.8446744073709552e+19}]},"     \
        "\"root\":{\"path\":\"rootfs\"},"                                                                   \
        "\"linux\":{\"namespaces\":[{\"type\":\"network\"},{\"type\":\"ipc\"}],"                            \
        "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.shmmni\":\"100\"},"                             \
        "\"devices\":[{\"path\":\"/dev/net/tun\",\"type\":\"c\",\"major\":10,\"minor\":200,"                \
        "\"fileMode\":432,\"uid\":0,\"gid\":5}],"                                                           \
        "\"readonlyPaths\":[\"/proc/sys\"]},"                                                               \
        "\"annotations\":{\"org.berth.init\":\"true\",\"org.berth.group-add\":\"users,1234\"}}"

static void test_good(void **state) {
        RuntimeSpec *s = NULL;
        char *error = NULL;

        assert_int_equal(runtime_spec_parse(HOST_SPEC, strlen(HOST_SPEC), &s, &error), 0);
        assert_null(error);
        assert_int_equal(s->n_rlimits, 2);
        assert_int_equal(s->rlimits[0].resource, RLIMIT_NOFILE);
        assert_int_equal(s->rlimits[0].soft, 1024);
        assert_int_equal(s->rlimits[0].hard, 2048);
        assert_true(s->rlimits[1].soft == RLIM_INFINITY && s->rlimits[1].hard == RLIM_INFINITY);
        assert_int_equal(s->n_sysctls, 2);
        assert_string_equal(s->sysctls[0].path, "/proc/sys/net/ipv4/ip_forward");
        assert_string_equal(s->sysctls[0].value, "1");
        assert_int_equal(s->n_devices, 1);
        assert_string_equal(s->devices[0].path, "/dev/net/tun");
        assert_int_equal(s->devices[0].mode, S_IFCHR | 0660);
        assert_int_equal(s->devices[0].major, 10);
        assert_int_equal(s->devices[0].minor, 200);
        assert_int_equal(s->devices[0].gid, 5);
        assert_true(s->init);
        assert_string_equal(s->group_add_annotation[0], "users");
        assert_string_equal(s->group_add_annotation[1], "1234");
        assert_null(s->group_add_annotation[2]);
        runtime_spec_free(s);
}

static void expect_bad(const char *from, const char *to, const char *what) {
        char buf[8192], *error = NULL;
        const char *p = strstr(HOST_SPEC, from);
        RuntimeSpec *s = NULL;

        assert_non_null(p);
        snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - HOST_SPEC), HOST_SPEC, to, p + strlen(from));
        assert_int_equal(runtime_spec_parse(buf, strlen(buf), &s, &error), -EINVAL);
        assert_null(s);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("error \"%s\" does not mention \"%s\"", error, what);
        free(error);
}

static void test_bad(void **state) {
        expect_bad("\"RLIMIT_NOFILE\"", "\"nofile\"", "process.rlimits[0].type");
        expect_bad("\"RLIMIT_CORE\"", "\"RLIMIT_NOFILE\"", "process.rlimits[1].type: given twice");
        expect_bad("\"soft\":1024", "\"soft\":4096", "process.rlimits[0]: soft above hard");
        expect_bad("\"soft\":1024", "\"soft\":-1", "process.rlimits[0].soft");
        expect_bad("\"soft\":1024", "\"soft\":1.5", "process.rlimits[0].soft");
        expect_bad("\"soft\":1024", "\"soft\":\"1\"", "process.rlimits[0].soft");
        expect_bad("\"hard\":2048", "\"hard\":1e300", "process.rlimits[0].hard");
        expect_bad("\"rlimits\":[", "\"rlimits\":\"x\",\"y\":[", "process.rlimits: must be an array");
        expect_bad("\"net.ipv4.ip_forward\"", "\"kernel.panic\"", "not a namespaced sysctl");
        expect_bad("\"net.ipv4.ip_forward\"", "\"net.a/../../x\"", "not a namespaced sysctl");
        expect_bad("\"net.ipv4.ip_forward\":\"1\"", "\"net.ipv4.ip_forward\":1", "one-line string");
        expect_bad("\"net.ipv4.ip_forward\":\"1\"", "\"net.ipv4.ip_forward\":\"1\\n2\"", "one-line string");
        expect_bad("\"sysctl\":{", "\"sysctl\":[],\"x\":{", "linux.sysctl: must be an object");
        expect_bad(
                "{\"type\":\"network\"},",
                "",
                "\"net.ipv4.ip_forward\" is not allowed in the host's network namespace");
        expect_bad(
                ",{\"type\":\"ipc\"}", "", "\"kernel.shmmni\" is not allowed in the host's IPC namespace");
        expect_bad("\"/dev/net/tun\"", "\"/etc/shadow\"", "linux.devices[0].path");
        expect_bad("\"/dev/net/tun\"", "\"/dev/../etc/x\"", "linux.devices[0].path");
        expect_bad("\"type\":\"c\"", "\"type\":\"p\"", "linux.devices[0].type");
        expect_bad("\"major\":10", "\"major\":-1", "linux.devices[0]");
        expect_bad("\"fileMode\":432", "\"fileMode\":70000", "linux.devices[0]");
        expect_bad("\"true\",\"org.berth.group-add\"", "\"yes\",\"org.berth.group-add\"", "org.berth.init");
        expect_bad("\"users,1234\"", "\"a:b\"", "org.berth.group-add");
}

static void test_plan(void **state) {
        RuntimeSpec *s = NULL;
        MountPlan p = {};
        size_t devices = 0, sysctl = 0, readonly = 0;

        assert_int_equal(runtime_spec_parse(HOST_SPEC, strlen(HOST_SPEC), &s, NULL), 0);
        assert_int_equal(mount_plan_build(s, &p), 0);
        for (size_t i = 0; i < p.n_ops; i++)
                switch (p.ops[i].type) {
                case MOUNT_OP_DEVICE:
                        devices = i;
                        assert_ptr_equal(p.ops[i].device, &s->devices[0]);
                        break;
                case MOUNT_OP_SYSCTL:
                        sysctl = sysctl ?: i;
                        break;
                case MOUNT_OP_READONLY:
                        readonly = i;
                        break;
                default:
                        break;
                }
        /* The nodes after the standard /dev, the sysctls before /proc/sys goes read-only. */
        assert_true(devices > 0 && sysctl > devices && readonly > sysctl);
        mount_plan_done(&p);
        runtime_spec_free(s);
}

static void test_group_add(void **state) {
        const char *group = "root:x:0:\nusers:x:100:berthuser\nwheel:x:10:\n";
        char *groups[] = {"users", "4321", "wheel", NULL}, *unknown[] = {"nogroup", NULL};
        UserCreds c = {.n_groups = 1, .groups = {7}};
        char *error = NULL;

        assert_int_equal(user_add_groups(groups, group, &c, NULL), 0);
        assert_int_equal(c.n_groups, 4);
        assert_int_equal(c.groups[0], 7);
        assert_int_equal(c.groups[1], 100);
        assert_int_equal(c.groups[2], 4321);
        assert_int_equal(c.groups[3], 10);
        assert_int_equal(user_add_groups(unknown, group, &c, &error), -ESRCH);
        assert_string_equal(error, "Unable to find group nogroup: no matching entries in group file");
        free(error);
        assert_int_equal(user_add_groups(groups, NULL, &c, NULL), -ESRCH);
        assert_int_equal(user_add_groups(NULL, NULL, &c, NULL), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_plan),
                cmocka_unit_test(test_group_add),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
