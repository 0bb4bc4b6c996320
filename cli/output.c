/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json-util.h"
#include "log.h"
#include "output.h"
#include "strv.h"

/* Templates and inspect output render text we got from the daemon: cap what it may grow to. */
#define TEMPLATE_MAX_OUTPUT (64U * 1024U * 1024U)

const char *format_human_duration(char buf[static FORMAT_BUF], uint64_t usec) {
        uint64_t seconds = usec / USEC_PER_SEC, minutes = seconds / 60;
        /* Go rounds hours: int(d.Hours() + 0.5). */
        uint64_t hours = (usec + 1800 * USEC_PER_SEC) / (3600 * USEC_PER_SEC);

        if (seconds < 1)
                snprintf(buf, FORMAT_BUF, "Less than a second");
        else if (seconds == 1)
                snprintf(buf, FORMAT_BUF, "1 second");
        else if (seconds < 60)
                snprintf(buf, FORMAT_BUF, "%llu seconds", (unsigned long long)seconds);
        else if (minutes == 1)
                snprintf(buf, FORMAT_BUF, "About a minute");
        else if (minutes < 60)
                snprintf(buf, FORMAT_BUF, "%llu minutes", (unsigned long long)minutes);
        else if (hours == 1)
                snprintf(buf, FORMAT_BUF, "About an hour");
        else if (hours < 48)
                snprintf(buf, FORMAT_BUF, "%llu hours", (unsigned long long)hours);
        else if (hours < 24 * 7 * 2)
                snprintf(buf, FORMAT_BUF, "%llu days", (unsigned long long)(hours / 24));
        else if (hours < 24 * 30 * 2)
                snprintf(buf, FORMAT_BUF, "%llu weeks", (unsigned long long)(hours / 24 / 7));
        else if (hours < 24 * 365 * 2)
                snprintf(buf, FORMAT_BUF, "%llu months", (unsigned long long)(hours / 24 / 30));
        else
                snprintf(
                        buf,
                        FORMAT_BUF,
                        "%llu years",
                        (unsigned long long)(usec / USEC_PER_SEC / 3600 / 24 / 365));
        return buf;
}

static uint64_t elapsed(uint64_t then_usec, uint64_t now_usec) {
        /* Clocks of client and daemon may disagree by a little; never print a negative age. */
        return now_usec > then_usec ? now_usec - then_usec : 0;
}

/* Appends s to buf, cutting it at the end of buf. */
static void append(char buf[static FORMAT_BUF], const char *s) {
        size_t k = strlen(buf), n = MIN(strlen(s), FORMAT_BUF - 1 - k);
        memcpy(buf + k, s, n);
        buf[k + n] = 0;
}

const char *format_ago(char buf[static FORMAT_BUF], uint64_t then_usec, uint64_t now_usec) {
        format_human_duration(buf, elapsed(then_usec, now_usec));
        append(buf, " ago");
        return buf;
}

const char *format_container_status(
        char buf[static FORMAT_BUF],
        const char *state,
        int exit_code,
        uint64_t started_usec,
        uint64_t finished_usec,
        uint64_t now_usec) {
        char d[FORMAT_BUF];

        if (streq_ptr(state, "running") || streq_ptr(state, "paused")) {
                snprintf(buf, FORMAT_BUF, "Up");
                if (started_usec > 0) {
                        append(buf, " ");
                        append(buf, format_human_duration(d, elapsed(started_usec, now_usec)));
                }
                if (streq(state, "paused"))
                        append(buf, " (Paused)");
        } else if (streq_ptr(state, "restarting")) {
                snprintf(buf, FORMAT_BUF, "Restarting (%i)", exit_code);
                if (finished_usec > 0) {
                        append(buf, " ");
                        append(buf, format_ago(d, finished_usec, now_usec));
                }
        } else if (streq_ptr(state, "exited")) {
                snprintf(buf, FORMAT_BUF, "Exited (%i)", exit_code);
                if (finished_usec > 0) {
                        append(buf, " ");
                        append(buf, format_ago(d, finished_usec, now_usec));
                }
        } else if (streq_ptr(state, "removing"))
                snprintf(buf, FORMAT_BUF, "Removal In Progress");
        else if (streq_ptr(state, "created"))
                snprintf(buf, FORMAT_BUF, "Created");
        else
                snprintf(buf, FORMAT_BUF, "%s", state ?: "");
        return buf;
}

