/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json-util.h"
#include "strv.h"
#include "volume-mount-spec.h"
#include "volume-store.h"

#define STRV_MAKE(...) ((char *[]){__VA_ARGS__, NULL})

static bool strv_equal(char **a, char **b) {
        size_t n = strv_length(a);

        if (n != strv_length(b))
                return false;
        for (size_t i = 0; i < n; i++)
                if (strcmp(a[i], b[i]) != 0)
                        return false;
        return true;
}

static void parse_bind_ok(
        const char *text,
        MountType type,
        const char *source,
        const char *destination,
        bool readonly,
        const char *mode,
        const char *propagation) {
        MountSpec *m = calloc(1, sizeof(MountSpec));
        char *error = NULL;

        assert_non_null(m);
        assert_int_equal(mount_spec_parse_bind(text, m, &error), 0);
        assert_null(error);
        assert_int_equal(m->type, type);
        assert_string_equal(m->text, text);
        if (source)
                assert_string_equal(m->source, source);
        else
                assert_null(m->source);
        assert_string_equal(m->destination, destination);
        assert_int_equal(m->readonly, readonly);
        assert_string_equal(m->mode, mode);
        assert_string_equal(m->propagation, propagation);
        assert_int_equal(m->origin, MOUNT_ORIGIN_BINDS);
        mount_specs_free(m, 1);
}

static void parse_bind_fails(const char *text, const char *message) {
        MountSpec m = {};
        char *error = NULL;

        assert_int_equal(mount_spec_parse_bind(text, &m, &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, message))
                fail_msg("\"%s\": got \"%s\", expected \"%s\"", text, error, message);
        free(error);
}

static void test_bind(void **state) {
        parse_bind_ok("/data", MOUNT_TYPE_VOLUME, NULL, "/data", false, "", "");
        parse_bind_ok("vol:/data", MOUNT_TYPE_VOLUME, "vol", "/data", false, "", "");
        parse_bind_ok("vol:/data/:ro", MOUNT_TYPE_VOLUME, "vol", "/data", true, "ro", "");
        parse_bind_ok("/host//dir/:/mnt", MOUNT_TYPE_BIND, "/host/dir", "/mnt", false, "", "rprivate");
        parse_bind_ok(
                "/host:/mnt:ro,rshared", MOUNT_TYPE_BIND, "/host", "/mnt", true, "ro,rshared", "rshared");
        parse_bind_ok("/host:/mnt:z,rw", MOUNT_TYPE_BIND, "/host", "/mnt", false, "z,rw", "rprivate");
        parse_bind_ok("v.1_a-b:/x:nocopy", MOUNT_TYPE_VOLUME, "v.1_a-b", "/x", false, "nocopy", "");

        parse_bind_fails("rel/dir:/mnt", "\"rel/dir\" includes invalid characters for a local volume name");
        parse_bind_fails("./rel:/mnt", "If you intended to pass a host directory, use absolute path");
        parse_bind_fails("data", "invalid mount path: 'data' mount path must be absolute");
        parse_bind_fails("/host:mnt", "invalid volume specification: '/host:mnt'");
        parse_bind_fails("/host:/", "destination can't be '/'");
        parse_bind_fails("/host:/mnt/../..", "must not contain \"..\"");
        parse_bind_fails("/host:/mnt:rx", "invalid mode: rx");
        parse_bind_fails("/host:/mnt:ro,rw", "invalid mode: ro,rw");
        parse_bind_fails("/host:/mnt:ro,", "invalid mode: ro,");
        parse_bind_fails("/host:/mnt:nocopy", "invalid mode: nocopy");
        parse_bind_fails(
                "vol:/data:rslave",
                "invalid mount config for type \"volume\": field BindOptions must not be specified");
        parse_bind_fails("vol:/data:ro,shared", "field BindOptions must not be specified");
        parse_bind_fails("/mnt:ro", "invalid volume specification: '/mnt:ro'");
        parse_bind_fails("a:b:c:d", "invalid volume specification: 'a:b:c:d'");
        parse_bind_fails(":/mnt", "invalid volume specification");
        parse_bind_fails("", "field Target must not be empty");
}

static void parse_mount_fails(const char *text, const char *message) {
        MountSpec m = {};
        char *error = NULL;

        assert_int_equal(mount_spec_parse_mount(text, &m, &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, message))
                fail_msg("\"%s\": got \"%s\", expected \"%s\"", text, error, message);
        free(error);
}

