/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "container-security.h"
#include "seccomp-resolve.h"
#include "strv.h"
#include "tmpfs-mount.h"

#define STRV_MAKE(...) ((char *[]){__VA_ARGS__, NULL})
#define ALL_CAPS (CAPABILITY_MASK(CAP_CHECKPOINT_RESTORE + 1) - 1)

static const SeccompHost amd64 = {
        .goarch = "amd64", .arch = "SCMP_ARCH_X86_64", .kernel_major = 6, .kernel_minor = 1};

static void test_tweak(void **state) {
        uint64_t caps;
        char *error = NULL;

        assert_int_equal(
                capabilities_tweak(CAPABILITIES_DEFAULT, NULL, NULL, false, ALL_CAPS, &caps, NULL), 0);
        assert_int_equal(caps, CAPABILITIES_DEFAULT);
        assert_int_equal(__builtin_popcountll(caps), 14);

        assert_int_equal(
                capabilities_tweak(
                        CAPABILITIES_DEFAULT,
                        STRV_MAKE("net_admin", "CAP_SYS_PTRACE"),
                        STRV_MAKE("Cap_Chown", "MKNOD"),
                        false,
                        ALL_CAPS,
                        &caps,
                        NULL),
                0);
        assert_int_equal(
                caps,
                (CAPABILITIES_DEFAULT & ~(CAPABILITY_MASK(CAP_CHOWN) | CAPABILITY_MASK(CAP_MKNOD))) |
                        CAPABILITY_MASK(CAP_NET_ADMIN) | CAPABILITY_MASK(CAP_SYS_PTRACE));

        /* ALL in add: everything there is but what drop names; ALL in drop: only what add names. */
        assert_int_equal(
                capabilities_tweak(
                        CAPABILITIES_DEFAULT,
                        STRV_MAKE("all"),
                        STRV_MAKE("SYS_ADMIN"),
                        false,
                        ALL_CAPS,
                        &caps,
                        NULL),
                0);
        assert_int_equal(caps, ALL_CAPS & ~CAPABILITY_MASK(CAP_SYS_ADMIN));
        assert_int_equal(
                capabilities_tweak(
                        CAPABILITIES_DEFAULT,
                        STRV_MAKE("CHOWN"),
                        STRV_MAKE("ALL"),
                        false,
                        ALL_CAPS,
                        &caps,
                        NULL),
                0);
        assert_int_equal(caps, CAPABILITY_MASK(CAP_CHOWN));
        /* --privileged wins over both. */
        assert_int_equal(
                capabilities_tweak(CAPABILITIES_DEFAULT, NULL, STRV_MAKE("ALL"), true, 0x7, &caps, NULL), 0);
        assert_int_equal(caps, 0x7);

        assert_int_equal(
                capabilities_tweak(
                        CAPABILITIES_DEFAULT,
                        STRV_MAKE("CHOWN", "FLY"),
                        NULL,
                        false,
                        ALL_CAPS,
                        &caps,
                        &error),
                -EINVAL);
        assert_string_equal(error, "unknown capability: \"FLY\"");
        free(error);
        error = NULL;
        assert_int_equal(
                capabilities_tweak(
                        CAPABILITIES_DEFAULT, NULL, STRV_MAKE("21"), false, ALL_CAPS, &caps, &error),
                -EINVAL);
        free(error);
}

/* Every syscall an ALLOW rule of p names without conditions on its arguments. */
static bool allows(const SeccompProfile *p, const char *name) {
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].action == SECCOMP_ACTION_ALLOW && p->rules[i].n_args == 0 &&
                    strv_contains(p->rules[i].names, name))
                        return true;
        return false;
}

static const SeccompRule *
rule_for(const SeccompProfile *p, const char *name, SeccompAction action, size_t n_args) {
        for (size_t i = 0; i < p->n_rules; i++)
                if (p->rules[i].action == action && p->rules[i].n_args == n_args &&
                    strv_contains(p->rules[i].names, name))
                        return &p->rules[i];
        return NULL;
}

