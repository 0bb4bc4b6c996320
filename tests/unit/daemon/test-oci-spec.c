/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json-util.h"
#include "oci-spec.h"
#include "strv.h"

static char *image_env[] = {"PATH=/opt/bin:/bin", "LANG=C", "A=image", NULL};
static char *image_entrypoint[] = {"/entry.sh", "--flag", NULL};
static char *image_cmd[] = {"serve", "--port", "80", NULL};

static void assert_strv(char **actual, const char *const *expected) {
        size_t n = 0;

        while (expected[n])
                n++;
        if (strv_length(actual) != n) {
                char *j = strv_join(actual, "|");
                fail_msg("got [%s], expected %zu entries", j ?: "", n);
        }
        for (size_t i = 0; i < n; i++)
                assert_string_equal(actual[i], expected[i]);
}

static void test_command_rules(void **state) {
        ImageConfig ic = {.entrypoint = image_entrypoint, .cmd = image_cmd};
        ImageConfig cmd_only = {.cmd = image_cmd};
        ImageConfig empty = {};
        char *user_cmd[] = {"echo", "hi", NULL};
        char *user_ep[] = {"/bin/sh", "-c", NULL};
        char **args = NULL;

        /* Nothing given: image Entrypoint + Cmd. */
        assert_int_equal(oci_spec_resolve_command(&ic, NULL, false, NULL, &args), 0);
        assert_strv(args, (const char *[]){"/entry.sh", "--flag", "serve", "--port", "80", NULL});
        args = strv_free(args);

        /* A command replaces Cmd, keeps Entrypoint. */
        assert_int_equal(oci_spec_resolve_command(&ic, user_cmd, false, NULL, &args), 0);
        assert_strv(args, (const char *[]){"/entry.sh", "--flag", "echo", "hi", NULL});
        args = strv_free(args);

        /* --entrypoint resets the image's Cmd. */
        assert_int_equal(oci_spec_resolve_command(&ic, NULL, true, user_ep, &args), 0);
        assert_strv(args, (const char *[]){"/bin/sh", "-c", NULL});
        args = strv_free(args);

        assert_int_equal(oci_spec_resolve_command(&ic, user_cmd, true, user_ep, &args), 0);
        assert_strv(args, (const char *[]){"/bin/sh", "-c", "echo", "hi", NULL});
        args = strv_free(args);

        /* --entrypoint "" clears it: only the command is left. */
        assert_int_equal(oci_spec_resolve_command(&ic, user_cmd, true, NULL, &args), 0);
        assert_strv(args, (const char *[]){"echo", "hi", NULL});
        args = strv_free(args);

        assert_int_equal(oci_spec_resolve_command(&cmd_only, NULL, false, NULL, &args), 0);
        assert_strv(args, (const char *[]){"serve", "--port", "80", NULL});
        args = strv_free(args);

        /* Nothing to run at all. */
        assert_int_equal(oci_spec_resolve_command(&empty, NULL, false, NULL, &args), -EINVAL);
        assert_int_equal(oci_spec_resolve_command(&ic, NULL, true, NULL, &args), -EINVAL);
}

static void test_env_merge(void **state) {
        ImageConfig ic = {.env = image_env};
        char *opts[] = {"A=option", "B=new", "LANG=", NULL};
        char **env = NULL, **process = NULL;

        assert_int_equal(oci_spec_merge_env(&ic, opts, &env), 0);
        assert_strv(env, (const char *[]){"PATH=/opt/bin:/bin", "LANG=", "A=option", "B=new", NULL});

        /* The image's PATH wins over the default; HOSTNAME comes from the container. */
        assert_int_equal(oci_spec_process_env(env, "abcdef012345", &process), 0);
        assert_strv(
                process,
                (const char *[]){
                        "PATH=/opt/bin:/bin", "HOSTNAME=abcdef012345", "LANG=", "A=option", "B=new", NULL});
        strv_free(env);
        strv_free(process);

        /* No PATH in the image: Docker's default. */
        assert_int_equal(oci_spec_process_env(NULL, "h", &process), 0);
        assert_strv(process, (const char *[]){OCI_DEFAULT_PATH, "HOSTNAME=h", NULL});
        strv_free(process);
}

static const cJSON *find_mount(const cJSON *spec, const char *destination) {
        const cJSON *m;

        cJSON_ArrayForEach (m, cJSON_GetObjectItem(spec, "mounts"))
                if (strcmp(json_get_string(m, "destination"), destination) == 0)
                        return m;
        return NULL;
}