static void test_mount(void **state) {
        MountSpec *m = NULL;
        size_t n = 0;
        char *error = NULL;

        assert_int_equal(
                mount_specs_parse(
                        NULL,
                        STRV_MAKE(
                                "type=bind,source=/h,target=/b,readonly,bind-propagation=rslave",
                                "type=volume,src=vv,dst=/v,ro=false,volume-nocopy,volume-driver=local",
                                "type=volume,destination=/anon",
                                "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770,consistency=cached"),
                        &m,
                        &n,
                        &error),
                0);
        assert_int_equal(n, 4);
        assert_int_equal(m[0].type, MOUNT_TYPE_BIND);
        assert_string_equal(m[0].source, "/h");
        assert_string_equal(m[0].destination, "/b");
        assert_true(m[0].readonly);
        assert_string_equal(m[0].propagation, "rslave");
        assert_int_equal(m[0].origin, MOUNT_ORIGIN_MOUNT);
        assert_int_equal(m[1].type, MOUNT_TYPE_VOLUME);
        assert_string_equal(m[1].source, "vv");
        assert_false(m[1].readonly);
        assert_true(m[1].nocopy);
        assert_null(m[2].source);
        assert_int_equal(m[3].type, MOUNT_TYPE_TMPFS);
        assert_int_equal(m[3].tmpfs_size, 64U * 1024U * 1024U);
        assert_int_equal(m[3].tmpfs_mode, 01770);
        mount_specs_free(m, n);

        /* CSV as Go reads it: quotes around a field with commas; volume-label and volume-opt. */
        assert_int_equal(
                mount_specs_parse(
                        NULL,
                        STRV_MAKE("type=volume,dst=/v,\"volume-opt=o=size=1m,uid=1000\",volume-label=a=b,"
                                  "volume-label=c,volume-opt=type=tmpfs,\"src=q\"\"uote\""),
                        &m,
                        &n,
                        &error),
                -EINVAL);
        assert_non_null(strstr(error, "\"q\"uote\" includes invalid characters"));
        free(error), error = NULL;
        assert_int_equal(
                mount_specs_parse(
                        NULL,
                        STRV_MAKE("type=volume,dst=/v,\"volume-opt=o=size=1m,uid=1000\",volume-label=a=b,"
                                  "volume-label=c,volume-opt=type=tmpfs"),
                        &m,
                        &n,
                        &error),
                0);
        assert_int_equal(n, 1);
        assert_true(strv_equal(m[0].volume_options, STRV_MAKE("o", "size=1m,uid=1000", "type", "tmpfs")));
        assert_true(strv_equal(m[0].volume_labels, STRV_MAKE("a", "b", "c", "")));
        mount_specs_free(m, n);
        parse_mount_fails("type=bind,src=/h\"x,dst=/b", "bare \" in non-quoted-field");
        parse_mount_fails("type=bind,\"src=/h,dst=/b", "bare \" in non-quoted-field");
        parse_mount_fails("type=bind,\"src=/h\"x,dst=/b", "bare \" in non-quoted-field");
        parse_mount_fails("type=volume,dst=/v,volume-opt=novalue", "invalid value for volume-opt: novalue");
        parse_mount_fails(
                "type=bind,src=/h,dst=/b,volume-label=a=b", "field VolumeOptions must not be specified");

        parse_mount_fails("type=bind,src=/h,dst=/b,foo=bar", "unexpected key 'foo' in 'foo=bar'");
        parse_mount_fails("src=/h,dst=/b", "type is required");
        parse_mount_fails(
                "type=bind,src=/h",
                "invalid mount config for type \"bind\": field Target must not be empty");
        parse_mount_fails("type=bind,dst=/b", "field Source must not be empty");
        parse_mount_fails("type=bind,src=h,dst=/b", "invalid mount path: 'h' mount path must be absolute");
        parse_mount_fails("type=bind,src=/h,dst=b", "mount path must be absolute");
        parse_mount_fails(
                "type=floppy,dst=/b", "invalid mount config for type \"floppy\": mount type unknown");
        parse_mount_fails("type=tmpfs,src=/h,dst=/t", "field Source must not be specified");
        parse_mount_fails(
                "type=bind,src=/h,dst=/b,volume-nocopy", "field VolumeOptions must not be specified");
        parse_mount_fails(
                "type=bind,src=/h,dst=/b,tmpfs-size=1m", "field TmpfsOptions must not be specified");
        parse_mount_fails(
                "type=volume,dst=/v,bind-propagation=shared", "field BindOptions must not be specified");
        parse_mount_fails(
                "type=tmpfs,dst=/t,bind-propagation=shared", "field BindOptions must not be specified");
        parse_mount_fails(
                "type=bind,src=/h,dst=/b,bind-propagation=sideways", "invalid value for bind-propagation");
        parse_mount_fails("type=tmpfs,dst=/t,tmpfs-size=lots", "invalid value for tmpfs-size: lots");
        parse_mount_fails("type=tmpfs,dst=/t,tmpfs-mode=99", "invalid value for tmpfs-mode: 99");
        parse_mount_fails("type=tmpfs,dst=/t,tmpfs-mode=77777", "invalid value for tmpfs-mode");
        parse_mount_fails("type=volume,src=a/b,dst=/v", "\"a/b\" includes invalid characters");
        parse_mount_fails("type=volume,dst=/v,volume-driver=nfs", "volume driver nfs is not supported");
        parse_mount_fails("type=volume,dst=/v,readonly=maybe", "invalid value for readonly: maybe");
        parse_mount_fails(
                "type=bind,src=/h,dst=/b,nonsense", "invalid field 'nonsense' must be a key=value pair");
        parse_mount_fails("type=bind,src=/h,dst=/", "destination can't be '/'");
        parse_mount_fails("", "type is required");
}