static const char *format_units(
        char buf[static FORMAT_BUF],
        uint64_t bytes,
        double base,
        const char *const units[9],
        int precision) {
        double v = (double)bytes;
        size_t i = 0;

        while (v >= base && i < 8) {
                v /= base;
                i++;
        }
        snprintf(buf, FORMAT_BUF, "%.*g%s", precision, v, units[i]);
        return buf;
}

const char *format_size(char buf[static FORMAT_BUF], uint64_t bytes) {
        static const char *const units[9] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
        return format_units(buf, bytes, 1000.0, units, 3);
}

const char *format_bytes_binary(char buf[static FORMAT_BUF], uint64_t bytes) {
        static const char *const units[9] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"};
        return format_units(buf, bytes, 1024.0, units, 4);
}

const char *format_rfc3339nano_nsec(char buf[static FORMAT_BUF], uint64_t nsec) {
        time_t t = (time_t)(nsec / NSEC_PER_SEC);
        unsigned frac = (unsigned)(nsec % NSEC_PER_SEC);
        char date[64], f[16] = "";
        struct tm tm;

        if (nsec == 0) {
                snprintf(buf, FORMAT_BUF, "0001-01-01T00:00:00Z");
                return buf;
        }
        if (!gmtime_r(&t, &tm) || strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
                date[0] = 0;
        if (frac > 0) {
                /* Go trims trailing zeros of the fraction. */
                int digits = 9;
                for (; frac % 10 == 0; frac /= 10)
                        digits--;
                snprintf(f, sizeof(f), ".%0*u", digits, frac);
        }
        snprintf(buf, FORMAT_BUF, "%s%sZ", date, f);
        return buf;
}

const char *format_rfc3339nano(char buf[static FORMAT_BUF], uint64_t usec) {
        return format_rfc3339nano_nsec(buf, usec * 1000U);
}

const char *format_go_time(char buf[static FORMAT_BUF], uint64_t usec) {
        time_t t = (time_t)(usec / USEC_PER_SEC);
        struct tm tm;

        if (!localtime_r(&t, &tm) || strftime(buf, FORMAT_BUF, "%Y-%m-%d %H:%M:%S %z %Z", &tm) == 0)
                buf[0] = 0;
        return buf;
}

size_t utf8_width(const char *s) {
        size_t n = 0;
        for (; *s; s++)
                if (((unsigned char)*s & 0xC0) != 0x80)
                        n++;
        return n;
}

char *ellipsize(const char *s, size_t max) {
        size_t n = 0;
        const char *p;
        char *r;

        if (utf8_width(s) <= max)
                return strdup(s);
        if (max == 0)
                return strdup("");
        /* Keep max-1 characters, then the ellipsis. */
        for (p = s; *p; p++) {
                if (((unsigned char)*p & 0xC0) != 0x80) {
                        if (n == max - 1)
                                break;
                        n++;
                }
        }
        if (asprintf(&r, "%.*s\xe2\x80\xa6", (int)(p - s), s) < 0)
                return NULL;
        return r;
}

char *quote_string(const char *s) {
        size_t n = strlen(s);
        char *r, *p;

        if (n > SIZE_MAX / 4 - 3)
                return NULL;
        r = p = malloc(n * 4 + 3);
        if (!r)
                return NULL;
        *p++ = '"';
        for (; *s; s++) {
                unsigned char c = (unsigned char)*s;
                switch (c) {
                case '"':
                case '\\':
                        *p++ = '\\';
                        *p++ = (char)c;
                        break;
                case '\n':
                        p = stpcpy(p, "\\n");
                        break;
                case '\t':
                        p = stpcpy(p, "\\t");
                        break;
                case '\r':
                        p = stpcpy(p, "\\r");
                        break;
                default:
                        if (c < 0x20 || c == 0x7f)
                                p += sprintf(p, "\\x%02x", c);
                        else
                                *p++ = (char)c;
                }
        }
        *p++ = '"';
        *p = 0;
        return r;
}

const char *reference_familiar_name(const char *s) {
        if (strncmp(s, "docker.io/library/", 18) == 0)
                return s + 18;
        if (strncmp(s, "docker.io/", 10) == 0)
                return s + 10;
        return s;
}

char *image_id_full(const char *id) {
        char *r;
        if (strncmp(id, "sha256:", 7) == 0)
                return strdup(id);
        if (asprintf(&r, "sha256:%s", id) < 0)
                return NULL;
        return r;
}

struct Table {
        size_t n_columns;
        size_t n_rows;
        char ***rows;
};

Table *table_new(size_t n_columns) {
        Table *t = calloc(1, sizeof(Table));
        if (!t)
                return NULL;
        t->n_columns = n_columns;
        return t;
}

Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_rows; i++)
                strv_free(t->rows[i]);
        free(t->rows);
        free(t);
        return NULL;
}

