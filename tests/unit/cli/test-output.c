/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json-util.h"
#include "output.h"
#include "strv.h"

#define SEC USEC_PER_SEC
#define MIN_ (60 * SEC)
#define HOUR (60 * MIN_)
#define DAY (24 * HOUR)

static void test_human_duration(void **state) {
        static const struct {
                uint64_t usec;
                const char *text;
        } cases[] = {
                {0, "Less than a second"},     {SEC - 1, "Less than a second"}, {SEC, "1 second"},
                {5 * SEC, "5 seconds"},        {59 * SEC, "59 seconds"},        {60 * SEC, "About a minute"},
                {119 * SEC, "About a minute"}, {120 * SEC, "2 minutes"},        {59 * MIN_, "59 minutes"},
                {60 * MIN_, "About an hour"},  {89 * MIN_, "About an hour"},    {90 * MIN_, "2 hours"},
                {47 * HOUR, "47 hours"},       {48 * HOUR, "2 days"},           {13 * DAY, "13 days"},
                {14 * DAY, "2 weeks"},         {59 * DAY, "8 weeks"},           {60 * DAY, "2 months"},
                {729 * DAY, "24 months"},      {730 * DAY, "2 years"},
        };
        char buf[FORMAT_BUF];

        for (size_t i = 0; i < ELEMENTSOF(cases); i++)
                assert_string_equal(format_human_duration(buf, cases[i].usec), cases[i].text);
        assert_string_equal(format_ago(buf, 100 * SEC, 105 * SEC), "5 seconds ago");
        /* A daemon clock slightly ahead must not give a negative age. */
        assert_string_equal(format_ago(buf, 200 * SEC, 105 * SEC), "Less than a second ago");
}

static void test_container_status(void **state) {
        char buf[FORMAT_BUF];
        uint64_t now = 1700000000ULL * SEC;

        assert_string_equal(format_container_status(buf, "created", 0, 0, 0, now), "Created");
        assert_string_equal(
                format_container_status(buf, "running", 0, now - 3 * SEC, 0, now), "Up 3 seconds");
        assert_string_equal(
                format_container_status(buf, "running", 0, now - 2 * HOUR, 0, now), "Up 2 hours");
        assert_string_equal(format_container_status(buf, "running", 0, 0, 0, now), "Up");
        assert_string_equal(
                format_container_status(buf, "exited", 0, now - 9 * SEC, now - 5 * SEC, now),
                "Exited (0) 5 seconds ago");
        assert_string_equal(
                format_container_status(buf, "exited", 137, now - 99 * SEC, now - 61 * SEC, now),
                "Exited (137) About a minute ago");
        assert_string_equal(format_container_status(buf, "exited", 3, 0, 0, now), "Exited (3)");
        assert_string_equal(format_container_status(buf, "removing", 0, 0, 0, now), "Removal In Progress");
        assert_string_equal(
                format_container_status(buf, "restarting", 1, now - 9 * SEC, now - 2 * SEC, now),
                "Restarting (1) 2 seconds ago");
        assert_string_equal(
                format_container_status(buf, "paused", 0, now - 5 * SEC, 0, now), "Up 5 seconds (Paused)");
}

