/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "macro.h"

#include <cmocka.h>

#include "mount-setup.h"

static void test_options(void **state) {
        char *opts[] = {
                "nosuid", "ro", "rbind", "mode=755", "rprivate", "size=65536k", "noexec", "exec", NULL};
        MountOptions o;

        assert_int_equal(mount_options_parse(opts, &o), 0);
        assert_int_equal(o.flags, MS_NOSUID | MS_RDONLY);
        assert_true(o.bind);
        assert_true(o.recursive);
        assert_int_equal(o.propagation, MS_PRIVATE | MS_REC);
        assert_string_equal(o.data, "mode=755,size=65536k");
        assert_int_equal(mount_options_attr(o.flags), MOUNT_ATTR_NOSUID | MOUNT_ATTR_RDONLY);
        mount_options_done(&o);

        assert_int_equal(mount_options_parse(NULL, &o), 0);
        assert_int_equal(o.flags, 0);
        assert_int_equal(o.propagation, 0);
        assert_null(o.data);
        assert_false(o.bind);

        char *rw[] = {"ro", "rw", "bind", NULL};
        assert_int_equal(mount_options_parse(rw, &o), 0);
        assert_int_equal(o.flags, 0);
        assert_true(o.bind);
        assert_false(o.recursive);
}

static void test_propagation_options(void **state) {
        static const struct {
                const char *option;
                unsigned long propagation;
        } cases[] = {
                {"private", MS_PRIVATE},
                {"rprivate", MS_PRIVATE | MS_REC},
                {"shared", MS_SHARED},
                {"rshared", MS_SHARED | MS_REC},
                {"slave", MS_SLAVE},
                {"rslave", MS_SLAVE | MS_REC},
                {"unbindable", MS_UNBINDABLE},
                {"runbindable", MS_UNBINDABLE | MS_REC},
        };
        MountOptions o;

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char *opts[] = {"rbind", (char *)cases[i].option, "rw", NULL};

                assert_int_equal(mount_options_parse(opts, &o), 0);
                assert_int_equal(o.propagation, cases[i].propagation);
                assert_int_equal(o.flags, 0);
                assert_null(o.data); /* never handed to the filesystem */
                mount_options_done(&o);
        }

        /* The last one wins, as with mount(8). */
        char *twice[] = {"rshared", "slave", NULL};
        assert_int_equal(mount_options_parse(twice, &o), 0);
        assert_int_equal(o.propagation, MS_SLAVE);
        mount_options_done(&o);
}

static const char spec_json[] =
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
        "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"hosts\",\"options\":[\"bind\"]},"
        "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"mode=755\"]},"
        "{\"destination\":\"/\",\"type\":\"overlay\",\"source\":\"overlay\",\"options\":[\"lowerdir=/l\"]},"
        "{\"destination\":\"/etc/"
        "resolv.conf\",\"type\":\"bind\",\"source\":\"resolv.conf\",\"options\":[\"bind\",\"ro\"]}],"
        "\"linux\":{\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"]}}";

static void test_plan_order(void **state) {
        static const MountOpType expected[] = {
                MOUNT_OP_BIND_PREPARE,
                MOUNT_OP_BIND_PREPARE,
                MOUNT_OP_MAKE_PRIVATE,
                MOUNT_OP_ROOTFS,
                MOUNT_OP_PIVOT_ROOT,
                MOUNT_OP_MOUNT,
                MOUNT_OP_BIND_ATTACH,
                MOUNT_OP_MOUNT,
                MOUNT_OP_BIND_ATTACH,
                MOUNT_OP_DEVICES,
                MOUNT_OP_MASK,
                MOUNT_OP_READONLY,
                MOUNT_OP_WORKDIR,
                MOUNT_OP_ROOT_READONLY,
        };
        RuntimeSpec *s = NULL;
        MountPlan p = {};

        assert_int_equal(runtime_spec_parse(spec_json, strlen(spec_json), &s, NULL), 0);
        assert_int_equal(mount_plan_build(s, &p), 0);
        assert_int_equal(p.n_ops, ELEMENTSOF(expected));
        for (size_t i = 0; i < p.n_ops; i++)
                if (p.ops[i].type != expected[i])
                        fail_msg(
                                "op %zu is %s, expected %s",
                                i,
                                mount_op_type_to_string(p.ops[i].type),
                                mount_op_type_to_string(expected[i]));

        /* Binds are cloned before "/" turns private, so that they can keep the host's propagation. The "/"
         * overlay is the rootfs, mounted first onto root.path, wherever it was listed. */
        assert_string_equal(p.ops[3].target, "rootfs");
        assert_string_equal(p.ops[3].fstype, "overlay");
        assert_string_equal(p.ops[3].options.data, "lowerdir=/l");
        /* Mounts keep their order; each bind attaches the tree prepared for it. */
        assert_string_equal(p.ops[5].target, "/proc");
        assert_string_equal(p.ops[6].target, "/etc/hosts");
        assert_int_equal(p.ops[6].tree, p.ops[0].tree);
        assert_string_equal(p.ops[8].target, "/etc/resolv.conf");
        assert_int_equal(p.ops[8].tree, p.ops[1].tree);
        assert_true(p.ops[1].options.flags & MS_RDONLY);
        assert_string_equal(p.ops[7].options.data, "mode=755");
        assert_int_equal(p.n_trees, 2);

        mount_plan_done(&p);
        runtime_spec_free(s);
}