static int table_take_row(Table *t, char **row) {
        char ***rows;

        if (!row)
                return -ENOMEM;
        rows = realloc(t->rows, sizeof(char **) * (t->n_rows + 1));
        if (!rows) {
                strv_free(row);
                return -ENOMEM;
        }
        t->rows = rows;
        t->rows[t->n_rows++] = row;
        if (strv_length(row) > t->n_columns)
                t->n_columns = strv_length(row);
        return 0;
}

int table_add_row(Table *t, char *const *cells) {
        return table_take_row(t, strv_copy(cells));
}

int table_add_tab_row(Table *t, const char *row) {
        _cleanup_strv_free_ char **cells = NULL;
        const char *p = row;

        for (;;) {
                size_t k = strcspn(p, "\t");
                if (strv_consume(&cells, strndup(p, k)) < 0)
                        return -ENOMEM;
                if (p[k] == 0)
                        break;
                p += k + 1;
        }
        return table_take_row(t, TAKE_PTR(cells));
}

int table_print(Table *t, FILE *f) {
        _cleanup_free_ size_t *width = calloc(t->n_columns + 1, sizeof(size_t));

        if (!width)
                return -ENOMEM;
        for (size_t i = 0; i < t->n_rows; i++)
                for (size_t c = 0; t->rows[i][c]; c++)
                        width[c] = MAX(width[c], utf8_width(t->rows[i][c]) + 3);
        for (size_t c = 0; c < t->n_columns; c++)
                width[c] = MAX(width[c], 10U);

        for (size_t i = 0; i < t->n_rows; i++) {
                size_t n = strv_length(t->rows[i]);
                for (size_t c = 0; c < n; c++) {
                        fputs(t->rows[i][c], f);
                        /* The last cell of a line is not part of a column, as in Go's tabwriter. */
                        if (c + 1 < n)
                                fprintf(f, "%*s", (int)(width[c] - utf8_width(t->rows[i][c])), "");
                }
                fputc('\n', f);
        }
        return fflush(f) == 0 ? 0 : -EIO;
}

static char *unescape_format(const char *s) {
        char *r = malloc(strlen(s) + 1), *p = r;

        if (!r)
                return NULL;
        for (; *s; s++) {
                if (s[0] == '\\' && s[1] == 't') {
                        *p++ = '\t';
                        s++;
                } else if (s[0] == '\\' && s[1] == 'n') {
                        *p++ = '\n';
                        s++;
                } else
                        *p++ = *s;
        }
        *p = 0;
        return r;
}

int output_format_parse(const char *format, OutputFormat *ret, char **ret_body) {
        _cleanup_free_ char *body = NULL;
        const char *s;
        size_t n;
        bool table = false;

        if (isempty(format) || streq(format, "table")) {
                *ret = OUTPUT_DEFAULT;
                *ret_body = NULL;
                return 0;
        }
        if (streq(format, "json")) {
                *ret = OUTPUT_JSON;
                *ret_body = NULL;
                return 0;
        }
        s = format;
        if (strncmp(s, "table ", 6) == 0) {
                table = true;
                s += 6;
        }
        /* Docker trims spaces around the template. */
        s += strspn(s, " ");
        n = strlen(s);
        while (n > 0 && s[n - 1] == ' ')
                n--;
        body = strndup(s, n);
        if (!body)
                return -ENOMEM;
        *ret_body = unescape_format(body);
        if (!*ret_body)
                return -ENOMEM;
        *ret = table ? OUTPUT_TABLE_TEMPLATE : OUTPUT_TEMPLATE;
        return 0;
}

