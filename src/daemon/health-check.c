/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "health-check.h"
#include "json-util.h"
#include "strv.h"

#define NSEC_PER_USEC 1000ULL

static const char *const health_status_table[_HEALTH_STATUS_MAX] = {
        [HEALTH_NONE] = "",
        [HEALTH_STARTING] = "starting",
        [HEALTH_HEALTHY] = "healthy",
        [HEALTH_UNHEALTHY] = "unhealthy",
};

static const char *const health_on_failure_table[_HEALTH_ON_FAILURE_MAX] = {
        [HEALTH_ON_FAILURE_NONE] = "none",
        [HEALTH_ON_FAILURE_KILL] = "kill",
        [HEALTH_ON_FAILURE_RESTART] = "restart",
};

const char *health_status_to_string(HealthStatus s) {
        if (s < 0 || s >= _HEALTH_STATUS_MAX)
                return NULL;
        return health_status_table[s];
}

HealthStatus health_status_from_string(const char *s) {
        if (!s)
                return _HEALTH_STATUS_INVALID;
        for (HealthStatus i = 0; i < _HEALTH_STATUS_MAX; i++)
                if (streq(health_status_table[i], s))
                        return i;
        return _HEALTH_STATUS_INVALID;
}

const char *health_on_failure_to_string(HealthOnFailure f) {
        if (f < 0 || f >= _HEALTH_ON_FAILURE_MAX)
                return NULL;
        return health_on_failure_table[f];
}

HealthOnFailure health_on_failure_from_string(const char *s) {
        if (!s)
                return _HEALTH_ON_FAILURE_INVALID;
        for (HealthOnFailure i = 0; i < _HEALTH_ON_FAILURE_MAX; i++)
                if (streq(health_on_failure_table[i], s))
                        return i;
        return _HEALTH_ON_FAILURE_INVALID;
}

void health_options_done(HealthOptions *o) {
        strv_free(o->test);
        free(o->on_failure);
        *o = (HealthOptions){};
}

static void health_result_done(HealthResult *r) {
        free(r->output);
        *r = (HealthResult){};
}

void container_health_disarm(ContainerHealth *h) {
        if (!h)
                return;
        h->timer = sd_event_source_disable_unref(h->timer);
        h->probe_io = sd_event_source_disable_unref(h->probe_io);
        h->probe_fd = safe_close(h->probe_fd);
        free(h->probe_output);
        h->probe_output = NULL;
        h->probe_output_size = 0;
        h->probe_start_usec = 0;
}

ContainerHealth *container_health_free(ContainerHealth *h) {
        if (!h)
                return NULL;
        container_health_disarm(h);
        strv_free(h->config.test);
        for (size_t i = 0; i < h->n_log; i++)
                health_result_done(&h->log[i]);
        free(h);
        return NULL;
}

static ContainerHealth *container_health_new(void) {
        ContainerHealth *h = calloc(1, sizeof(ContainerHealth));

        if (!h)
                return NULL;
        h->probe_fd = -EBADF;
        h->status = HEALTH_STARTING;
        return h;
}

static int fail(char **ret_message, const char *format, ...) _printf_(2, 3);
static int fail(char **ret_message, const char *format, ...) {
        va_list ap;
        int n;

        if (!ret_message)
                return -EINVAL;
        va_start(ap, format);
        n = vasprintf(ret_message, format, ap);
        va_end(ap);
        if (n < 0) {
                *ret_message = NULL;
                return -ENOMEM;
        }
        return -EINVAL;
}

/* Checks the test's form: ["CMD", arg0, …] or ["CMD-SHELL", command, …] with arguments within bounds. */
static int check_test(char **test, char **ret_message) {
        size_t n = strv_length(test), total = 0;

        if (!streq(test[0], "CMD") && !streq(test[0], "CMD-SHELL"))
                return fail(
                        ret_message,
                        "Unknown healthcheck type '%s' (expected 'CMD', 'CMD-SHELL' or 'NONE')",
                        test[0]);
        if (n < 2 || isempty(test[1]))
                return fail(ret_message, "Healthcheck %s has no command", test[0]);
        if (n > HEALTH_TEST_ARGS_MAX)
                return fail(ret_message, "Healthcheck %s has too many arguments", test[0]);
        STRV_FOREACH (a, test)
                total += strlen(*a) + 1;
        if (total > HEALTH_TEST_SIZE_MAX)
                return fail(ret_message, "Healthcheck %s is too long", test[0]);
        return 0;
}

