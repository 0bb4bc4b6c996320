/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event-format.h"
#include "json-util.h"
#include "strv.h"
#include "time-parse.h"

/* An event's attributes come from the daemon: bound what one may carry. */
#define EVENT_ATTRIBUTES_MAX 64U

void event_done(Event *e) {
        free(e->type);
        free(e->action);
        free(e->id);
        strv_free(e->attributes);
        *e = (Event){};
}

const char *event_attribute(const Event *e, const char *key) {
        for (char **a = e->attributes; a && a[0] && a[1]; a += 2)
                if (streq(a[0], key))
                        return a[1];
        return NULL;
}

int event_from_journal(
        const char *type,
        const char *action,
        const char *id,
        const char *attributes_json,
        const char *time_usec,
        Event *ret) {
        _cleanup_json_ cJSON *attrs = NULL;
        _cleanup_(event_done) Event e = {};
        const cJSON *a;
        char *end;
        unsigned n = 0;

        if (isempty(type) || isempty(action) || !id || isempty(time_usec))
                return -EINVAL;
        errno = 0;
        e.time_usec = strtoull(time_usec, &end, 10);
        if (errno != 0 || *end != 0 || time_usec[0] == '-')
                return -EINVAL;
        if (!isempty(attributes_json)) {
                attrs = cJSON_Parse(attributes_json);
                if (!cJSON_IsObject(attrs))
                        return -EINVAL;
                cJSON_ArrayForEach (a, attrs) {
                        if (!cJSON_IsString(a) || !a->string || ++n > EVENT_ATTRIBUTES_MAX)
                                return -EINVAL;
                        if (strv_extend(&e.attributes, a->string) < 0 ||
                            strv_extend(&e.attributes, a->valuestring) < 0)
                                return -ENOMEM;
                }
        }
        e.type = strdup(type);
        e.action = strdup(action);
        e.id = strdup(id);
        if (!e.type || !e.action || !e.id)
                return -ENOMEM;
        *ret = e;
        e = (Event){};
        return 0;
}

static int compare_keys(const void *a, const void *b) {
        return strcmp(**(char **const *)a, **(char **const *)b);
}

/* Pointers to the keys of e's attributes (each followed by its value), sorted by key. */
static int sorted_attributes(const Event *e, char ****ret, size_t *ret_n) {
        size_t n = strv_length(e->attributes) / 2;
        char ***keys;

        keys = calloc(n + 1, sizeof(char **));
        if (!keys)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                keys[i] = e->attributes + 2 * i;
        if (n > 0)
                qsort(keys, n, sizeof(char **), compare_keys);
        *ret = keys;
        *ret_n = n;
        return 0;
}

int event_format_line(const Event *e, char **ret) {
        _cleanup_free_ char ***keys = NULL;
        _cleanup_free_ char *attrs = NULL;
        char t[RFC3339_NANO_FIXED_MAX];
        size_t n, size = 0;
        FILE *f;
        int r;

        r = sorted_attributes(e, &keys, &n);
        if (r < 0)
                return r;
        f = open_memstream(&attrs, &size);
        if (!f)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char **kv = keys[i];
                fprintf(f, "%s%s=%s", i == 0 ? " (" : ", ", kv[0], kv[1]);
        }
        if (n > 0)
                fputs(")", f);
        if (fclose(f) != 0)
                return -ENOMEM;

        if (asprintf(
                    ret,
                    "%s %s %s %s%s",
                    format_rfc3339nano_fixed(t, e->time_usec),
                    e->type,
                    e->action,
                    e->id,
                    attrs ?: "") < 0)
                return -ENOMEM;
        return 0;
}

static cJSON *attributes_object(const Event *e) {
        cJSON *o = cJSON_CreateObject();

        for (char **a = e->attributes; o && a && a[0] && a[1]; a += 2)
                if (!cJSON_AddStringToObject(o, a[0], a[1])) {
                        cJSON_Delete(o);
                        return NULL;
                }
        return o;
}

static bool has_legacy_fields(const Event *e) {
        return streq(e->type, "container") || streq(e->type, "image");
}

int event_format_json(const Event *e, char **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        cJSON *actor, *attrs;
        char nano[32];

        if (!o)
                return -ENOMEM;
        if (has_legacy_fields(e)) {
                cJSON_AddStringToObject(o, "status", e->action);
                cJSON_AddStringToObject(o, "id", e->id);
                if (streq(e->type, "container") && event_attribute(e, "image"))
                        cJSON_AddStringToObject(o, "from", event_attribute(e, "image"));
        }
        cJSON_AddStringToObject(o, "Type", e->type);
        cJSON_AddStringToObject(o, "Action", e->action);
        actor = cJSON_AddObjectToObject(o, "Actor");
        attrs = attributes_object(e);
        if (!actor || !attrs) {
                cJSON_Delete(attrs);
                return -ENOMEM;
        }
        cJSON_AddStringToObject(actor, "ID", e->id);
        cJSON_AddItemToObject(actor, "Attributes", attrs);
        cJSON_AddStringToObject(o, "scope", "local");
        cJSON_AddNumberToObject(o, "time", (double)(e->time_usec / 1000000));
        /* Nanoseconds since the epoch do not fit a double: raw digits. */
        snprintf(nano, sizeof(nano), "%llu", (unsigned long long)e->time_usec * 1000ULL);
        cJSON_AddRawToObject(o, "timeNano", nano);

        *ret = cJSON_PrintUnformatted(o);
        return *ret ? 0 : -ENOMEM;
}