typedef struct Buffer {
        char *data;
        size_t size;
        size_t allocated;
} Buffer;

static int buffer_append(Buffer *b, const char *s, size_t n) {
        if (b->size + n + 1 > TEMPLATE_MAX_OUTPUT)
                return -E2BIG;
        if (b->size + n + 1 > b->allocated) {
                size_t a = MAX(b->allocated * 2, b->size + n + 64);
                char *d = realloc(b->data, a);
                if (!d)
                        return -ENOMEM;
                b->data = d;
                b->allocated = a;
        }
        memcpy(b->data + b->size, s, n);
        b->size += n;
        b->data[b->size] = 0;
        return 0;
}

static int buffer_puts(Buffer *b, const char *s) {
        return buffer_append(b, s, strlen(s));
}

static int compare_strings(const void *a, const void *b) {
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Prints a value as Go's fmt %v prints what encoding/json decoded into interface{}. */
static int buffer_put_value(Buffer *b, const cJSON *v) {
        char num[64];
        int r;

        if (!v)
                return buffer_puts(b, "<no value>");
        if (cJSON_IsString(v))
                return buffer_puts(b, v->valuestring);
        if (cJSON_IsBool(v))
                return buffer_puts(b, cJSON_IsTrue(v) ? "true" : "false");
        if (cJSON_IsNull(v))
                return buffer_puts(b, "<nil>");
        if (cJSON_IsNumber(v)) {
                if (v->valuedouble == (double)(long long)v->valuedouble)
                        snprintf(num, sizeof(num), "%lld", (long long)v->valuedouble);
                else
                        snprintf(num, sizeof(num), "%g", v->valuedouble);
                return buffer_puts(b, num);
        }
        if (cJSON_IsArray(v)) {
                const cJSON *e;
                bool first = true;

                r = buffer_puts(b, "[");
                cJSON_ArrayForEach (e, v) {
                        if (r >= 0 && !first)
                                r = buffer_puts(b, " ");
                        if (r >= 0)
                                r = buffer_put_value(b, e);
                        first = false;
                }
                return r < 0 ? r : buffer_puts(b, "]");
        }
        if (cJSON_IsObject(v)) {
                _cleanup_free_ const char **keys = NULL;
                size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
                const cJSON *e;

                keys = calloc(n + 1, sizeof(char *));
                if (!keys)
                        return -ENOMEM;
                cJSON_ArrayForEach (e, v)
                        keys[i++] = e->string;
                qsort(keys, n, sizeof(char *), compare_strings);
                r = buffer_puts(b, "map[");
                for (i = 0; r >= 0 && i < n; i++) {
                        if (i > 0)
                                r = buffer_puts(b, " ");
                        if (r >= 0)
                                r = buffer_puts(b, keys[i]);
                        if (r >= 0)
                                r = buffer_puts(b, ":");
                        if (r >= 0)
                                r = buffer_put_value(b, cJSON_GetObjectItemCaseSensitive(v, keys[i]));
                }
                return r < 0 ? r : buffer_puts(b, "]");
        }
        return -EINVAL;
}

/* ".A.B" -> the value; "." -> root. NULL when a key is missing. */
static const cJSON *lookup_path(const cJSON *root, const char *path) {
        const cJSON *v = root;
        const char *p = path + 1;

        while (*p && v) {
                size_t k = strcspn(p, ".");
                char key[256];

                if (k == 0 || k >= sizeof(key) || !cJSON_IsObject(v))
                        return NULL;
                memcpy(key, p, k);
                key[k] = 0;
                v = cJSON_GetObjectItemCaseSensitive(v, key);
                p += k;
                if (*p == '.')
                        p++;
        }
        return v;
}

static bool is_field_path(const char *s) {
        if (s[0] != '.')
                return false;
        for (const char *p = s + 1; *p; p++)
                if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.')
                        return false;
        return true;
}

typedef int (*action_func_t)(Buffer *b, const char *action, const void *userdata);

static int template_walk(const char *tmpl, action_func_t f, const void *userdata, char **ret) {
        _cleanup_free_ char *data = NULL;
        Buffer b = {};
        const char *p = tmpl;
        int r = 0;

        while (r >= 0 && *p) {
                const char *open = strstr(p, "{{"), *close;
                char action[512];
                size_t n;

                if (!open) {
                        r = buffer_puts(&b, p);
                        break;
                }
                r = buffer_append(&b, p, (size_t)(open - p));
                if (r < 0)
                        break;
                close = strstr(open + 2, "}}");
                if (!close) {
                        r = -EINVAL;
                        break;
                }
                /* The action without surrounding spaces. */
                open += 2;
                while (open < close && *open == ' ')
                        open++;
                n = (size_t)(close - open);
                while (n > 0 && open[n - 1] == ' ')
                        n--;
                if (n == 0 || n >= sizeof(action)) {
                        r = -EINVAL;
                        break;
                }
                memcpy(action, open, n);
                action[n] = 0;
                r = f(&b, action, userdata);
                p = close + 2;
        }
        data = b.data;
        if (r < 0)
                return r;
        *ret = data ? TAKE_PTR(data) : strdup("");
        return *ret ? 0 : -ENOMEM;
}

static int render_value_action(Buffer *b, const char *action, const void *userdata) {
        const cJSON *root = userdata;

        if (strncmp(action, "json ", 5) == 0) {
                const char *path = action + 5;
                _cleanup_free_ char *s = NULL;
                const cJSON *v;

                path += strspn(path, " ");
                if (!is_field_path(path))
                        return -EINVAL;
                v = lookup_path(root, path);
                if (!v)
                        return buffer_puts(b, "null");
                s = cJSON_PrintUnformatted(v);
                return s ? buffer_puts(b, s) : -ENOMEM;
        }
        if (!is_field_path(action))
                return -EINVAL;
        return buffer_put_value(b, lookup_path(root, action));
}

int template_render(const char *tmpl, const cJSON *root, char **ret) {
        return template_walk(tmpl, render_value_action, root, ret);
}

static int render_header_action(Buffer *b, const char *action, const void *userdata) {
        const cJSON *headers = userdata;
        const char *key = action, *h;
        char upper[512];
        size_t i;

        if (strncmp(key, "json ", 5) == 0)
                key += 5 + strspn(key + 5, " ");
        if (!is_field_path(key))
                return -EINVAL;
        key++;
        h = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(headers, key));
        if (h)
                return buffer_puts(b, h);
        for (i = 0; key[i] && i + 1 < sizeof(upper); i++)
                upper[i] = (char)toupper((unsigned char)key[i]);
        upper[i] = 0;
        return buffer_puts(b, upper);
}