/* Docker's validateHealthCheck(): a duration given must be at least 1ms. */
static int check_duration(uint64_t usec, const char *what, char **ret_message) {
        if (usec < HEALTH_DURATION_MIN_USEC)
                return fail(ret_message, "%s in Healthcheck cannot be less than 1ms", what);
        if (usec > HEALTH_DURATION_MAX_USEC)
                return fail(ret_message, "%s in Healthcheck is too long", what);
        return 0;
}

/* An option given wins, then the image's value when set (ns there), then the default. */
static uint64_t pick_duration(bool given, uint64_t option_usec, uint64_t image_ns, uint64_t def) {
        if (given)
                return option_usec;
        if (image_ns > 0)
                return MIN(image_ns / NSEC_PER_USEC, HEALTH_DURATION_MAX_USEC);
        return def;
}

int health_config_resolve(
        const HealthOptions *o, const ImageHealthcheck *image, ContainerHealth **ret, char **ret_message) {
        _cleanup_(container_health_freep) ContainerHealth *h = NULL;
        HealthOnFailure on_failure = HEALTH_ON_FAILURE_NONE;
        char *const *test;
        int r;

        if (ret_message)
                *ret_message = NULL;

        /* Everything given is checked, whether or not a check results. */
        if (o->test && strv_length(o->test) == 0)
                return fail(ret_message, "%s", "Healthcheck test must not be empty");
        if (o->test && !streq(o->test[0], "NONE")) {
                r = check_test(o->test, ret_message);
                if (r < 0)
                        return r;
        }
        if ((o->has_interval && (r = check_duration(o->interval_usec, "Interval", ret_message)) < 0) ||
            (o->has_timeout && (r = check_duration(o->timeout_usec, "Timeout", ret_message)) < 0) ||
            (o->has_start_period &&
             (r = check_duration(o->start_period_usec, "StartPeriod", ret_message)) < 0))
                return r;
        if (o->has_retries && o->retries < 0)
                return fail(ret_message, "%s", "Retries in Healthcheck cannot be negative");
        if (o->on_failure) {
                on_failure = health_on_failure_from_string(o->on_failure);
                if (on_failure < 0)
                        return fail(
                                ret_message,
                                "invalid health-on-failure action \"%s\" (use none, kill or restart)",
                                o->on_failure);
        }

        test = o->test ?: image->test;
        if (strv_length((char **)test) == 0 || streq(test[0], "NONE")) {
                *ret = NULL;
                return 0;
        }
        if (!o->test) {
                /* The image's: not the user's mistake, but not a check either (Docker runs none). */
                r = check_test((char **)test, ret_message);
                if (r == -EINVAL) {
                        *ret = NULL;
                        return 1;
                }
                if (r < 0)
                        return r;
        }

        h = container_health_new();
        if (!h)
                return -ENOMEM;
        h->config.test = strv_copy((char **)test);
        if (!h->config.test)
                return -ENOMEM;
        h->config.interval_usec = pick_duration(
                o->has_interval, o->interval_usec, image->interval_ns, HEALTH_INTERVAL_DEFAULT_USEC);
        h->config.timeout_usec = pick_duration(
                o->has_timeout, o->timeout_usec, image->timeout_ns, HEALTH_TIMEOUT_DEFAULT_USEC);
        h->config.start_period_usec =
                pick_duration(o->has_start_period, o->start_period_usec, image->start_period_ns, 0);
        /* Retries 0 means the default, in the options as in the image. */
        if (o->has_retries && o->retries > 0)
                h->config.retries = (uint32_t)o->retries;
        else if (image->retries > 0)
                h->config.retries = (uint32_t)MIN(image->retries, (int64_t)INT32_MAX);
        else
                h->config.retries = HEALTH_RETRIES_DEFAULT;
        h->config.on_failure = on_failure;

        *ret = TAKE_PTR(h);
        return 0;
}

