/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "seccomp-profile.h"

#define DOCKER                                                                                              \
        "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"                                      \
        "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},"    \
        "{\"architecture\":\"SCMP_ARCH_RISCV64\",\"subArchitectures\":null}],"                              \
        "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"                                                          \
        "\"syscalls\":["                                                                                    \
        "{\"names\":[\"read\",\"_llseek\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"x\"},"               \
        "{\"name\":\"socket\",\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":40,"           \
        "\"op\":\"SCMP_CMP_NE\"}]},"                                                                        \
        "{\"names\":[\"clone\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":2114060288," \
        "\"valueTwo\":0,\"op\":\"SCMP_CMP_MASKED_EQ\"}],\"excludes\":{\"caps\":[\"CAP_SYS_ADMIN\"],"        \
        "\"arches\":[\"s390x\"]}},"                                                                         \
        "{\"names\":[\"clone3\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38},"                           \
        "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4.8\","        \
        "\"caps\":[\"CAP_SYS_PTRACE\"],\"arches\":[\"amd64\"]}}]}"

static void test_docker(void **state) {
        SeccompProfile *p = NULL;
        char *error = NULL;

        assert_int_equal(
                seccomp_profile_parse_text(DOCKER, strlen(DOCKER), SECCOMP_PROFILE_DOCKER, &p, &error), 0);
        assert_null(error);
        assert_int_equal(p->default_action, SECCOMP_ACTION_ERRNO);
        assert_true(p->has_default_errno_ret);
        assert_int_equal(p->default_errno_ret, 1);
        assert_null(p->architectures);
        assert_int_equal(p->n_arch_map, 2);
        assert_string_equal(p->arch_map[0].arch, "SCMP_ARCH_X86_64");
        assert_string_equal(p->arch_map[0].sub_arches[0], "SCMP_ARCH_X86");
        assert_null(p->arch_map[1].sub_arches);
        assert_int_equal(p->flags, SECCOMP_FLAG_LOG);
        assert_int_equal(p->n_rules, 5);

        assert_string_equal(p->rules[0].names[1], "_llseek");
        assert_int_equal(p->rules[0].action, SECCOMP_ACTION_ALLOW);
        assert_false(p->rules[0].has_errno_ret);
        /* "name" is the older single form. */
        assert_string_equal(p->rules[1].names[0], "socket");
        assert_null(p->rules[1].names[1]);
        assert_int_equal(p->rules[1].n_args, 1);
        assert_int_equal(p->rules[1].args[0].op, SECCOMP_OP_NE);
        assert_int_equal(p->rules[1].args[0].value, 40);
        assert_int_equal(p->rules[2].args[0].op, SECCOMP_OP_MASKED_EQ);
        assert_int_equal(p->rules[2].args[0].value, 2114060288);
        assert_string_equal(p->rules[2].excludes.caps[0], "CAP_SYS_ADMIN");
        assert_string_equal(p->rules[2].excludes.arches[0], "s390x");
        assert_true(p->rules[3].has_errno_ret);
        assert_int_equal(p->rules[3].errno_ret, 38);
        assert_true(p->rules[4].includes.has_min_kernel);
        assert_int_equal(p->rules[4].includes.min_kernel_major, 4);
        assert_int_equal(p->rules[4].includes.min_kernel_minor, 8);
        assert_string_equal(p->rules[4].includes.arches[0], "amd64");
        seccomp_profile_free(p);
}