static void test_default_profile(void **state) {
        SeccompProfile *def = NULL, *p = NULL;
        const SeccompRule *r;
        SeccompHost old = amd64;

        assert_int_equal(seccomp_default_profile(&def), 0);

        /* Docker's default set. */
        assert_int_equal(seccomp_profile_resolve(def, CAPABILITIES_DEFAULT, &amd64, &p), 0);
        assert_int_equal(p->default_action, SECCOMP_ACTION_ERRNO);
        assert_int_equal(p->default_errno_ret, 1);
        assert_int_equal(strv_length(p->architectures), 3);
        assert_string_equal(p->architectures[0], "SCMP_ARCH_X86_64");
        assert_string_equal(p->architectures[1], "SCMP_ARCH_X86");
        assert_string_equal(p->architectures[2], "SCMP_ARCH_X32");
        assert_true(allows(p, "read"));
        assert_true(allows(p, "_llseek"));
        assert_true(allows(p, "capset"));
        assert_true(allows(p, "ptrace"));     /* since 4.8 the kernel judges ptrace itself */
        assert_true(allows(p, "chroot"));     /* CAP_SYS_CHROOT is in the default set */
        assert_true(allows(p, "arch_prctl")); /* amd64 */
        for (const char *const *n =
                     (const char *const[]){
                             "mount",
                             "umount2",
                             "unshare",
                             "setns",
                             "keyctl",
                             "add_key",
                             "reboot",
                             "swapon",
                             "init_module",
                             "kexec_load",
                             "bpf",
                             "perf_event_open",
                             "clone",
                             "clone3",
                             "s390_runtime_instr",
                             "open_by_handle_at",
                             "iopl",
                             NULL};
             *n;
             n++)
                if (allows(p, *n))
                        fail_msg("%s is allowed", *n);
        /* clone only without namespace flags; clone3 says ENOSYS. */
        r = rule_for(p, "clone", SECCOMP_ACTION_ALLOW, 1);
        assert_non_null(r);
        assert_int_equal(r->args[0].index, 0); /* not the s390 rule */
        assert_int_equal(r->args[0].op, SECCOMP_OP_MASKED_EQ);
        assert_int_equal(r->args[0].value, 0x7e020000);
        assert_int_equal(r->args[0].value_two, 0);
        r = rule_for(p, "clone3", SECCOMP_ACTION_ERRNO, 0);
        assert_non_null(r);
        assert_int_equal(r->errno_ret, 38);
        assert_non_null(rule_for(p, "socket", SECCOMP_ACTION_ALLOW, 1));
        p = seccomp_profile_free(p);

        /* With CAP_SYS_ADMIN: mount and friends, clone and clone3 unrestricted. */
        assert_int_equal(
                seccomp_profile_resolve(
                        def, CAPABILITIES_DEFAULT | CAPABILITY_MASK(CAP_SYS_ADMIN), &amd64, &p),
                0);
        assert_true(allows(p, "mount"));
        assert_true(allows(p, "unshare"));
        assert_true(allows(p, "clone"));
        assert_true(allows(p, "clone3"));
        assert_null(rule_for(p, "clone3", SECCOMP_ACTION_ERRNO, 0));
        assert_null(rule_for(p, "clone", SECCOMP_ACTION_ALLOW, 1));
        p = seccomp_profile_free(p);

        /* Without CAP_SYS_CHROOT no chroot; CAP_SYS_PTRACE etc. add theirs. */
        assert_int_equal(
                seccomp_profile_resolve(
                        def,
                        CAPABILITY_MASK(CAP_SYS_PTRACE) | CAPABILITY_MASK(CAP_SYS_BOOT) |
                                CAPABILITY_MASK(CAP_BPF),
                        &amd64,
                        &p),
                0);
        assert_false(allows(p, "chroot"));
        assert_true(allows(p, "kcmp"));
        assert_true(allows(p, "reboot"));
        assert_true(allows(p, "bpf"));
        assert_false(allows(p, "perf_event_open"));
        p = seccomp_profile_free(p);

        /* An old kernel: ptrace only with CAP_SYS_PTRACE. */
        old.kernel_major = 4;
        old.kernel_minor = 4;
        assert_int_equal(seccomp_profile_resolve(def, CAPABILITIES_DEFAULT, &old, &p), 0);
        assert_false(allows(p, "ptrace"));
        p = seccomp_profile_free(p);

        /* An architecture without an archMap entry gets only the native one. */
        old = (SeccompHost){.goarch = "ppc64le", .arch = "SCMP_ARCH_PPC64LE", .kernel_major = 6};
        assert_int_equal(seccomp_profile_resolve(def, CAPABILITIES_DEFAULT, &old, &p), 0);
        assert_null(p->architectures);
        assert_true(allows(p, "swapcontext"));
        assert_false(allows(p, "arch_prctl"));
        p = seccomp_profile_free(p);
        seccomp_profile_free(def);
}