static void test_spec(void **state) {
        char *layers[] = {
                "/var/lib/berth/layers/bottom",
                "/var/lib/berth/layers/middle",
                "/var/lib/berth/layers/top",
                NULL};
        char *args[] = {"echo", "hello", NULL};
        char *env[] = {OCI_DEFAULT_PATH, "HOSTNAME=web", NULL};
        ContainerSecurity security = {.capabilities = CAPABILITIES_DEFAULT};
        OciSpecParams p = {
                .bundle = "/var/lib/berth/containers/abc",
                .name = "web",
                .hostname = "abc123",
                .cwd = "/srv",
                .user = "nobody:nogroup",
                .args = args,
                .env = env,
                .layer_dirs = layers,
                .security = &security,
        };
        cJSON *spec = NULL;
        const cJSON *process, *mount, *o;
        char **l = NULL;

        assert_int_equal(oci_spec_build(&p, &spec), 0);
        assert_string_equal(json_get_string(spec, "hostname"), "abc123");
        assert_string_equal(json_get_string(cJSON_GetObjectItem(spec, "root"), "path"), "rootfs");

        process = cJSON_GetObjectItem(spec, "process");
        assert_string_equal(json_get_string(process, "cwd"), "/srv");
        assert_false(json_get_bool(process, "terminal", true));
        assert_int_equal(json_get_strv(process, "args", &l), 0);
        assert_strv(l, (const char *[]){"echo", "hello", NULL});
        l = strv_free(l);

        o = cJSON_GetObjectItem(spec, "annotations");
        assert_string_equal(json_get_string(o, "org.berth.user"), "nobody:nogroup");
        assert_string_equal(json_get_string(o, "org.berth.name"), "web");

        /* The rootfs overlay comes first, with the top layer first in lowerdir. */
        mount = cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "mounts"), 0);
        assert_string_equal(json_get_string(mount, "destination"), "/");
        assert_string_equal(json_get_string(mount, "type"), "overlay");
        assert_int_equal(json_get_strv(mount, "options", &l), 0);
        assert_strv(
                l,
                (const char *[]){
                        "lowerdir=/var/lib/berth/layers/top:/var/lib/berth/layers/middle:"
                        "/var/lib/berth/layers/bottom",
                        "upperdir=/var/lib/berth/containers/abc/upper",
                        "workdir=/var/lib/berth/containers/abc/work",
                        NULL});
        l = strv_free(l);

        mount = find_mount(spec, "/etc/resolv.conf");
        assert_non_null(mount);
        assert_string_equal(json_get_string(mount, "source"), "/var/lib/berth/containers/abc/resolv.conf");
        assert_string_equal(json_get_string(mount, "type"), "bind");
        assert_non_null(find_mount(spec, "/proc"));
        assert_non_null(find_mount(spec, "/dev/pts"));
        assert_non_null(find_mount(spec, "/sys"));

        o = cJSON_GetObjectItem(spec, "linux");
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(o, "namespaces")), 6);
        assert_int_equal(json_get_strv(o, "maskedPaths", &l), 0);
        assert_true(strv_contains(l, "/proc/kcore"));
        l = strv_free(l);
        assert_int_equal(json_get_strv(o, "readonlyPaths", &l), 0);
        assert_true(strv_contains(l, "/proc/sys"));
        l = strv_free(l);
        /* Unconfined: no filter, nothing to name. */
        assert_null(cJSON_GetObjectItem(o, "seccomp"));
        assert_null(json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.seccomp-digest"));

        /* Docker's capabilities in every set but ambient; no no_new_privs; a writable root. */
        process = cJSON_GetObjectItem(spec, "process");
        assert_false(json_get_bool(process, "noNewPrivileges", true));
        o = cJSON_GetObjectItem(process, "capabilities");
        for (const char *const *set =
                     (const char *const[]){"bounding", "effective", "permitted", "inheritable", NULL};
             *set;
             set++) {
                assert_int_equal(json_get_strv(o, *set, &l), 0);
                assert_int_equal(strv_length(l), 14);
                assert_string_equal(l[0], "CAP_CHOWN");
                assert_true(strv_contains(l, "CAP_AUDIT_WRITE"));
                assert_false(strv_contains(l, "CAP_SYS_ADMIN"));
                l = strv_free(l);
        }
        assert_int_equal(json_get_strv(o, "ambient", &l), 0);
        assert_null(l);
        assert_false(json_get_bool(cJSON_GetObjectItem(spec, "root"), "readonly", true));
        assert_int_equal(json_get_strv(find_mount(spec, "/sys"), "options", &l), 0);
        assert_true(strv_contains(l, "ro"));
        l = strv_free(l);
        cJSON_Delete(spec);

        /* No user: no annotation, the runtime stays root. No run dir, no open stdin: none of theirs. */
        p.user = "";
        assert_int_equal(oci_spec_build(&p, &spec), 0);
        assert_null(json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.user"));
        assert_null(json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.run-dir"));
        assert_null(json_get_string(cJSON_GetObjectItem(spec, "annotations"), "org.berth.open-stdin"));
        cJSON_Delete(spec);

        /* -t -i: a terminal, a stdin kept open, and where the attach socket goes. */
        p.terminal = true;
        p.open_stdin = true;
        p.run_dir = "/run/berth/containers/abc";
        assert_int_equal(oci_spec_build(&p, &spec), 0);
        assert_true(json_get_bool(cJSON_GetObjectItem(spec, "process"), "terminal", false));
        o = cJSON_GetObjectItem(spec, "annotations");
        assert_string_equal(json_get_string(o, "org.berth.run-dir"), "/run/berth/containers/abc");
        assert_string_equal(json_get_string(o, "org.berth.open-stdin"), "true");
        cJSON_Delete(spec);
        p.terminal = p.open_stdin = false;
        p.run_dir = NULL;

        /* A single layer. */
        p.layer_dirs = (char *[]){"/l/only", NULL};
        assert_int_equal(oci_spec_build(&p, &spec), 0);
        mount = cJSON_GetArrayItem(cJSON_GetObjectItem(spec, "mounts"), 0);
        assert_int_equal(json_get_strv(mount, "options", &l), 0);
        assert_string_equal(l[0], "lowerdir=/l/only");
        l = strv_free(l);
        cJSON_Delete(spec);

        /* Confinement options. */
        {
                char *shm_opts[] = {"noexec", "nosuid", "nodev", "size=1m", NULL};
                TmpfsMount tmpfs[] = {
                        {"/run", (char *[]){"noexec", "nosuid", "nodev", NULL}}, {"/dev/shm", shm_opts}};
                cJSON *seccomp = cJSON_Parse("{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");

                security = (ContainerSecurity){
                        .capabilities = CAPABILITY_MASK(CAP_KILL),
                        .no_new_privileges = true,
                        .readonly_rootfs = true,
                        .seccomp = seccomp,
                        .tmpfs = tmpfs,
                        .n_tmpfs = 2,
                };
                assert_int_equal(oci_spec_build(&p, &spec), 0);
                process = cJSON_GetObjectItem(spec, "process");
                assert_true(json_get_bool(process, "noNewPrivileges", false));
                assert_int_equal(
                        json_get_strv(cJSON_GetObjectItem(process, "capabilities"), "effective", &l), 0);
                assert_strv(l, (const char *[]){"CAP_KILL", NULL});
                l = strv_free(l);
                assert_true(json_get_bool(cJSON_GetObjectItem(spec, "root"), "readonly", false));
                o = cJSON_GetObjectItem(cJSON_GetObjectItem(spec, "linux"), "seccomp");
                assert_string_equal(json_get_string(o, "defaultAction"), "SCMP_ACT_ALLOW");
                /* sha256 of {"defaultAction":"SCMP_ACT_ALLOW"} */
                assert_string_equal(
                        json_get_string(
                                cJSON_GetObjectItem(spec, "annotations"), "org.berth.seccomp-digest"),
                        "sha256:1e91071efd3cec07b4e3e6cb9e0405055162ec9674f62869fe7f1564d5dce24f");
                /* A --tmpfs takes the place of the default mount at its destination. */
                assert_int_equal(json_get_strv(find_mount(spec, "/dev/shm"), "options", &l), 0);
                assert_true(strv_contains(l, "size=1m"));
                l = strv_free(l);
                assert_string_equal(json_get_string(find_mount(spec, "/run"), "type"), "tmpfs");
                cJSON_Delete(spec);

                /* --privileged: nothing masked or read-only, /sys writable. */
                security = (ContainerSecurity){.privileged = true};
                assert_int_equal(oci_spec_build(&p, &spec), 0);
                o = cJSON_GetObjectItem(spec, "linux");
                assert_null(cJSON_GetObjectItem(o, "maskedPaths"));
                assert_null(cJSON_GetObjectItem(o, "readonlyPaths"));
                assert_int_equal(json_get_strv(find_mount(spec, "/sys"), "options", &l), 0);
                assert_false(strv_contains(l, "ro"));
                l = strv_free(l);
                cJSON_Delete(spec);
                cJSON_Delete(seccomp);
                security = (ContainerSecurity){.capabilities = CAPABILITIES_DEFAULT};
        }

        /* No layers at all is refused. */
        p.layer_dirs = NULL;
        assert_int_equal(oci_spec_build(&p, &spec), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_command_rules),
                cmocka_unit_test(test_env_merge),
                cmocka_unit_test(test_spec),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