/* Resolved profiles go to config.json and come back through the OCI parser unchanged. */
static void test_oci_round_trip(void **state) {
        const char *oci =
                "{\"defaultAction\":\"SCMP_ACT_KILL_PROCESS\",\"architectures\":[\"SCMP_ARCH_X86_64\","
                "\"SCMP_ARCH_X32\"],\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\",\"SECCOMP_FILTER_FLAG_SPEC_"
                "ALLOW\"],"
                "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"},{\"names\":["
                "\"personality\"],"
                "\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":4294967295,\"valueTwo\":0,"
                "\"op\":\"SCMP_CMP_EQ\"}]},{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\","
                "\"errnoRet\":13},"
                "{\"names\":[\"uname\"],\"action\":\"SCMP_ACT_TRACE\",\"errnoRet\":5},"
                "{\"names\":[\"getpid\"],\"action\":\"SCMP_ACT_LOG\"},{\"names\":[\"kill\"],"
                "\"action\":\"SCMP_ACT_TRAP\"},{\"names\":[\"tkill\"],\"action\":\"SCMP_ACT_KILL_THREAD\"},"
                "{\"names\":[\"tgkill\"],\"action\":\"SCMP_ACT_KILL\"}]}";
        SeccompProfile *p = NULL, *again = NULL;
        cJSON *j = NULL;
        char *text;

        assert_int_equal(seccomp_profile_parse_text(oci, strlen(oci), SECCOMP_PROFILE_OCI, &p, NULL), 0);
        assert_int_equal(p->flags, SECCOMP_FLAG_LOG | SECCOMP_FLAG_SPEC_ALLOW);
        assert_int_equal(p->rules[1].args[0].value, 4294967295ULL);
        assert_int_equal(seccomp_profile_to_oci_json(p, &j), 0);
        text = cJSON_PrintUnformatted(j);
        assert_string_equal(text, oci);
        assert_int_equal(seccomp_profile_parse(j, SECCOMP_PROFILE_OCI, &again, NULL), 0);
        assert_int_equal(again->n_rules, p->n_rules);
        free(text);
        cJSON_Delete(j);
        seccomp_profile_free(p);
        seccomp_profile_free(again);
}

static void expect_bad(SeccompProfileFormat format, const char *json, const char *what) {
        SeccompProfile *p = NULL;
        char *error = NULL;

        assert_int_equal(seccomp_profile_parse_text(json, strlen(json), format, &p, &error), -EINVAL);
        assert_null(p);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("%s: error \"%s\" does not mention \"%s\"", json, error, what);
        free(error);
}

#define RULE(x) "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[" x "]}"

static void test_bad(void **state) {
        const SeccompProfileFormat D = SECCOMP_PROFILE_DOCKER, O = SECCOMP_PROFILE_OCI;

        expect_bad(D, "[]", "not a JSON object");
        expect_bad(D, "{\"defaultAction\":", "not valid JSON");
        expect_bad(D, "{}", "defaultAction: missing");
        expect_bad(D, "{\"defaultAction\":7}", "defaultAction: must be a string");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_DENY\"}",
                "defaultAction: unknown action \"SCMP_ACT_DENY\"");
        expect_bad(D, "{\"defaultAction\":\"SCMP_ACT_NOTIFY\"}", "SCMP_ACT_NOTIFY is not supported");
        expect_bad(
                D, "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"defaultErrnoRet\":1}", "defaultErrnoRet: only");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":-1}",
                "defaultErrnoRet: must be");
        expect_bad(D, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":4096}", "defaultErrnoRet");
        expect_bad(D, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1.5}", "defaultErrnoRet");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"listenerPath\":\"/x\"}",
                "listenerPath: unknown key");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                "architectures[0]: invalid value");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":\"SCMP_ARCH_X86\"}",
                "architectures");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86\"],\"archMap\":"
                "[{\"architecture\":\"SCMP_ARCH_X86_64\"}]}",
                "use either");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"architecture\":\"x86\"}]}",
                "archMap[0].architecture");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[{\"arch\":\"x86\"}]}",
                "archMap[0].arch: unknown key");
        expect_bad(
                D,
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"flags\":[\"SECCOMP_FILTER_FLAG_NEW_LISTENER\"]}",
                "flags[0]: unsupported flag");
        expect_bad(
                D, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":{}}", "syscalls: must be an array");
        expect_bad(D, RULE("7"), "syscalls[0]: must be an object");
        expect_bad(D, RULE("{\"action\":\"SCMP_ACT_ALLOW\"}"), "syscalls[0].names: missing");
        expect_bad(D, RULE("{\"names\":[\"read\"]}"), "syscalls[0].action: missing");
        expect_bad(D, RULE("{\"names\":[],\"action\":\"SCMP_ACT_ALLOW\"}"), "syscalls[0].names: missing");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"name\":\"write\",\"action\":\"SCMP_ACT_ALLOW\"}"),
                "use either \"name\" or \"names\"");
        expect_bad(
                D, RULE("{\"names\":[\"Read\"],\"action\":\"SCMP_ACT_ALLOW\"}"), "names[0]: invalid value");
        expect_bad(D, RULE("{\"names\":[\"re ad\"],\"action\":\"SCMP_ACT_ALLOW\"}"), "names[0]");
        expect_bad(D, RULE("{\"names\":[\"\"],\"action\":\"SCMP_ACT_ALLOW\"}"), "names[0]");
        expect_bad(D, RULE("{\"names\":[5],\"action\":\"SCMP_ACT_ALLOW\"}"), "names[0]: must be a string");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"errnoRet\":1}"),
                "errnoRet: only");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"nmaes\":[]}"),
                "syscalls[0].nmaes: unknown key");
        expect_bad(D, RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":1}"), "comment");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":{}}"),
                "args: must be an array");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[1]}"),
                "syscalls[0].args[0]: must be an object");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":6,\"value\":"
                     "0,"
                     "\"op\":\"SCMP_CMP_EQ\"}]}"),
                "args[0].index: must be an integer 0…5");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":-"
                     "1,"
                     "\"op\":\"SCMP_CMP_EQ\"}]}"),
                "args[0].value");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,"
                     "\"value\":18446744073709551615,\"op\":\"SCMP_CMP_EQ\"}]}"),
                "args[0].value: must be an integer 0…2^53");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
                     "1,"
                     "\"valueTwo\":\"2\",\"op\":\"SCMP_CMP_EQ\"}]}"),
                "args[0].valueTwo");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
                     "1,"
                     "\"op\":\"SCMP_CMP_SAME\"}]}"),
                "args[0].op: unknown operator \"SCMP_CMP_SAME\"");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
                     "1}]}"),
                "args[0].op: must be a string");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{\"index\":0,\"value\":"
                     "1,"
                     "\"op\":\"SCMP_CMP_EQ\",\"mask\":3}]}"),
                "args[0].mask: unknown key");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"args\":[{},{},{},{},{},{},{}]}"),
                "args: more than 6 entries");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":[]}"),
                "includes: must be an object");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4\"}"
                     "}"),
                "includes.minKernel");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"minKernel\":\"4."
                     "8x\"}}"),
                "includes.minKernel");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"a "
                     "b\"]}}"),
                "excludes.caps[0]");
        expect_bad(
                D,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"kernel\":1}}"),
                "excludes.kernel: unknown key");

        /* Docker's parts are refused in the OCI shape. */
        expect_bad(O, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"archMap\":[]}", "archMap: unknown key");
        expect_bad(O, RULE("{\"name\":\"read\",\"action\":\"SCMP_ACT_ALLOW\"}"), "name: unknown key");
        expect_bad(
                O,
                RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"comment\":\"x\"}"),
                "comment");
        expect_bad(
                O, RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{}}"), "includes");
        expect_bad(
                O, RULE("{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{}}"), "excludes");
}

