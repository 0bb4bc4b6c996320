/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <systemd/sd-journal.h>
#include <time.h>

#include "bus-util.h"
#include "events.h"
#include "json-util.h"
#include "log.h"
#include "manager.h"
#include "time-util.h"

/* Bounds the attributes of one event (a caller's mistake, not data from outside). */
#define EVENT_ATTRIBUTES_MAX 32U

typedef struct Attribute {
        const char *key;
        const char *value;
} Attribute;

static int compare_attributes(const void *a, const void *b) {
        return strcmp(((const Attribute *)a)->key, ((const Attribute *)b)->key);
}

static int emit_signal(
        Manager *m,
        const char *type,
        const char *action,
        const char *id,
        const Attribute *a,
        size_t n,
        uint64_t t) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *s = NULL;
        int r;

        r = sd_bus_message_new_signal(m->bus, &s, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "Event");
        if (r >= 0)
                r = sd_bus_message_append(s, "sss", type, action, id);
        if (r >= 0)
                r = sd_bus_message_open_container(s, 'a', "{ss}");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(s, "{ss}", a[i].key, a[i].value);
        if (r >= 0)
                r = sd_bus_message_close_container(s);
        if (r >= 0)
                r = sd_bus_message_append(s, "t", t);
        if (r >= 0)
                r = sd_bus_send(m->bus, s, NULL);
        return r;
}

static int log_to_journal(
        const char *type, const char *action, const char *id, const Attribute *a, size_t n, uint64_t t) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        _cleanup_free_ char *json = NULL, *message = NULL;
        char *p;
        size_t size = 0;
        FILE *f;

        if (!o)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (!cJSON_AddStringToObject(o, a[i].key, a[i].value))
                        return -ENOMEM;
        json = cJSON_PrintUnformatted(o);
        if (!json)
                return -ENOMEM;

        /* The MESSAGE a human reads in journalctl: Docker's line without the time. */
        f = open_memstream(&message, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "%s %s %s", type, action, id);
        for (size_t i = 0; i < n; i++)
                fprintf(f, "%s%s=%s", i == 0 ? " (" : ", ", a[i].key, a[i].value);
        if (n > 0)
                fputs(")", f);
        if (fclose(f) != 0)
                return -ENOMEM;
        /* Attribute values are names and numbers; a newline would split the record's MESSAGE. */
        for (p = message; (p = strchr(p, '\n')); p++)
                *p = ' ';

        return sd_journal_send(
                "MESSAGE=%s",
                message,
                "MESSAGE_ID=" BERTH_EVENT_MESSAGE_ID,
                "PRIORITY=%i",
                LOG_INFO,
                "BERTH_EVENT_TYPE=%s",
                type,
                "BERTH_EVENT_ACTION=%s",
                action,
                "BERTH_EVENT_ID=%s",
                id,
                "BERTH_EVENT_ATTRIBUTES=%s",
                json,
                "BERTH_EVENT_TIME_USEC=%llu",
                (unsigned long long)t,
                NULL);
}

void manager_emit_event(Manager *m, const char *type, const char *action, const char *id, ...) {
        Attribute a[EVENT_ATTRIBUTES_MAX];
        uint64_t t = now_realtime_usec();
        const char *key;
        size_t n = 0;
        va_list ap;
        int r;

        va_start(ap, id);
        while ((key = va_arg(ap, const char *))) {
                const char *value = va_arg(ap, const char *);

                if (!value)
                        continue;
                if (n >= ELEMENTSOF(a)) {
                        log_warning("Event %s %s has too many attributes, dropping %s.", type, action, key);
                        continue;
                }
                a[n++] = (Attribute){key, value};
        }
        va_end(ap);
        qsort(a, n, sizeof(Attribute), compare_attributes);

        /* Journal first: a client that saw the signal finds the record when it reads the history. */
        r = log_to_journal(type, action, id, a, n, t);
        if (r < 0)
                log_warning_errno(r, "Failed to record event %s %s %s in the journal: %m", type, action, id);
        r = emit_signal(m, type, action, id, a, n, t);
        if (r < 0)
                log_warning_errno(r, "Failed to emit event %s %s %s: %m", type, action, id);
}
