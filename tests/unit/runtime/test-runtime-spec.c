/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <linux/capability.h>

#include "runtime-spec.h"

#define DIGEST_HEX "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define GOOD                                                                                                \
        "{\"ociVersion\":\"1.0.2\","                                                                        \
        "\"process\":{\"args\":[\"sh\",\"-c\",\"echo "                                                      \
        "hi\"],\"env\":[\"PATH=/bin\",\"A=b=c\"],\"cwd\":\"/work\","                                        \
        "\"terminal\":false,\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5,6]},"                  \
        "\"noNewPrivileges\":true,\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\"],"             \
        "\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"],\"inheritable\":[],\"ambient\":[]}},"    \
        "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"box-1\","                          \
        "\"mounts\":[{\"destination\":\"/\",\"type\":\"overlay\",\"source\":\"overlay\","                   \
        "\"options\":[\"lowerdir=/l\",\"upperdir=upper\",\"workdir=work\"]},"                               \
        "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"                                \
        "{\"destination\":\"/etc/hosts\",\"source\":\"hosts\",\"options\":[\"rbind\",\"ro\"]}],"            \
        "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\"}],"       \
        "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\"],"                              \
        "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"       \
        "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}},"                  \
        "\"annotations\":{\"org.berth.user\":\"nobody\",\"org.berth.name\":\"web\",\"other\":\"x\","        \
        "\"org.berth.seccomp-digest\":\"sha256:" DIGEST_HEX "\"}}"

static void test_good(void **state) {
        RuntimeSpec *s = NULL;
        char *error = NULL;

        assert_int_equal(runtime_spec_parse(GOOD, strlen(GOOD), &s, &error), 0);
        assert_null(error);
        assert_string_equal(s->args[0], "sh");
        assert_string_equal(s->args[2], "echo hi");
        assert_null(s->args[3]);
        assert_string_equal(s->env[1], "A=b=c");
        assert_string_equal(s->cwd, "/work");
        assert_int_equal(s->uid, 1000);
        assert_int_equal(s->gid, 100);
        assert_int_equal(s->n_additional_gids, 2);
        assert_int_equal(s->additional_gids[1], 6);
        assert_string_equal(s->root_path, "rootfs");
        assert_true(s->root_readonly);
        assert_string_equal(s->hostname, "box-1");
        assert_int_equal(s->n_mounts, 3);
        assert_string_equal(s->mounts[0].type, "overlay");
        assert_string_equal(s->mounts[2].type, "bind"); /* implied by the options */
        assert_int_equal(s->namespace_flags, CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET);
        assert_string_equal(s->masked_paths[0], "/proc/kcore");
        assert_string_equal(s->readonly_paths[0], "/proc/sys");
        assert_string_equal(s->user_annotation, "nobody");
        assert_string_equal(s->name_annotation, "web");
        assert_true(s->no_new_privileges);
        assert_true(s->has_capabilities);
        assert_int_equal(s->capabilities.bounding, (1U << CAP_CHOWN) | (1U << CAP_KILL));
        assert_int_equal(s->capabilities.effective, 1U << CAP_KILL);
        assert_int_equal(s->capabilities.permitted, 1U << CAP_KILL);
        assert_int_equal(s->capabilities.inheritable, 0);
        assert_int_equal(s->capabilities.ambient, 0);
        assert_non_null(s->seccomp);
        assert_int_equal(s->seccomp->default_action, SECCOMP_ACTION_ERRNO);
        assert_int_equal(s->seccomp->n_rules, 1);
        assert_string_equal(s->seccomp->rules[0].names[1], "write");
        /* The compact text the cache compares. */
        assert_string_equal(
                s->seccomp_text,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        assert_string_equal(s->seccomp_digest_annotation, "sha256:" DIGEST_HEX);
        runtime_spec_free(s);
}

static void test_network_namespace_path(void **state) {
        const char *j = "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
                        "\"root\":{\"path\":\"/r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
                        "{\"type\":\"network\",\"path\":\"/run/berth/netns/abc\"}]}}";
        RuntimeSpec *s = NULL;

        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, NULL), 0);
        /* Joined, not created. */
        assert_int_equal(s->namespace_flags, CLONE_NEWPID);
        assert_string_equal(s->netns_path, "/run/berth/netns/abc");
        runtime_spec_free(s);
}