static void test_duplicates_and_limits(void **state) {
        MountSpec *m = NULL;
        size_t n = 0;
        char *error = NULL, *big;

        assert_int_equal(mount_specs_parse(STRV_MAKE("/a:/x", "vol:/x/"), NULL, &m, &n, &error), -EINVAL);
        assert_string_equal(error, "Duplicate mount point: /x");
        free(error), error = NULL;
        assert_int_equal(
                mount_specs_parse(STRV_MAKE("/a:/x"), STRV_MAKE("type=tmpfs,dst=/x"), &m, &n, &error),
                -EINVAL);
        free(error), error = NULL;

        big = malloc(MOUNT_SPEC_TEXT_MAX + 2);
        assert_non_null(big);
        memset(big, 'a', MOUNT_SPEC_TEXT_MAX + 1);
        big[0] = '/';
        big[MOUNT_SPEC_TEXT_MAX + 1] = 0;
        assert_int_equal(mount_specs_parse(STRV_MAKE(big), NULL, &m, &n, &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(mount_specs_parse(NULL, STRV_MAKE(big), &m, &n, &error), -EINVAL);
        free(error);
        free(big);
}

static void test_json_roundtrip(void **state) {
        _cleanup_json_ cJSON *a = NULL, *b = NULL;
        MountSpec *m = NULL, *back = NULL;
        size_t n = 0, n_back = 0;
        char *s1, *s2;

        assert_int_equal(
                mount_specs_parse(
                        STRV_MAKE("/h:/b:ro", "/anon"),
                        STRV_MAKE("type=tmpfs,dst=/t,tmpfs-size=1k"),
                        &m,
                        &n,
                        NULL),
                0);
        m[0].host_path = strdup("/h");
        m[1].anonymous = true;
        assert_int_equal(mount_specs_to_json(m, n, &a), 0);
        assert_int_equal(mount_specs_from_json(a, &back, &n_back), 0);
        assert_int_equal(n_back, 3);
        assert_int_equal(mount_specs_to_json(back, n_back, &b), 0);
        s1 = cJSON_PrintUnformatted(a);
        s2 = cJSON_PrintUnformatted(b);
        assert_string_equal(s1, s2);
        free(s1), free(s2);
        mount_specs_free(m, n);
        mount_specs_free(back, n_back);

        /* No list (an older state.json): no mounts. Bad shapes are refused. */
        assert_int_equal(mount_specs_from_json(NULL, &back, &n_back), 0);
        assert_int_equal(n_back, 0);
        mount_specs_free(back, n_back);
        cJSON_Delete(b);
        b = cJSON_Parse("[{\"Type\": \"nfs\", \"Origin\": \"binds\", \"Destination\": \"/x\"}]");
        assert_int_equal(mount_specs_from_json(b, &back, &n_back), -EINVAL);
        cJSON_Delete(b);
        b = cJSON_Parse("[{\"Type\": \"bind\", \"Origin\": \"binds\"}]");
        assert_int_equal(mount_specs_from_json(b, &back, &n_back), -EINVAL);
        cJSON_Delete(b);
        b = cJSON_Parse("{}");
        assert_int_equal(mount_specs_from_json(b, &back, &n_back), -EINVAL);
}

static void test_volume_names_and_options(void **state) {
        char *error = NULL;

        assert_true(volume_name_is_valid("ab"));
        assert_true(volume_name_is_valid("my_vol.1-x"));
        assert_false(volume_name_is_valid("a"));
        assert_false(volume_name_is_valid("a/b"));
        assert_false(volume_name_is_valid(".hidden"));
        assert_false(volume_name_is_valid("-x"));
        assert_false(volume_name_is_valid("a b"));
        assert_false(volume_name_is_valid(""));
        assert_false(volume_name_is_valid(NULL));

        assert_int_equal(volume_options_validate(NULL, NULL), 0);
        assert_int_equal(volume_options_validate(STRV_MAKE("type", "tmpfs", "o", "size=1m"), NULL), 0);
        assert_int_equal(
                volume_options_validate(STRV_MAKE("type", "none", "o", "ro,bind", "device", "/x"), NULL), 0);
        assert_int_equal(volume_options_validate(STRV_MAKE("foo", "bar"), &error), -EINVAL);
        assert_string_equal(error, "invalid option key: \"foo\"");
        free(error), error = NULL;
        assert_int_equal(
                volume_options_validate(STRV_MAKE("type", "none", "o", "bind", "device", "rel"), &error),
                -EINVAL);
        free(error), error = NULL;
        assert_int_equal(
                volume_options_validate(STRV_MAKE("type", "ext4", "device", "/dev/sda1"), &error), -EINVAL);
        free(error);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_bind),
                cmocka_unit_test(test_mount),
                cmocka_unit_test(test_duplicates_and_limits),
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_volume_names_and_options),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