static void test_sizes_and_times(void **state) {
        char buf[FORMAT_BUF];

        assert_string_equal(format_size(buf, 0), "0B");
        assert_string_equal(format_size(buf, 999), "999B");
        assert_string_equal(format_size(buf, 1000), "1kB");
        assert_string_equal(format_size(buf, 4261440), "4.26MB");
        assert_string_equal(format_size(buf, 1240000000), "1.24GB");
        assert_string_equal(format_bytes_binary(buf, 8233000000ULL), "7.668GiB");
        assert_string_equal(format_bytes_binary(buf, 1024), "1KiB");

        assert_string_equal(format_rfc3339nano(buf, 0), "0001-01-01T00:00:00Z");
        assert_string_equal(format_rfc3339nano(buf, 1700000000ULL * SEC), "2023-11-14T22:13:20Z");
        assert_string_equal(
                format_rfc3339nano(buf, 1700000000ULL * SEC + 123456), "2023-11-14T22:13:20.123456Z");
        assert_string_equal(
                format_rfc3339nano(buf, 1700000000ULL * SEC + 120000), "2023-11-14T22:13:20.12Z");
        assert_string_equal(format_rfc3339nano_nsec(buf, 0), "0001-01-01T00:00:00Z");
        assert_string_equal(
                format_rfc3339nano_nsec(buf, 1684449257921182404ULL), "2023-05-18T22:34:17.921182404Z");
        assert_string_equal(
                format_rfc3339nano_nsec(buf, 1684449257000000010ULL), "2023-05-18T22:34:17.00000001Z");

        assert_int_equal(setenv("TZ", "UTC", 1), 0);
        assert_string_equal(format_go_time(buf, 1700000000ULL * SEC + 999), "2023-11-14 22:13:20 +0000 UTC");
}

static void test_strings(void **state) {
        _cleanup_free_ char *a = ellipsize("echo hello", 20),
                            *b = ellipsize("sh -c 'sleep 1000; echo done'", 20),
                            *c = quote_string("sh -c \"x\"\t\\"), *d = ellipsize("äöüäöü", 4),
                            *id = image_id_full("abc"), *id2 = image_id_full("sha256:abc");

        assert_string_equal(a, "echo hello");
        assert_string_equal(b, "sh -c 'sleep 1000; \xe2\x80\xa6");
        assert_int_equal(utf8_width(b), 20);
        assert_string_equal(c, "\"sh -c \\\"x\\\"\\t\\\\\"");
        assert_string_equal(d, "äöü\xe2\x80\xa6");
        assert_string_equal(id, "sha256:abc");
        assert_string_equal(id2, "sha256:abc");
        assert_string_equal(reference_familiar_name("docker.io/library/busybox:latest"), "busybox:latest");
        assert_string_equal(reference_familiar_name("docker.io/user/app:v1"), "user/app:v1");
        assert_string_equal(reference_familiar_name("quay.io/x/y:1"), "quay.io/x/y:1");
}

static char *render(const char *tmpl, const char *json) {
        _cleanup_json_ cJSON *o = cJSON_Parse(json);
        char *s = NULL;

        assert_non_null(o);
        if (template_render(tmpl, o, &s) < 0)
                return NULL;
        return s;
}

static void test_template(void **state) {
        static const char json[] =
                "{\"ID\":\"abc\",\"Names\":\"web\",\"State\":{\"ExitCode\":3,\"Running\":false,\"Pid\":0},"
                "\"Config\":{\"Env\":[\"A=1\",\"B=2\"],\"Cmd\":null,\"User\":\"\"},\"Map\":{\"b\":\"x\","
                "\"a\":1.5}}";
        _cleanup_free_ char *s1 = render("{{.ID}} {{.Names}}", json),
                            *s2 = render("{{.State.ExitCode}}", json),
                            *s3 = render("{{json .Config}}", json),
                            *s4 = render("{{ .State.Running }}-{{.Nope}}", json),
                            *s5 = render("{{.Config.Env}}", json), *s6 = render("{{.Map}}", json),
                            *s7 = render("{{json .Config.Env}}{{json .Nope}}", json),
                            *s8 = render("no actions", json),
                            *s9 = render("{{.Config.Cmd}}|{{.ID.X}}", json);

        assert_string_equal(s1, "abc web");
        assert_string_equal(s2, "3");
        assert_string_equal(s3, "{\"Env\":[\"A=1\",\"B=2\"],\"Cmd\":null,\"User\":\"\"}");
        assert_string_equal(s4, "false-<no value>");
        assert_string_equal(s5, "[A=1 B=2]");
        assert_string_equal(s6, "map[a:1.5 b:x]");
        assert_string_equal(s7, "[\"A=1\",\"B=2\"]null");
        assert_string_equal(s8, "no actions");
        assert_string_equal(s9, "<nil>|<no value>");

        assert_null(render("{{range .}}x{{end}}", json));
        assert_null(render("{{.ID", json));
        assert_null(render("{{}}", json));
}