static void test_minimal(void **state) {
        const char *j = "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/"
                        "\"},\"root\":{\"path\":\"/r\"}}";
        RuntimeSpec *s = NULL;

        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, NULL), 0);
        assert_null(s->env);
        assert_int_equal(s->n_mounts, 0);
        assert_int_equal(s->namespace_flags, 0);
        assert_null(s->user_annotation);
        /* Without process.capabilities the process keeps the runtime's; no filter, no no_new_privs. */
        assert_false(s->has_capabilities);
        assert_false(s->no_new_privileges);
        assert_null(s->seccomp);
        assert_null(s->seccomp_digest_annotation);
        runtime_spec_free(s);
}

/* Replaces the first occurrence of "from" in GOOD by "to" and expects an error mentioning "what". */
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
        expect_bad("\"ociVersion\":\"1.0.2\",", "", "ociVersion: missing");
        expect_bad("\"1.0.2\"", "\"2.0\"", "ociVersion");
        expect_bad("\"cwd\":\"/work\"", "\"cwd\":\"work\"", "process.cwd");
        expect_bad("\"cwd\":\"/work\"", "\"cwd\":\"/a/../b\"", "process.cwd");
        expect_bad("\"cwd\":\"/work\",", "", "process.cwd: missing");
        expect_bad("\"cwd\":\"/work\"", "\"cwd\":5", "process.cwd: must be a string");
        expect_bad("[\"sh\",\"-c\",\"echo hi\"]", "[]", "process.args: no command");
        expect_bad("[\"sh\",\"-c\",\"echo hi\"]", "[\"\"]", "process.args: no command");
        expect_bad("[\"sh\",\"-c\",\"echo hi\"]", "\"sh\"", "process.args: must be an array");
        expect_bad("[\"sh\",\"-c\",\"echo hi\"]", "[\"sh\",7]", "process.args[1]");
        expect_bad("\"A=b=c\"", "\"=x\"", "process.env[1]");
        expect_bad("\"A=b=c\"", "\"NOEQUALS\"", "process.env[1]");
        expect_bad("\"terminal\":false", "\"terminal\":\"no\"", "process.terminal");
        expect_bad("\"uid\":1000", "\"uid\":-1", "process.user.uid");
        expect_bad("\"uid\":1000", "\"uid\":1.5", "process.user.uid");
        expect_bad("\"gid\":100", "\"gid\":\"100\"", "process.user.gid");
        expect_bad("[5,6]", "[5,\"x\"]", "additionalGids[1]");
        expect_bad("{\"type\":\"network\"}", "{\"type\":\"time\"}", "\"time\" is not supported");
        expect_bad("{\"type\":\"network\"}", "{\"type\":\"user\"}", "a user namespace needs both");
        expect_bad("{\"type\":\"network\"}", "{\"type\":\"bogus\"}", "linux.namespaces[2].type");
        /* Only a network namespace is joined (berth-network makes it), at an absolute path. */
        expect_bad("{\"type\":\"pid\"}", "{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}", "joining");
        expect_bad(
                "{\"type\":\"network\"}",
                "{\"type\":\"network\",\"path\":\"netns/x\"}",
                "linux.namespaces[2].path");
        expect_bad(
                "{\"type\":\"network\"}", "{\"type\":\"network\",\"path\":7}", "linux.namespaces[2].path");
        expect_bad("{\"type\":\"network\"}", "{}", "linux.namespaces[2].type: missing");
        expect_bad("\"destination\":\"/proc\"", "\"destination\":\"proc\"", "mounts[1].destination");
        expect_bad("\"destination\":\"/proc\"", "\"destination\":\"/../proc\"", "mounts[1].destination");
        expect_bad(
                "\"destination\":\"/proc\",\"type\":\"proc\"",
                "\"destination\":\"/\",\"type\":\"proc\"",
                "only an overlay");
        expect_bad("\"type\":\"proc\",", "", "mounts[1].type: missing");
        expect_bad("\"source\":\"hosts\",", "", "mounts[2].source");
        expect_bad("\"path\":\"rootfs\"", "\"path\":\"\"", "root.path");
        expect_bad("\"root\":{\"path\":\"rootfs\",\"readonly\":true},", "", "root: missing");
        expect_bad("\"box-1\"", "\"bad host\"", "hostname");
        expect_bad("[\"/proc/kcore\"]", "[\"proc/kcore\"]", "linux.maskedPaths[0]");
        expect_bad("[\"/proc/sys\"]", "[1]", "linux.readonlyPaths[0]");
        expect_bad("\"nobody\"", "\"\"", "org.berth.user");
        expect_bad("\"nobody\"", "5", "org.berth.user");
        expect_bad("\"other\"", "\"org.berth.run-dir\":\"run\",\"x\"", "org.berth.run-dir");
        expect_bad("\"other\"", "\"org.berth.open-stdin\":\"yes\",\"x\"", "org.berth.open-stdin");
        expect_bad("\"noNewPrivileges\":true", "\"noNewPrivileges\":1", "process.noNewPrivileges");
        expect_bad(
                "\"capabilities\":{",
                "\"capabilities\":[],\"x\":{",
                "process.capabilities: must be an object");
        expect_bad("\"CAP_CHOWN\"", "\"CAP_NOPE\"", "process.capabilities.bounding[0]: unknown capability");
        expect_bad("\"CAP_CHOWN\"", "\"cap_chown\"", "process.capabilities.bounding[0]");
        expect_bad("\"CAP_CHOWN\"", "\"CHOWN\"", "process.capabilities.bounding[0]");
        expect_bad("\"CAP_CHOWN\"", "\"12\"", "process.capabilities.bounding[0]");
        expect_bad(
                "\"effective\":[\"CAP_KILL\"]",
                "\"effective\":\"CAP_KILL\"",
                "process.capabilities.effective");
        expect_bad("\"ambient\":[]", "\"ambient\":[7]", "process.capabilities.ambient[0]: must be a string");
        expect_bad("\"seccomp\":{", "\"seccomp\":[],\"x\":{", "linux.seccomp: must be an object");
        expect_bad("\"SCMP_ACT_ERRNO\"", "\"SCMP_ACT_NOPE\"", "linux.seccomp.defaultAction: unknown action");
        expect_bad("\"SCMP_ARCH_X86_64\"", "\"x86_64\"", "linux.seccomp.architectures[0]");
        expect_bad("\"names\":[\"read\"", "\"names\":[\"READ\"", "linux.seccomp.syscalls[0].names[0]");
        /* Docker's own parts have no place in the OCI shape. */
        expect_bad(
                "\"action\":\"SCMP_ACT_ALLOW\"}",
                "\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{}}",
                "linux.seccomp.syscalls[0].includes: unknown key");
        expect_bad(
                "\"defaultAction\"",
                "\"archMap\":[],\"defaultAction\"",
                "linux.seccomp.archMap: unknown key");
        expect_bad(DIGEST_HEX "\"", "0123\"", "org.berth.seccomp-digest");
        expect_bad("\"sha256:", "\"md5:", "org.berth.seccomp-digest");
}