static void test_resolve_rules(void **state) {
        const char *json =
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],\"syscalls\":["
                "{\"names\":[\"a\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"minKernel\":\"5.0\"}},"
                "{\"names\":[\"b\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":[\"CAP_FLY\"]}},"
                "{\"names\":[\"c\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"caps\":[\"CAP_FLY\"]}},"
                "{\"names\":[\"d\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"arches\":[\"arm64\"]}},"
                "{\"names\":[\"e\"],\"action\":\"SCMP_ACT_ERRNO\",\"excludes\":{\"arches\":[\"arm64\"]}},"
                "{\"names\":[\"f\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":[\"CAP_KILL\","
                "\"CAP_CHOWN\"]}}]}";
        SeccompProfile *docker = NULL, *p = NULL;

        assert_int_equal(
                seccomp_profile_parse_text(json, strlen(json), SECCOMP_PROFILE_DOCKER, &docker, NULL), 0);
        assert_int_equal(seccomp_profile_resolve(docker, CAPABILITY_MASK(CAP_KILL), &amd64, &p), 0);
        assert_string_equal(p->architectures[0], "SCMP_ARCH_X86_64");
        assert_null(p->architectures[1]);
        assert_int_equal(p->flags, SECCOMP_FLAG_LOG);
        /* a: kernel 6.1 ≥ 5.0 excludes it; b: a capability nobody has; d: another architecture; f: needs
         * both. */
        assert_int_equal(p->n_rules, 2);
        assert_string_equal(p->rules[0].names[0], "c");
        assert_string_equal(p->rules[1].names[0], "e");
        seccomp_profile_free(p);
        seccomp_profile_free(docker);
}

static void resolve(const ContainerSecurityOptions *o, ContainerSecurity *ret) {
        char *error = NULL;

        if (container_security_resolve(o, ALL_CAPS, &amd64, ret, &error) < 0)
                fail_msg("%s", error);
}

static void expect_refused(const ContainerSecurityOptions *o, const char *what) {
        ContainerSecurity s = {};
        char *error = NULL;

        assert_int_equal(container_security_resolve(o, ALL_CAPS, &amd64, &s, &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, what))
                fail_msg("error \"%s\" does not mention \"%s\"", error, what);
        free(error);
}

static void test_security_options(void **state) {
        ContainerSecurity s = {};
        char *text;

        resolve(&(ContainerSecurityOptions){}, &s);
        assert_int_equal(s.capabilities, CAPABILITIES_DEFAULT);
        assert_false(s.no_new_privileges || s.privileged || s.readonly_rootfs);
        assert_non_null(s.seccomp);
        assert_string_equal(
                cJSON_GetStringValue(cJSON_GetObjectItem(s.seccomp, "defaultAction")), "SCMP_ACT_ERRNO");
        assert_int_equal(s.n_tmpfs, 0);
        container_security_done(&s);

        for (const char *const *opt =
                     (const char *const[]){
                             "no-new-privileges", "no-new-privileges=true", "no-new-privileges:1", NULL};
             *opt;
             opt++) {
                resolve(&(ContainerSecurityOptions){.security_opt = STRV_MAKE((char *)*opt)}, &s);
                assert_true(s.no_new_privileges);
                container_security_done(&s);
        }
        resolve(
                &(ContainerSecurityOptions){
                        .security_opt = STRV_MAKE("no-new-privileges", "no-new-privileges=false")},
                &s);
        assert_false(s.no_new_privileges);
        container_security_done(&s);

        /* seccomp=unconfined, then the built-in profile again; the last one counts. */
        resolve(&(ContainerSecurityOptions){.security_opt = STRV_MAKE("seccomp=unconfined")}, &s);
        assert_null(s.seccomp);
        container_security_done(&s);
        resolve(
                &(ContainerSecurityOptions){
                        .security_opt = STRV_MAKE("seccomp:unconfined", "seccomp=builtin")},
                &s);
        assert_non_null(s.seccomp);
        container_security_done(&s);

        /* A profile as docker's CLI sends it: the JSON text, resolved for this container. */
        resolve(
                &(ContainerSecurityOptions){
                        .security_opt = STRV_MAKE(
                                "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":"
                                "[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"includes\":{\"caps\":"
                                "[\"CAP_SYS_ADMIN\"]}}]}"),
                        .cap_add = STRV_MAKE("SYS_ADMIN")},
                &s);
        text = cJSON_PrintUnformatted(s.seccomp);
        assert_string_equal(
                text,
                "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
                "\"action\":\"SCMP_ACT_ERRNO\"}]}");
        free(text);
        container_security_done(&s);

        /* --privileged: every capability, no filter whatever was asked for. */
        resolve(
                &(ContainerSecurityOptions){
                        .privileged = true,
                        .cap_drop = STRV_MAKE("ALL"),
                        .security_opt = STRV_MAKE("seccomp=builtin")},
                &s);
        assert_int_equal(s.capabilities, ALL_CAPS);
        assert_true(s.privileged);
        assert_null(s.seccomp);
        container_security_done(&s);

        /* What turns an LSM off is granted: berth has none. */
        resolve(
                &(ContainerSecurityOptions){
                        .security_opt = STRV_MAKE("apparmor=unconfined", "label=disable"),
                        .readonly_rootfs = true,
                        .tmpfs = STRV_MAKE("/run:size=1m", "/tmp")},
                &s);
        assert_true(s.readonly_rootfs);
        assert_int_equal(s.n_tmpfs, 2);
        assert_string_equal(s.tmpfs[1].destination, "/tmp");
        container_security_done(&s);

        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("no-new-privileges=maybe")},
                "invalid --security-opt 2: \"no-new-privileges=maybe\"");
        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("bogus")}, "invalid --security-opt 1");
        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("bogus=1")},
                "invalid --security-opt 2");
        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("apparmor=docker-default")},
                "berth does not support apparmor confinement");
        expect_refused(&(ContainerSecurityOptions){.security_opt = STRV_MAKE("label=type:x")}, "label");
        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("seccomp={")},
                "Decoding seccomp profile failed: not valid JSON");
        expect_refused(
                &(ContainerSecurityOptions){.security_opt = STRV_MAKE("seccomp={\"syscalls\":[]}")},
                "Decoding seccomp profile failed: defaultAction: missing");
        expect_refused(
                &(ContainerSecurityOptions){.cap_add = STRV_MAKE("NOPE")}, "unknown capability: \"NOPE\"");
        expect_refused(
                &(ContainerSecurityOptions){.tmpfs = STRV_MAKE("/a", "/a/")}, "Duplicate mount point: /a");
}