static void test_format_parse(void **state) {
        _cleanup_json_ cJSON *headers = cJSON_Parse("{\"ID\":\"CONTAINER ID\",\"Names\":\"NAMES\"}");
        OutputFormat f;
        char *body = NULL;

        assert_int_equal(output_format_parse(NULL, &f, &body), 0);
        assert_int_equal(f, OUTPUT_DEFAULT);
        assert_int_equal(output_format_parse("table", &f, &body), 0);
        assert_int_equal(f, OUTPUT_DEFAULT);
        assert_int_equal(output_format_parse("json", &f, &body), 0);
        assert_int_equal(f, OUTPUT_JSON);
        assert_null(body);

        assert_int_equal(output_format_parse(" {{.ID}}\\n ", &f, &body), 0);
        assert_int_equal(f, OUTPUT_TEMPLATE);
        assert_string_equal(body, "{{.ID}}\n");
        free(body);

        assert_int_equal(output_format_parse("table {{.ID}}\\t{{.Names}}\\t{{.Status}}", &f, &body), 0);
        assert_int_equal(f, OUTPUT_TABLE_TEMPLATE);
        assert_string_equal(body, "{{.ID}}\t{{.Names}}\t{{.Status}}");
        {
                _cleanup_free_ char *h = NULL;
                assert_int_equal(template_render_header(body, headers, &h), 0);
                assert_string_equal(h, "CONTAINER ID\tNAMES\tSTATUS");
        }
        free(body);
}

static char *print_table(Table *t) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        assert_int_equal(table_print(t, f), 0);
        fclose(f);
        return buf;
}

static void test_table(void **state) {
        _cleanup_(table_freep) Table *t = table_new(7), *u = table_new(0);
        _cleanup_free_ char *s = NULL, *s2 = NULL;

        assert_int_equal(
                table_add_row(
                        t,
                        STRV_MAKE(
                                "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES")),
                0);
        assert_int_equal(
                table_add_row(
                        t,
                        STRV_MAKE(
                                "0123456789ab",
                                "busybox",
                                "\"sleep 100\"",
                                "5 seconds ago",
                                "Up 4 seconds",
                                "",
                                "web")),
                0);
        s = print_table(t);
        /* Docker's tabwriter: cell width + 3, at least 10; the last column is not padded. */
        assert_string_equal(
                s,
                "CONTAINER ID   IMAGE     COMMAND       CREATED         STATUS         PORTS     NAMES\n"
                "0123456789ab   busybox   \"sleep 100\"   5 seconds ago   Up 4 seconds             web\n");

        assert_int_equal(table_add_tab_row(u, "A\tB…"), 0);
        assert_int_equal(table_add_tab_row(u, "longer cell\tx"), 0);
        s2 = print_table(u);
        assert_string_equal(s2, "A             B…\nlonger cell   x\n");
}

static void test_json_indent(void **state) {
        _cleanup_json_ cJSON *o = cJSON_Parse(
                "[{\"Id\":\"a\\tb\",\"State\":{\"ExitCode\":0},\"Args\":[],\"Env\":[\"A=1\"],\"E\":{}}]");
        _cleanup_free_ char *s = NULL;

        assert_non_null(o);
        s = json_print_indented(o);
        /* Go's json.MarshalIndent layout, as docker inspect prints. */
        assert_string_equal(
                s,
                "[\n"
                "    {\n"
                "        \"Id\": \"a\\tb\",\n"
                "        \"State\": {\n"
                "            \"ExitCode\": 0\n"
                "        },\n"
                "        \"Args\": [],\n"
                "        \"Env\": [\n"
                "            \"A=1\"\n"
                "        ],\n"
                "        \"E\": {}\n"
                "    }\n"
                "]");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_human_duration),
                cmocka_unit_test(test_container_status),
                cmocka_unit_test(test_sizes_and_times),
                cmocka_unit_test(test_strings),
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_format_parse),
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_json_indent),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