static void test_not_json(void **state) {
        char *error = NULL;
        RuntimeSpec *s = NULL;

        assert_int_equal(runtime_spec_parse("[1,2]", 5, &s, &error), -EINVAL);
        assert_string_equal(error, "config.json: not a JSON object");
        free(error);
        error = NULL;
        assert_int_equal(runtime_spec_parse("{\"ociVersion\":", 14, &s, &error), -EINVAL);
        free(error);
        error = NULL;
        {
                const char *j = "{\"ociVersion\":\"1.0.0\",\"process\":{\"args\":[\"true\"],\"cwd\":\"/\"},"
                                "\"root\":{\"path\":\"r\"},\"mounts\":{}}";
                assert_int_equal(runtime_spec_parse(j, strlen(j), &s, &error), -EINVAL);
                assert_string_equal(error, "mounts: must be an array");
                free(error);
        }
        /* No error requested: still refused. */
        assert_int_equal(runtime_spec_parse("{}", 2, &s, NULL), -EINVAL);
}

/* A minimal valid spec around the given process.args, serialized. */
static char *spec_with_args(cJSON *args) {
        cJSON *o = cJSON_CreateObject(), *process = cJSON_AddObjectToObject(o, "process");
        char *j;

        cJSON_AddStringToObject(o, "ociVersion", "1.0.2");
        cJSON_AddStringToObject(process, "cwd", "/");
        cJSON_AddItemToObject(process, "args", args);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "root"), "path", "r");
        j = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        assert_non_null(j);
        return j;
}

