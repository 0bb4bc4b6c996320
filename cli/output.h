/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "macro.h"
#include "time-util.h"

#define SHORT_ID_LEN 12
#define FORMAT_BUF 128

#define STRV_MAKE(...) ((char **)((const char *[]){__VA_ARGS__, NULL}))

/* CLOCK_REALTIME in µs, the clock the daemon's timestamps use. */

/* Docker's units.HumanDuration: "Less than a second", "5 seconds", "About a minute", "2 hours", ... */
const char *format_human_duration(char buf[static FORMAT_BUF], uint64_t usec);
/* Docker's STATUS column: "Created", "Up 3 seconds", "Up 5 seconds (Paused)", "Exited (0) 5 seconds ago",
 * "Restarting (1) 2 seconds ago". Times in µs since the epoch, 0 = never. */
const char *format_container_status(
        char buf[static FORMAT_BUF],
        const char *state,
        int exit_code,
        uint64_t started_usec,
        uint64_t finished_usec,
        uint64_t now_usec);
/* "5 seconds ago" */
const char *format_ago(char buf[static FORMAT_BUF], uint64_t then_usec, uint64_t now_usec);
/* Docker's units.HumanSizeWithPrecision(size, 3): decimal units, "4.26MB". */
const char *format_size(char buf[static FORMAT_BUF], uint64_t bytes);
/* Docker's units.BytesSize: binary units, "7.668GiB". */
const char *format_bytes_binary(char buf[static FORMAT_BUF], uint64_t bytes);
/* Go's RFC3339Nano in UTC ("2024-05-01T10:00:00.123456Z"); 0 gives Go's zero time. */
const char *format_rfc3339nano(char buf[static FORMAT_BUF], uint64_t usec);
const char *format_rfc3339nano_nsec(char buf[static FORMAT_BUF], uint64_t nsec);
/* Go's time.String() in local time: "2024-05-01 12:00:00 +0200 CEST". */
const char *format_go_time(char buf[static FORMAT_BUF], uint64_t usec);
/* Docker's Ellipsis: at most max characters, the last one "…" when cut. */
char *ellipsize(const char *s, size_t max);
/* Go's strconv.Quote for the printable subset: wraps in quotes, escapes \ " and control characters. */
char *quote_string(const char *s);
/* "docker.io/library/busybox:latest" -> "busybox:latest", "docker.io/u/app" -> "u/app". */
const char *reference_familiar_name(const char *s);
/* "sha256:" prefixed id from a hex id or an already prefixed one. */
char *image_id_full(const char *id);
/* Number of characters (UTF-8 code points) in s. */
size_t utf8_width(const char *s);

/* A table laid out as Docker's tabwriter (minwidth 10, padding 3; the last column is not padded). */
typedef struct Table Table;
Table *table_new(size_t n_columns);
Table *table_free(Table *t);
DEFINE_TRIVIAL_CLEANUP_FUNC(Table *, table_free);
int table_add_row(Table *t, char *const *cells);
/* A row given as one string with cells separated by tab characters. */
int table_add_tab_row(Table *t, const char *row);
int table_print(Table *t, FILE *f);

/* The --format argument of ps/images/inspect. */
typedef enum OutputFormat {
        OUTPUT_DEFAULT,
        OUTPUT_JSON,
        OUTPUT_TEMPLATE,
        OUTPUT_TABLE_TEMPLATE,
} OutputFormat;
/* Classifies format and returns the template body (without "table ", with \t and \n escapes turned
 * into tabs and newlines) in ret_body for the template kinds. */
int output_format_parse(const char *format, OutputFormat *ret, char **ret_body);

/* Go-template subset: literal text and {{.A.B}} path lookups or {{json .A}} / {{json .}} in a JSON
 * object. Values print as Go's templates print them (strings raw, maps as map[k:v], missing as
 * "<no value>"). -EINVAL on an action it does not understand. */
int template_render(const char *tmpl, const cJSON *root, char **ret);
/* Header row of a table template: each {{.Key}} becomes headers[Key] (or the upper-cased key). */
int template_render_header(const char *tmpl, const cJSON *headers, char **ret);

/* A field of the rows of a listing: its JSON key, its title in a table header, and whether the default
 * table shows it (the shown ones in the order of the array). */
typedef struct Column {
        const char *key;
        const char *title;
        bool shown;
} Column;

/* Prints rows (a JSON array of objects): by default as a table of the shown columns; one JSON object a
 * line (OUTPUT_JSON); through the template body; or through the table template with a header row
 * titled from columns. */
int print_formatted_rows(
        const cJSON *rows, OutputFormat format, const char *body, const Column *columns, size_t n_columns);

/* JSON laid out as Go's json.MarshalIndent with four spaces (docker inspect's layout). */
char *json_print_indented(const cJSON *o);

/* What inspect prints of objects (a JSON array): each through the template body for the template kinds,
 * else the whole array indented. Logs its failure. */
int print_inspected(const cJSON *objects, OutputFormat format, const char *body);