static void expect_tmpfs(const char *spec, const char *destination, const char *options) {
        TmpfsMount m = {};
        char *joined;

        assert_int_equal(tmpfs_mount_parse(spec, &m, NULL), 0);
        assert_string_equal(m.destination, destination);
        joined = strv_join(m.options, ",");
        assert_string_equal(joined, options);
        free(joined);
        free(m.destination);
        strv_free(m.options);
}

static void test_tmpfs(void **state) {
        TmpfsMount m = {};
        char *error = NULL;

        expect_tmpfs("/run", "/run", "noexec,nosuid,nodev");
        expect_tmpfs(
                "//var//./cache/:exec,size=64m,,mode=1777,uid=1000,ro",
                "/var/cache",
                "noexec,nosuid,nodev,exec,size=64m,mode=1777,uid=1000,ro");

        static const struct {
                const char *spec, *error;
        } bad[] = {
                {"run", "invalid mount path: 'run' mount path must be absolute"},
                {"", "mount path must be absolute"},
                {":size=1m", "mount path must be absolute"},
                {"/", "'/' cannot be a tmpfs mount"},
                {"//./", "'/' cannot be a tmpfs mount"},
                {"/a/../etc", "must not contain \"..\""},
                {"/x:size", "invalid tmpfs option \"size\""},
                {"/x:size=", "invalid tmpfs option \"size=\""},
                {"/x:bind", "invalid tmpfs option \"bind\""},
                {"/x:dirsync", "invalid tmpfs option \"dirsync\""},
                {"/x:context=foo", "invalid tmpfs option \"context=foo\""},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                assert_int_equal(tmpfs_mount_parse(bad[i].spec, &m, &error), -EINVAL);
                if (!strstr(error, bad[i].error))
                        fail_msg("%s: \"%s\" does not mention \"%s\"", bad[i].spec, error, bad[i].error);
                free(error);
                error = NULL;
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_tweak),
                cmocka_unit_test(test_default_profile),
                cmocka_unit_test(test_resolve_rules),
                cmocka_unit_test(test_security_options),
                cmocka_unit_test(test_tmpfs),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