static void test_limits(void **state) {
        SeccompProfile *p = NULL;
        char *error = NULL, *big;
        size_t n = SECCOMP_PROFILE_MAX_NAMES + 1, k = 0;

        /* One name too many in a rule. */
        big = malloc(n * 8 + 128);
        assert_non_null(big);
        k += (size_t)sprintf(big, "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[");
        for (size_t i = 0; i < n; i++)
                k += (size_t)sprintf(big + k, "%s\"read\"", i ? "," : "");
        sprintf(big + k, "],\"action\":\"SCMP_ACT_ALLOW\"}]}");
        assert_int_equal(
                seccomp_profile_parse_text(big, strlen(big), SECCOMP_PROFILE_DOCKER, &p, &error), -EINVAL);
        assert_non_null(strstr(error, "more than"));
        free(error);
        free(big);

        /* The text itself is capped. */
        error = NULL;
        assert_int_equal(
                seccomp_profile_parse_text(
                        "{}", SECCOMP_PROFILE_MAX_SIZE + 1, SECCOMP_PROFILE_DOCKER, &p, &error),
                -EINVAL);
        assert_non_null(strstr(error, "larger than"));
        free(error);
}

static void test_names(void **state) {
        assert_string_equal(seccomp_action_to_string(SECCOMP_ACTION_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS");
        assert_null(seccomp_action_to_string(_SECCOMP_ACTION_MAX));
        assert_string_equal(seccomp_operator_to_string(SECCOMP_OP_MASKED_EQ), "SCMP_CMP_MASKED_EQ");
        assert_null(seccomp_operator_to_string(_SECCOMP_OP_MAX));
        assert_string_equal(seccomp_arch_to_libseccomp_name("SCMP_ARCH_X86_64"), "x86_64");
        assert_string_equal(seccomp_arch_to_libseccomp_name("SCMP_ARCH_MIPSEL64N32"), "mipsel64n32");
        assert_null(seccomp_arch_to_libseccomp_name("x86_64"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_docker),
                cmocka_unit_test(test_oci_round_trip),
                cmocka_unit_test(test_bad),
                cmocka_unit_test(test_limits),
                cmocka_unit_test(test_names),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