int template_render_header(const char *tmpl, const cJSON *headers, char **ret) {
        return template_walk(tmpl, render_header_action, headers, ret);
}

static int json_put_indented(Buffer *b, const cJSON *v, unsigned level) {
        bool object = cJSON_IsObject(v);
        const cJSON *e;
        int r;

        if (!(object || cJSON_IsArray(v)) || !v->child) {
                _cleanup_free_ char *s = cJSON_PrintUnformatted(v);
                return s ? buffer_puts(b, s) : -ENOMEM;
        }
        /* Go's json.MarshalIndent(v, "", "    "): one member a line, also inside arrays. */
        r = buffer_puts(b, object ? "{\n" : "[\n");
        cJSON_ArrayForEach (e, v) {
                for (unsigned i = 0; r >= 0 && i <= level; i++)
                        r = buffer_puts(b, "    ");
                if (r >= 0 && object) {
                        _cleanup_free_ char *key = NULL;
                        cJSON *k = cJSON_CreateString(e->string);
                        key = k ? cJSON_PrintUnformatted(k) : NULL;
                        cJSON_Delete(k);
                        r = key ? buffer_puts(b, key) : -ENOMEM;
                        if (r >= 0)
                                r = buffer_puts(b, ": ");
                }
                if (r >= 0)
                        r = json_put_indented(b, e, level + 1);
                if (r >= 0)
                        r = buffer_puts(b, e->next ? ",\n" : "\n");
        }
        for (unsigned i = 0; r >= 0 && i < level; i++)
                r = buffer_puts(b, "    ");
        return r < 0 ? r : buffer_puts(b, object ? "}" : "]");
}

