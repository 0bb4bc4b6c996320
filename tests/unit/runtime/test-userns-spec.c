/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "macro.h"
#include "mount-setup.h"
#include "runtime-spec.h"

#define GOOD                                                                                                \
        "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"                          \
        "\"root\":{\"path\":\"rootfs\"},"                                                                   \
        "\"mounts\":[{\"destination\":\"/\",\"type\":\"overlay\",\"source\":\"overlay\","                   \
        "\"options\":[\"lowerdir=/l2:/l1\",\"upperdir=/b/upper\",\"workdir=/b/work\",\"idmap\"]},"          \
        "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"                                \
        "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\",\"options\":[\"ro\"]},"          \
        "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/b/"                                \
        "hosts\",\"options\":[\"rbind\",\"idmap\"]},"                                                       \
        "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/v\",\"options\":[\"rbind\"]}"           \
        "],\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\"},"      \
        "{\"type\":\"user\"}],"                                                                             \
        "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000000,\"size\":65536}],"                          \
        "\"gidMappings\":[{\"containerID\":0,\"hostID\":2000000,\"size\":1000},"                            \
        "{\"containerID\":1000,\"hostID\":3000000,\"size\":10}]}}"

static RuntimeSpec *parse_good(const char *text) {
        RuntimeSpec *s = NULL;
        char *error = NULL;

        if (runtime_spec_parse(text, strlen(text), &s, &error) < 0)
                fail_msg("%s", error);
        return s;
}

static void test_good(void **state) {
        RuntimeSpec *s = parse_good(GOOD);
        char *text = NULL;

        assert_true(s->namespace_flags & CLONE_NEWUSER);
        assert_int_equal(s->uid_map.n, 1);
        assert_int_equal(s->uid_map.entries[0].host_id, 1000000);
        assert_int_equal(s->uid_map.entries[0].size, 65536);
        assert_int_equal(s->gid_map.n, 2);
        assert_int_equal(s->gid_map.entries[1].container_id, 1000);

        assert_int_equal(id_map_format(&s->gid_map, &text), 0);
        assert_string_equal(text, "0 2000000 1000\n1000 3000000 10\n");
        free(text);
        runtime_spec_free(s);
}

/* Where the steps of a user namespace go: the standard devices and proc/sysfs before the pivot, the switch
 * to the namespace's root right after it, "/" and (without a network namespace of its own) sysfs from the
 * parent. */
static void test_plan(void **state) {
        RuntimeSpec *s = parse_good(GOOD);
        MountPlan p = {};
        size_t pivot = 0, from_parent = 0;

        assert_int_equal(mount_plan_build(s, &p), 0);
        assert_true(p.userns);
        for (size_t i = 0; i < p.n_ops; i++)
                if (p.ops[i].type == MOUNT_OP_PIVOT_ROOT)
                        pivot = i;
        assert_int_equal(p.ops[pivot + 1].type, MOUNT_OP_BECOME_ROOT);
        assert_true(mount_plan_rootfs(&p)->from_parent);
        assert_true(mount_plan_rootfs(&p)->options.idmap);
        for (size_t i = 0; i < p.n_ops; i++) {
                const MountOp *op = &p.ops[i];
                from_parent += op->from_parent;
                if (op->type == MOUNT_OP_MOUNT &&
                    (streq(op->fstype, "proc") || streq(op->fstype, "sysfs"))) {
                        assert_true(i < pivot);
                        assert_string_equal(op->root, "rootfs");
                        assert_false(op->from_parent); /* the container has its own network namespace */
                }
                if (op->type == MOUNT_OP_BIND_PREPARE && streq(op->source, "/dev/null"))
                        assert_true(i < pivot);
                /* Binds with "idmap" come from the parent, the others the child clones itself. */
                if (op->type == MOUNT_OP_BIND_PREPARE && streq(op->source, "/b/hosts"))
                        assert_true(op->from_parent);
                if (op->type == MOUNT_OP_BIND_PREPARE && streq(op->source, "/v"))
                        assert_false(op->from_parent);
        }
        assert_int_equal(from_parent, 2);
        mount_plan_done(&p);
        runtime_spec_free(s);
}

static void test_plan_host_network(void **state) {
        char buf[4096];
        const char *net = "{\"type\":\"network\"},";
        const char *at = strstr(GOOD, net);
        RuntimeSpec *s;
        MountPlan p = {};

        snprintf(buf, sizeof(buf), "%.*s%s", (int)(at - GOOD), GOOD, at + strlen(net));
        s = parse_good(buf);
        assert_int_equal(mount_plan_build(s, &p), 0);
        for (size_t i = 0; i < p.n_ops; i++)
                if (p.ops[i].type == MOUNT_OP_MOUNT && streq(p.ops[i].fstype, "sysfs"))
                        assert_true(p.ops[i].from_parent);
        mount_plan_done(&p);
        runtime_spec_free(s);
}