int health_config_probe_argv(const HealthConfig *c, char ***ret) {
        _cleanup_strv_free_ char **l = NULL;

        if (strv_length(c->test) < 2)
                return -EINVAL;
        if (streq(c->test[0], "CMD-SHELL")) {
                /* Docker's default shell; an image's SHELL is not kept. */
                if (strv_extend(&l, "/bin/sh") < 0 || strv_extend(&l, "-c") < 0)
                        return -ENOMEM;
        } else if (!streq(c->test[0], "CMD"))
                return -EINVAL;
        STRV_FOREACH (a, c->test + 1)
                if (strv_extend(&l, *a) < 0)
                        return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

void container_health_reset(ContainerHealth *h, uint64_t started_usec) {
        h->status = HEALTH_STARTING;
        h->failing_streak = 0;
        h->run_started_usec = started_usec;
}

HealthStatus container_health_record(ContainerHealth *h, HealthResult *result, uint64_t started_usec) {
        HealthStatus old = h->status;

        if (h->n_log >= HEALTH_LOG_MAX) {
                health_result_done(&h->log[0]);
                memmove(h->log, h->log + 1, sizeof(HealthResult) * (HEALTH_LOG_MAX - 1));
                h->n_log = HEALTH_LOG_MAX - 1;
        }
        h->log[h->n_log++] = *result;
        *result = (HealthResult){};

        if (h->log[h->n_log - 1].exit_code == 0) {
                h->failing_streak = 0;
                h->status = HEALTH_HEALTHY;
                return old;
        }
        /* Failures while starting, within the start period, do not count. */
        if (h->status == HEALTH_STARTING && h->log[h->n_log - 1].start_usec >= started_usec &&
            h->log[h->n_log - 1].start_usec - started_usec < h->config.start_period_usec)
                return old;
        if (h->failing_streak < UINT32_MAX)
                h->failing_streak++;
        if (h->failing_streak >= h->config.retries)
                h->status = HEALTH_UNHEALTHY;
        return old;
}

static bool add_number(cJSON *o, const char *key, double v) {
        return cJSON_AddNumberToObject(o, key, v) != NULL;
}

int container_health_to_json(const ContainerHealth *h, cJSON *state) {
        cJSON *config, *health, *log;

        if (!h)
                return 0;

        config = cJSON_AddObjectToObject(state, "Healthcheck");
        if (!config)
                return -ENOMEM;
        if (!cJSON_AddItemToObject(config, "Test", json_from_strv(h->config.test)) ||
            !add_number(config, "Interval", (double)h->config.interval_usec * NSEC_PER_USEC) ||
            !add_number(config, "Timeout", (double)h->config.timeout_usec * NSEC_PER_USEC) ||
            !add_number(config, "StartPeriod", (double)h->config.start_period_usec * NSEC_PER_USEC) ||
            !add_number(config, "Retries", h->config.retries) ||
            !cJSON_AddStringToObject(config, "OnFailure", health_on_failure_to_string(h->config.on_failure)))
                return -ENOMEM;

        health = cJSON_AddObjectToObject(state, "Health");
        if (!health || !cJSON_AddStringToObject(health, "Status", health_status_to_string(h->status)) ||
            !add_number(health, "FailingStreak", h->failing_streak) ||
            !add_number(health, "RunStartedAt", (double)h->run_started_usec))
                return -ENOMEM;
        log = cJSON_AddArrayToObject(health, "Log");
        if (!log)
                return -ENOMEM;
        for (size_t i = 0; i < h->n_log; i++) {
                cJSON *e = cJSON_CreateObject();

                if (!e)
                        return -ENOMEM;
                cJSON_AddItemToArray(log, e);
                if (!add_number(e, "Start", (double)h->log[i].start_usec) ||
                    !add_number(e, "End", (double)h->log[i].end_usec) ||
                    !add_number(e, "ExitCode", h->log[i].exit_code) ||
                    !cJSON_AddStringToObject(e, "Output", h->log[i].output ?: ""))
                        return -ENOMEM;
        }
        return 0;
}

static uint64_t get_u64(const cJSON *o, const char *key) {
        int64_t v = json_get_integer(o, key, 0);
        return v > 0 ? (uint64_t)v : 0;
}

int container_health_from_json(const cJSON *state, ContainerHealth **ret) {
        _cleanup_(container_health_freep) ContainerHealth *h = NULL;
        const cJSON *config = cJSON_GetObjectItemCaseSensitive(state, "Healthcheck"), *health, *log, *e;
        _cleanup_free_ char *message = NULL;
        int64_t retries;
        int r;

        if (!config || cJSON_IsNull(config)) {
                *ret = NULL;
                return 0;
        }
        if (!cJSON_IsObject(config))
                return -EINVAL;

        h = container_health_new();
        if (!h)
                return -ENOMEM;
        r = json_get_strv(config, "Test", &h->config.test);
        if (r < 0)
                return r;
        if (strv_length(h->config.test) == 0 || check_test(h->config.test, &message) < 0)
                return -EINVAL;
        h->config.interval_usec = get_u64(config, "Interval") / NSEC_PER_USEC;
        h->config.timeout_usec = get_u64(config, "Timeout") / NSEC_PER_USEC;
        h->config.start_period_usec = get_u64(config, "StartPeriod") / NSEC_PER_USEC;
        retries = json_get_integer(config, "Retries", HEALTH_RETRIES_DEFAULT);
        h->config.retries = retries > 0 && retries <= INT32_MAX ? (uint32_t)retries : HEALTH_RETRIES_DEFAULT;
        h->config.on_failure = health_on_failure_from_string(json_get_string(config, "OnFailure"));
        if (h->config.on_failure < 0)
                h->config.on_failure = HEALTH_ON_FAILURE_NONE;
        if (h->config.interval_usec < HEALTH_DURATION_MIN_USEC ||
            h->config.timeout_usec < HEALTH_DURATION_MIN_USEC)
                return -EINVAL;

        health = cJSON_GetObjectItemCaseSensitive(state, "Health");
        h->status = health_status_from_string(json_get_string(health, "Status"));
        if (h->status <= HEALTH_NONE)
                h->status = HEALTH_STARTING;
        h->failing_streak = (uint32_t)MIN(get_u64(health, "FailingStreak"), (uint64_t)UINT32_MAX);
        h->run_started_usec = get_u64(health, "RunStartedAt");
        log = cJSON_GetObjectItemCaseSensitive(health, "Log");
        cJSON_ArrayForEach (e, log) {
                const char *output = json_get_string(e, "Output");
                HealthResult *res;

                if (h->n_log >= HEALTH_LOG_MAX)
                        break;
                res = &h->log[h->n_log];
                res->start_usec = get_u64(e, "Start");
                res->end_usec = get_u64(e, "End");
                res->exit_code = (int)json_get_integer(e, "ExitCode", -1);
                res->output = strndup(output ?: "", HEALTH_OUTPUT_MAX);
                if (!res->output)
                        return -ENOMEM;
                h->n_log++;
        }

        *ret = TAKE_PTR(h);
        return 0;
}

/* The fraction of v / unit, without trailing zeros: ".5" for 1500/1000, "" for 2000/1000. */
static void format_fraction(char *buf, size_t size, uint64_t v, uint64_t unit, int digits) {
        uint64_t frac = v % unit;
        int n;

        if (frac == 0) {
                buf[0] = 0;
                return;
        }
        n = snprintf(buf, size, ".%0*llu", digits, (unsigned long long)frac);
        while (n > 1 && buf[n - 1] == '0')
                buf[--n] = 0;
}

const char *health_format_duration(char buf[static HEALTH_DURATION_MAX], uint64_t usec) {
        char frac[16];
        unsigned long long h, m;

        if (usec == 0)
                snprintf(buf, HEALTH_DURATION_MAX, "0s");
        else if (usec < 1000)
                snprintf(buf, HEALTH_DURATION_MAX, "%lluµs", (unsigned long long)usec);
        else if (usec < 1000000) {
                format_fraction(frac, sizeof(frac), usec, 1000, 3);
                snprintf(buf, HEALTH_DURATION_MAX, "%llu%sms", (unsigned long long)(usec / 1000), frac);
        } else {
                h = usec / 3600000000ULL;
                m = usec / 60000000ULL % 60;
                format_fraction(frac, sizeof(frac), usec % 60000000ULL, 1000000, 6);
                if (h > 0)
                        snprintf(
                                buf,
                                HEALTH_DURATION_MAX,
                                "%lluh%llum%llu%ss",
                                h,
                                m,
                                (unsigned long long)(usec / 1000000 % 60),
                                frac);
                else if (m > 0)
                        snprintf(
                                buf,
                                HEALTH_DURATION_MAX,
                                "%llum%llu%ss",
                                m,
                                (unsigned long long)(usec / 1000000 % 60),
                                frac);
                else
                        snprintf(
                                buf,
                                HEALTH_DURATION_MAX,
                                "%llu%ss",
                                (unsigned long long)(usec / 1000000),
                                frac);
        }
        return buf;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if it is not one. */
static size_t utf8_sequence_length(const unsigned char *s, size_t n) {
        uint32_t cp;
        size_t k;

        if (s[0] < 0x80)
                return s[0] != 0;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                k = 2, cp = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                k = 3, cp = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                k = 4, cp = s[0] & 0x07;
        else
                return 0;
        if (k > n)
                return 0;
        for (size_t i = 1; i < k; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* Overlong forms, surrogates and beyond U+10FFFF. */
        if ((k == 3 && cp < 0x800) || (k == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return k;
}

char *health_output_sanitize(const char *data, size_t size) {
        const unsigned char *s = (const unsigned char *)data;
        char *out, *p;

        /* Each bad byte becomes 3 bytes at most. */
        out = malloc(size * 3 + 1);
        if (!out)
                return NULL;
        p = out;
        for (size_t i = 0; i < size;) {
                size_t k = utf8_sequence_length(s + i, size - i);

                if (k == 0) {
                        memcpy(p, "\xef\xbf\xbd", 3);
                        p += 3;
                        i++;
                        continue;
                }
                memcpy(p, s + i, k);
                p += k;
                i += k;
        }
        *p = 0;
        return out;
}