char *json_print_indented(const cJSON *o) {
        Buffer b = {};

        if (json_put_indented(&b, o, 0) < 0) {
                free(b.data);
                return NULL;
        }
        return b.data;
}

int print_inspected(const cJSON *objects, OutputFormat format, const char *body) {
        _cleanup_free_ char *s = NULL;
        const cJSON *o;

        if (format != OUTPUT_TEMPLATE && format != OUTPUT_TABLE_TEMPLATE) {
                s = json_print_indented(objects);
                if (!s)
                        return log_oom();
                puts(s);
                return 0;
        }
        cJSON_ArrayForEach (o, objects) {
                free(s);
                s = NULL;
                if (template_render(body, o, &s) < 0)
                        return log_error_errno(EINVAL, "template parsing error: %s", body);
                puts(s);
        }
        return 0;
}

/* Adds the shown fields of row to t, or with row NULL their titles. */
static int table_add_shown(Table *t, const cJSON *row, const Column *columns, size_t n_columns) {
        _cleanup_free_ const char **cells = calloc(n_columns + 1, sizeof(char *));
        size_t k = 0;

        if (!cells)
                return -ENOMEM;
        for (size_t c = 0; c < n_columns; c++)
                if (columns[c].shown)
                        cells[k++] = row ? json_get_string(row, columns[c].key) ?: "" : columns[c].title;
        return table_add_row(t, (char *const *)cells);
}

static int print_default_table(const cJSON *rows, const Column *columns, size_t n_columns) {
        _cleanup_(table_freep) Table *t = table_new(0);
        const cJSON *o;
        int r;

        if (!t)
                return log_oom();
        r = table_add_shown(t, NULL, columns, n_columns);
        cJSON_ArrayForEach (o, rows)
                if (r >= 0)
                        r = table_add_shown(t, o, columns, n_columns);
        if (r < 0)
                return log_oom();
        return table_print(t, stdout);
}

int print_formatted_rows(
        const cJSON *rows, OutputFormat format, const char *body, const Column *columns, size_t n_columns) {
        _cleanup_(table_freep) Table *t = NULL;
        const cJSON *o;
        int r;

        if (format == OUTPUT_DEFAULT)
                return print_default_table(rows, columns, n_columns);
        if (format == OUTPUT_TABLE_TEMPLATE) {
                _cleanup_json_ cJSON *headers = cJSON_CreateObject();
                _cleanup_free_ char *h = NULL;

                t = table_new(0);
                if (!t || !headers)
                        return -ENOMEM;
                for (size_t c = 0; c < n_columns; c++)
                        if (!cJSON_AddStringToObject(headers, columns[c].key, columns[c].title))
                                return -ENOMEM;
                r = template_render_header(body, headers, &h);
                if (r < 0)
                        return log_error_errno(r, "template parsing error: %s", body);
                r = table_add_tab_row(t, h);
                if (r < 0)
                        return r;
        }
        cJSON_ArrayForEach (o, rows) {
                _cleanup_free_ char *s = NULL;

                if (format == OUTPUT_JSON) {
                        s = cJSON_PrintUnformatted(o);
                        if (!s)
                                return -ENOMEM;
                        puts(s);
                        continue;
                }
                r = template_render(body, o, &s);
                if (r < 0)
                        return log_error_errno(r, "template parsing error: %s", body);
                if (t) {
                        r = table_add_tab_row(t, s);
                        if (r < 0)
                                return r;
                } else
                        puts(s);
        }
        return t ? table_print(t, stdout) : 0;
}