/* Without a user namespace nothing of this is in the plan. */
static void test_plan_without(void **state) {
        char buf[4096];
        const char *from = ",{\"type\":\"user\"}", *at = strstr(GOOD, from);
        RuntimeSpec *s;
        MountPlan p = {};
        char *cut;

        snprintf(buf, sizeof(buf), "%.*s%s", (int)(at - GOOD), GOOD, at + strlen(from));
        /* …and without mappings and idmap. */
        cut = strstr(buf, ",\"uidMappings\"");
        strcpy(cut, "}}");
        while ((cut = strstr(buf, ",\"idmap\"")))
                memmove(cut, cut + strlen(",\"idmap\""), strlen(cut + strlen(",\"idmap\"")) + 1);
        s = parse_good(buf);
        assert_int_equal(mount_plan_build(s, &p), 0);
        assert_false(p.userns);
        for (size_t i = 0; i < p.n_ops; i++) {
                assert_int_not_equal(p.ops[i].type, MOUNT_OP_BECOME_ROOT);
                assert_false(p.ops[i].from_parent);
                assert_null(p.ops[i].root);
        }
        mount_plan_done(&p);
        runtime_spec_free(s);
}

static void expect_bad(const char *from, const char *to, const char *what) {
        char buf[8192], *error = NULL;
        const char *p = strstr(GOOD, from);
        RuntimeSpec *s = NULL;

        assert_non_null(p);
        snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(p - GOOD), GOOD, to, p + strlen(from));
        assert_int_equal(runtime_spec_parse(buf, strlen(buf), &s, &error), -EINVAL);
        assert_null(s);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("error \"%s\" does not mention \"%s\"", error, what);
        free(error);
}

static void test_bad(void **state) {
        const char *uid = "[{\"containerID\":0,\"hostID\":1000000,\"size\":65536}]";

        expect_bad(",{\"type\":\"user\"}", "", "only with a \"user\" namespace");
        expect_bad("\"uidMappings\":", "\"uidMappingz\":", "a user namespace needs both");
        expect_bad(uid, "[]", "linux.uidMappings: 1…340 entries");
        expect_bad(uid, "{}", "linux.uidMappings: must be an array");
        expect_bad(uid, "[5]", "linux.uidMappings[0]: must be");
        expect_bad(uid, "[{\"containerID\":0,\"hostID\":1000000}]", "linux.uidMappings[0]: must be");
        expect_bad(uid, "[{\"containerID\":0,\"hostID\":-1,\"size\":1}]", "linux.uidMappings[0]: must be");
        expect_bad(uid, "[{\"containerID\":0,\"hostID\":1.5,\"size\":1}]", "linux.uidMappings[0]: must be");
        expect_bad(
                uid, "[{\"containerID\":0,\"hostID\":\"1\",\"size\":1}]", "linux.uidMappings[0]: must be");
        expect_bad(uid, "[{\"containerID\":0,\"hostID\":1,\"size\":0}]", "size 0 or past the last id");
        expect_bad(uid, "[{\"containerID\":0,\"hostID\":4294967295,\"size\":1}]", "past the last id");
        expect_bad(uid, "[{\"containerID\":4294967000,\"hostID\":1,\"size\":1000}]", "past the last id");
        expect_bad(uid, "[{\"containerID\":1,\"hostID\":1000000,\"size\":10}]", "must map container id 0");
        expect_bad(
                uid,
                "[{\"containerID\":0,\"hostID\":100,\"size\":10},{\"containerID\":5,\"hostID\":200,\"size\":"
                "1}]",
                "linux.uidMappings[1]: overlaps entry 0");
        expect_bad(
                uid,
                "[{\"containerID\":0,\"hostID\":100,\"size\":10},{\"containerID\":50,\"hostID\":109,"
                "\"size\":1}]",
                "linux.uidMappings[1]: overlaps entry 0");
        expect_bad(
                "\"options\":[\"ro\"]",
                "\"options\":[\"ro\",\"idmap\"]",
                "\"idmap\" is supported on the \"/\" overlay and bind mounts only");
}

static void test_bad_idmap_without_userns(void **state) {
        const char *text =
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                "\"root\":{\"path\":\"rootfs\"},\"mounts\":[{\"destination\":\"/\",\"type\":\"overlay\","
                "\"options\":[\"lowerdir=/l\",\"idmap\"]}],\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}";
        RuntimeSpec *s = NULL;
        char *error = NULL;

        assert_int_equal(runtime_spec_parse(text, strlen(text), &s, &error), -EINVAL);
        assert_non_null(strstr(error, "\"idmap\" needs a \"user\" namespace"));
        free(error);
}

static void test_too_many(void **state) {
        char *text = malloc(64 * 1024), *p;
        RuntimeSpec *s = NULL;
        char *error = NULL;

        assert_non_null(text);
        p = text + sprintf(text,
                           "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\"},"
                           "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"namespaces\":[{\"type\":\"user\"}],"
                           "\"uidMappings\":[");
        for (unsigned i = 0; i <= RUNTIME_SPEC_MAX_ID_MAPPINGS; i++)
                p += sprintf(
                        p, "%s{\"containerID\":%u,\"hostID\":%u,\"size\":1}", i ? "," : "", i, 1000 + i);
        strcpy(p, "]}}");
        assert_int_equal(runtime_spec_parse(text, strlen(text), &s, &error), -EINVAL);
        assert_non_null(strstr(error, "1…340 entries"));
        free(error);
        free(text);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_plan),
                cmocka_unit_test(test_plan_host_network),
                cmocka_unit_test(test_plan_without),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_bad_idmap_without_userns),
                cmocka_unit_test(test_too_many),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
