/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "verbs-health.h"

#define NSEC_PER_USEC 1000.0

static int append_u64(sd_bus_message *m, const char *key, bool given, uint64_t v) {
        return given ? sd_bus_message_append(m, "{sv}", key, "t", v) : 0;
}

int health_append_create_options(sd_bus_message *m, const HealthFlags *f) {
        int r = 0;

        if (f->none)
                r = sd_bus_message_append(m, "{sv}", "HealthTest", "as", 1, "NONE");
        else if (f->cmd)
                r = sd_bus_message_append(m, "{sv}", "HealthTest", "as", 2, "CMD-SHELL", f->cmd);
        if (r >= 0)
                r = append_u64(m, "HealthInterval", f->has_interval, f->interval_usec);
        if (r >= 0)
                r = append_u64(m, "HealthTimeout", f->has_timeout, f->timeout_usec);
        if (r >= 0)
                r = append_u64(m, "HealthStartPeriod", f->has_start_period, f->start_period_usec);
        if (r >= 0 && f->has_retries)
                r = sd_bus_message_append(m, "{sv}", "HealthRetries", "i", (int32_t)f->retries);
        if (r >= 0 && f->on_failure)
                r = sd_bus_message_append(m, "{sv}", "HealthOnFailure", "s", f->on_failure);
        return r;
}

void health_append_status(char status[static FORMAT_BUF], const char *health) {
        size_t k = strlen(status);

        if (isempty(health))
                return;
        if (streq(health, "starting"))
                snprintf(status + k, FORMAT_BUF - k, " (health: starting)");
        else
                snprintf(status + k, FORMAT_BUF - k, " (%s)", health);
}

/* HealthLog: a(ttis) → [{Start, End, ExitCode, Output}]. */
static int read_log(sd_bus *bus, const char *path, cJSON **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ cJSON *log = cJSON_CreateArray();
        uint64_t start, end;
        const char *output;
        int32_t code;
        int r;

        if (!log)
                return -ENOMEM;
        r = sd_bus_get_property(
                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "HealthLog", NULL, &reply, "a(ttis)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ttis)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(reply, "(ttis)", &start, &end, &code, &output)) > 0) {
                char t1[FORMAT_BUF], t2[FORMAT_BUF];
                cJSON *e = cJSON_CreateObject();

                if (!e)
                        return -ENOMEM;
                cJSON_AddItemToArray(log, e);
                if (!cJSON_AddStringToObject(e, "Start", format_rfc3339nano(t1, start)) ||
                    !cJSON_AddStringToObject(e, "End", format_rfc3339nano(t2, end)) ||
                    !cJSON_AddNumberToObject(e, "ExitCode", code) ||
                    !cJSON_AddStringToObject(e, "Output", output))
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(log);
        return 0;
}

int health_inspect_json(sd_bus *bus, const char *path, const cJSON *p, cJSON *state, cJSON *config) {
        const char *status = json_get_string(p, "Health");
        cJSON *health, *check, *log = NULL;
        int r;

        if (isempty(status))
                return 0;

        r = read_log(bus, path, &log);
        if (r < 0)
                return r;
        health = cJSON_AddObjectToObject(state, "Health");
        if (!health) {
                cJSON_Delete(log);
                return -ENOMEM;
        }
        /* Docker's order: Status, FailingStreak, Log. */
        if (!cJSON_AddStringToObject(health, "Status", status) ||
            !cJSON_AddNumberToObject(
                    health, "FailingStreak", (double)json_get_integer(p, "HealthFailingStreak", 0))) {
                cJSON_Delete(log);
                return -ENOMEM;
        }
        cJSON_AddItemToObject(health, "Log", log);

        check = cJSON_AddObjectToObject(config, "Healthcheck");
        if (!check ||
            !cJSON_AddItemToObject(
                    check,
                    "Test",
                    cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "HealthTest"), true)
                            ?: cJSON_CreateArray()) ||
            !cJSON_AddNumberToObject(
                    check, "Interval", (double)json_get_integer(p, "HealthInterval", 0) * NSEC_PER_USEC) ||
            !cJSON_AddNumberToObject(
                    check, "Timeout", (double)json_get_integer(p, "HealthTimeout", 0) * NSEC_PER_USEC) ||
            !cJSON_AddNumberToObject(
                    check,
                    "StartPeriod",
                    (double)json_get_integer(p, "HealthStartPeriod", 0) * NSEC_PER_USEC) ||
            !cJSON_AddNumberToObject(check, "Retries", (double)json_get_integer(p, "HealthRetries", 0)) ||
            !cJSON_AddStringToObject(check, "OnFailure", json_get_string(p, "HealthOnFailure") ?: "none"))
                return -ENOMEM;
        return 0;
}