static void test_huge_args(void **state) {
        cJSON *args = cJSON_CreateArray();
        char *j, *long_arg, *error = NULL;
        RuntimeSpec *s = NULL;

        for (size_t i = 0; i < RUNTIME_SPEC_MAX_ARGS + 1; i++)
                cJSON_AddItemToArray(args, cJSON_CreateString("a"));
        j = spec_with_args(args);
        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, &error), -EINVAL);
        assert_non_null(strstr(error, "too many"));
        free(error);
        free(j);

        /* One argument longer than the kernel accepts. */
        long_arg = malloc(RUNTIME_SPEC_MAX_ARG_LEN + 3);
        assert_non_null(long_arg);
        memset(long_arg, 'x', RUNTIME_SPEC_MAX_ARG_LEN + 2);
        long_arg[RUNTIME_SPEC_MAX_ARG_LEN + 2] = 0;
        args = cJSON_CreateArray();
        cJSON_AddItemToArray(args, cJSON_CreateString(long_arg));
        free(long_arg);
        j = spec_with_args(args);
        error = NULL;
        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, &error), -EINVAL);
        assert_non_null(strstr(error, "too long"));
        free(error);
        free(j);

        /* The file itself is capped. */
        assert_int_equal(runtime_spec_parse("{}", RUNTIME_SPEC_MAX_SIZE + 1, &s, NULL), -EINVAL);
}

static void test_terminal_and_attach(void **state) {
        const char *j =
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\","
                "\"terminal\":true},\"root\":{\"path\":\"/r\"},\"annotations\":{"
                "\"org.berth.run-dir\":\"/run/berth/containers/abc\",\"org.berth.open-stdin\":\"true\"}}";
        RuntimeSpec *s = NULL;

        assert_int_equal(runtime_spec_parse(j, strlen(j), &s, NULL), 0);
        assert_true(s->terminal);
        assert_true(s->open_stdin);
        assert_string_equal(s->run_dir_annotation, "/run/berth/containers/abc");
        runtime_spec_free(s);

        /* Without them: no attach socket, no stdin of its own. */
        assert_int_equal(runtime_spec_parse(GOOD, strlen(GOOD), &s, NULL), 0);
        assert_false(s->terminal);
        assert_false(s->open_stdin);
        assert_null(s->run_dir_annotation);
        runtime_spec_free(s);
}

static void test_namespace_table(void **state) {
        assert_int_equal(namespace_flag_from_string("pid"), CLONE_NEWPID);
        assert_int_equal(namespace_flag_from_string("cgroup"), CLONE_NEWCGROUP);
        assert_int_equal(namespace_flag_from_string("ipc"), CLONE_NEWIPC);
        assert_int_equal(namespace_flag_from_string("uts"), CLONE_NEWUTS);
        assert_int_equal(namespace_flag_from_string("user"), CLONE_NEWUSER);
        assert_int_equal(namespace_flag_from_string("time"), 0);
        assert_int_equal(namespace_flag_from_string(""), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_good),
                cmocka_unit_test(test_minimal),
                cmocka_unit_test(test_network_namespace_path),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_not_json),
                cmocka_unit_test(test_huge_args),
                cmocka_unit_test(test_namespace_table),
                cmocka_unit_test(test_terminal_and_attach),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