int event_template_object(const Event *e, cJSON **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        cJSON *actor, *attrs;
        char nano[32];

        if (!o)
                return -ENOMEM;
        cJSON_AddStringToObject(o, "Status", has_legacy_fields(e) ? e->action : "");
        cJSON_AddStringToObject(o, "ID", has_legacy_fields(e) ? e->id : "");
        cJSON_AddStringToObject(
                o, "From", streq(e->type, "container") ? event_attribute(e, "image") ?: "" : "");
        cJSON_AddStringToObject(o, "Type", e->type);
        cJSON_AddStringToObject(o, "Action", e->action);
        actor = cJSON_AddObjectToObject(o, "Actor");
        attrs = attributes_object(e);
        if (!actor || !attrs) {
                cJSON_Delete(attrs);
                return -ENOMEM;
        }
        cJSON_AddStringToObject(actor, "ID", e->id);
        cJSON_AddItemToObject(actor, "Attributes", attrs);
        cJSON_AddStringToObject(o, "Scope", "local");
        cJSON_AddNumberToObject(o, "Time", (double)(e->time_usec / 1000000));
        /* A template prints the digits; a double would round them. */
        snprintf(nano, sizeof(nano), "%llu", (unsigned long long)e->time_usec * 1000ULL);
        cJSON_AddStringToObject(o, "TimeNano", nano);
        *ret = TAKE_PTR(o);
        return 0;
}

void event_filter_done(EventFilter *f) {
        strv_free(f->containers);
        strv_free(f->events);
        strv_free(f->types);
        strv_free(f->images);
        *f = (EventFilter){};
}

int event_filter_add(EventFilter *f, const char *arg) {
        static const char *const known[] = {
                "config",
                "daemon",
                "label",
                "network",
                "node",
                "plugin",
                "scope",
                "secret",
                "service",
                "volume",
        };
        const char *eq = arg ? strchr(arg, '=') : NULL;
        _cleanup_free_ char *key = NULL;
        char ***l;

        if (!eq || eq == arg)
                return -EINVAL;
        key = strndup(arg, (size_t)(eq - arg));
        if (!key)
                return -ENOMEM;
        if (streq(key, "container"))
                l = &f->containers;
        else if (streq(key, "event"))
                l = &f->events;
        else if (streq(key, "type"))
                l = &f->types;
        else if (streq(key, "image"))
                l = &f->images;
        else {
                for (size_t i = 0; i < ELEMENTSOF(known); i++)
                        if (streq(key, known[i]))
                                return -EOPNOTSUPP;
                return -ENOKEY;
        }
        return strv_extend(l, eq + 1);
}

static bool prefix_match(char **values, const char *s) {
        if (!s)
                return false;
        STRV_FOREACH (v, values)
                if (strncmp(s, *v, strlen(*v)) == 0)
                        return true;
        return false;
}

/* "busybox:latest" also matches "busybox" and the other way round. */
static bool image_name_match(const char *filter, const char *name) {
        size_t n;

        if (!name)
                return false;
        if (streq(filter, name))
                return true;
        n = strlen(filter);
        if (strncmp(name, filter, n) == 0 && streq(name + n, ":latest"))
                return true;
        n = strlen(name);
        return strncmp(filter, name, n) == 0 && streq(filter + n, ":latest");
}

static bool image_match(char **values, const Event *e) {
        STRV_FOREACH (v, values) {
                if (streq(e->type, "container") && image_name_match(*v, event_attribute(e, "image")))
                        return true;
                if (streq(e->type, "image") &&
                    (image_name_match(*v, event_attribute(e, "name")) || streq(*v, e->id)))
                        return true;
        }
        return false;
}

bool event_filter_match(const EventFilter *f, const Event *e) {
        if (f->types && !strv_contains(f->types, e->type))
                return false;
        if (f->events) {
                /* Docker's "exec_start: sh -c …" is matched by "exec_start". */
                size_t n = strcspn(e->action, ":");
                bool found = false;
                STRV_FOREACH (v, f->events)
                        if (strlen(*v) == n && strncmp(*v, e->action, n) == 0)
                                found = true;
                if (!found)
                        return false;
        }
        if (f->containers &&
            (!streq(e->type, "container") || !(prefix_match(f->containers, e->id) ||
                                               prefix_match(f->containers, event_attribute(e, "name")))))
                return false;
        if (f->images && !image_match(f->images, e))
                return false;
        return true;
}
