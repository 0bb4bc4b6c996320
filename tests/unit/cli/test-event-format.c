/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event-format.h"
#include "json-util.h"
#include "output.h"
#include "strv.h"

#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define T (UINT64_C(1700000000) * 1000000 + 123456)

static void make_event(Event *e, const char *type, const char *action, char **attributes) {
        *e = (Event){
                .type = strdup(type),
                .action = strdup(action),
                .id = strdup(ID),
                .attributes = strv_copy(attributes),
                .time_usec = T,
        };
        assert_non_null(e->type);
}

static void test_line(void **state) {
        _cleanup_(event_done) Event e = {}, bare = {};
        _cleanup_free_ char *s = NULL, *b = NULL;

        /* Attributes sorted by key, whatever order they came in. */
        make_event(&e, "container", "die", STRV_MAKE("name", "x", "image", "busybox", "exitCode", "3"));
        assert_int_equal(event_format_line(&e, &s), 0);
        assert_string_equal(
                s,
                "2023-11-14T22:13:20.123456000Z container die " ID " (exitCode=3, image=busybox, name=x)");

        make_event(&bare, "image", "import", NULL);
        assert_int_equal(event_format_line(&bare, &b), 0);
        assert_string_equal(b, "2023-11-14T22:13:20.123456000Z image import " ID);
}

static void test_json(void **state) {
        _cleanup_(event_done) Event e = {}, i = {};
        _cleanup_free_ char *s = NULL, *si = NULL;

        make_event(&e, "container", "start", STRV_MAKE("name", "x", "image", "busybox"));
        assert_int_equal(event_format_json(&e, &s), 0);
        assert_string_equal(
                s,
                "{\"status\":\"start\",\"id\":\"" ID "\",\"from\":\"busybox\",\"Type\":\"container\","
                "\"Action\":\"start\",\"Actor\":{\"ID\":\"" ID "\",\"Attributes\":{\"name\":\"x\",\"image\":"
                "\"busybox\"}},\"scope\":\"local\",\"time\":1700000000,\"timeNano\":1700000000123456000}");

        /* Image events have status and id but no from. */
        make_event(&i, "image", "load", STRV_MAKE("name", "busybox:latest"));
        assert_int_equal(event_format_json(&i, &si), 0);
        assert_non_null(strstr(si, "\"status\":\"load\",\"id\":\"" ID "\",\"Type\":\"image\""));
        assert_null(strstr(si, "\"from\""));
}

static void test_template(void **state) {
        _cleanup_(event_done) Event e = {};
        _cleanup_json_ cJSON *o = NULL;
        _cleanup_free_ char *s = NULL;

        make_event(&e, "container", "kill", STRV_MAKE("name", "x", "image", "busybox", "signal", "15"));
        assert_int_equal(event_template_object(&e, &o), 0);
        assert_int_equal(
                template_render(
                        "{{.Type}} {{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.signal}} "
                        "{{.From}} {{.Status}} {{.Time}} {{.TimeNano}} {{.Scope}}",
                        o,
                        &s),
                0);
        assert_string_equal(s, "container kill x 15 busybox kill 1700000000 1700000000123456000 local");
}

static void test_from_journal(void **state) {
        _cleanup_(event_done) Event e = {};
        Event bad = {};

        assert_int_equal(
                event_from_journal(
                        "container",
                        "die",
                        ID,
                        "{\"exitCode\":\"1\",\"name\":\"x\"}",
                        "1700000000123456",
                        &e),
                0);
        assert_string_equal(e.type, "container");
        assert_string_equal(event_attribute(&e, "exitCode"), "1");
        assert_string_equal(event_attribute(&e, "name"), "x");
        assert_null(event_attribute(&e, "image"));
        assert_true(e.time_usec == T);

        assert_int_equal(event_from_journal("container", "die", ID, "[1]", "1", &bad), -EINVAL);
        assert_int_equal(event_from_journal("container", "die", ID, "{\"a\":1}", "1", &bad), -EINVAL);
        assert_int_equal(event_from_journal("container", "die", ID, "{", "1", &bad), -EINVAL);
        assert_int_equal(event_from_journal("container", "die", ID, NULL, "x1", &bad), -EINVAL);
        assert_int_equal(event_from_journal("container", "die", ID, NULL, "-1", &bad), -EINVAL);
        assert_int_equal(event_from_journal(NULL, "die", ID, NULL, "1", &bad), -EINVAL);
        assert_int_equal(event_from_journal("container", "die", ID, NULL, NULL, &bad), -EINVAL);
}

static void test_filters(void **state) {
        _cleanup_(event_filter_done) EventFilter none = {}, f = {}, two = {}, img = {};
        _cleanup_(event_done) Event start = {}, die = {}, load = {}, exec = {};

        make_event(&start, "container", "start", STRV_MAKE("name", "web", "image", "busybox"));
        make_event(&die, "container", "die", STRV_MAKE("name", "db", "image", "busybox:latest"));
        make_event(&load, "image", "load", STRV_MAKE("name", "busybox:latest"));
        make_event(&exec, "container", "exec_start: sh -c true", STRV_MAKE("name", "web"));

        assert_true(event_filter_match(&none, &start));
        assert_true(event_filter_match(&none, &load));

        assert_int_equal(event_filter_add(&f, "container=web"), 0);
        assert_true(event_filter_match(&f, &start));
        assert_false(event_filter_match(&f, &die));
        assert_false(event_filter_match(&f, &load)); /* no container */
        assert_int_equal(event_filter_add(&f, "event=exec_start"), 0);
        assert_false(event_filter_match(&f, &start));
        assert_true(event_filter_match(&f, &exec));

        /* Same key twice: either; id prefixes match. */
        assert_int_equal(event_filter_add(&two, "container=db"), 0);
        assert_int_equal(event_filter_add(&two, "container=0123456789ab"), 0);
        assert_true(event_filter_match(&two, &start));
        assert_true(event_filter_match(&two, &die));
        assert_int_equal(event_filter_add(&two, "type=image"), 0);
        assert_false(event_filter_match(&two, &start));

        assert_int_equal(event_filter_add(&img, "image=busybox"), 0);
        assert_true(event_filter_match(&img, &start));
        assert_true(event_filter_match(&img, &die)); /* busybox:latest */
        assert_true(event_filter_match(&img, &load));
        assert_false(event_filter_match(&img, &exec));

        assert_int_equal(event_filter_add(&none, "foo=bar"), -ENOKEY);
        assert_int_equal(event_filter_add(&none, "volume=v"), -EOPNOTSUPP);
        assert_int_equal(event_filter_add(&none, "container"), -EINVAL);
        assert_int_equal(event_filter_add(&none, "=x"), -EINVAL);
        assert_int_equal(event_filter_add(&none, ""), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_line),
                cmocka_unit_test(test_json),
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_from_journal),
                cmocka_unit_test(test_filters),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