static void test_plan_without_overlay(void **state) {
        const char *j = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/"
                        "\"},\"root\":{\"path\":\"/r\"}}";
        RuntimeSpec *s = NULL;
        MountPlan p = {};

        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, NULL), 0);
        assert_int_equal(mount_plan_build(s, &p), 0);
        assert_int_equal(p.n_ops, 5);
        assert_int_equal(p.ops[1].type, MOUNT_OP_ROOTFS);
        assert_null(p.ops[1].fstype); /* a self-bind, pivot_root() needs a mount point */
        assert_int_equal(p.ops[2].type, MOUNT_OP_PIVOT_ROOT);
        assert_int_equal(p.ops[3].type, MOUNT_OP_DEVICES);
        assert_int_equal(p.ops[4].type, MOUNT_OP_WORKDIR);
        assert_string_equal(p.ops[4].target, "/");
        mount_plan_done(&p);
        runtime_spec_free(s);
}

/* The index of the first op of type t, or n_ops. */
static size_t op_index(const MountPlan *p, MountOpType t) {
        size_t i = 0;

        while (i < p->n_ops && p->ops[i].type != t)
                i++;
        return i;
}

/* The container's cgroups are mounted over its /sys, in its cgroup namespace only. */
static void test_plan_cgroups(void **state) {
        static const char *const namespaces[] = {
                "[{\"type\":\"mount\"},{\"type\":\"cgroup\"}]", "[{\"type\":\"mount\"}]"};

        for (size_t i = 0; i < ELEMENTSOF(namespaces); i++) {
                _cleanup_free_ char *j = NULL;
                RuntimeSpec *s = NULL;
                MountPlan p = {};
                size_t cgroups;

                assert_true(
                        asprintf(
                                &j,
                                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
                                "\"root\":{\"path\":\"/r\"},\"mounts\":[{\"destination\":\"/sys\","
                                "\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]}],"
                                "\"linux\":{\"namespaces\":%s}}",
                                namespaces[i]) > 0);
                assert_int_equal(runtime_spec_parse(j, strlen(j), &s, NULL), 0);
                assert_int_equal(mount_plan_build(s, &p), 0);
                cgroups = op_index(&p, MOUNT_OP_CGROUPS);
                if (i == 0) {
                        assert_true(cgroups < p.n_ops);
                        assert_string_equal(p.ops[cgroups - 1].target, "/sys");
                        assert_int_equal(p.ops[cgroups + 1].type, MOUNT_OP_DEVICES);
                } else
                        assert_int_equal(cgroups, p.n_ops);
                mount_plan_done(&p);
                runtime_spec_free(s);
        }
}

static void test_op_names(void **state) {
        for (int t = 0; t < _MOUNT_OP_MAX; t++)
                assert_non_null(mount_op_type_to_string(t));
        assert_null(mount_op_type_to_string(_MOUNT_OP_MAX));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_options),
                cmocka_unit_test(test_propagation_options),
                cmocka_unit_test(test_plan_order),
                cmocka_unit_test(test_plan_without_overlay),
                cmocka_unit_test(test_plan_cgroups),
                cmocka_unit_test(test_op_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
