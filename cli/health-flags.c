/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "health-flags.h"
#include "log.h"
#include "parse-flags.h"

void health_flags_done(HealthFlags *f) {
        free(f->cmd);
        free(f->on_failure);
        *f = (HealthFlags){};
}

static const char *flag_name(int flag) {
        switch (flag) {
        case HEALTH_FLAG_INTERVAL:
                return "health-interval";
        case HEALTH_FLAG_TIMEOUT:
                return "health-timeout";
        case HEALTH_FLAG_START_PERIOD:
                return "health-start-period";
        default:
                return "health-retries";
        }
}

static int parse_duration_flag(int flag, const char *arg, uint64_t *ret, bool *ret_given) {
        int r;

        /* Go's durations may be negative; Docker refuses them for these flags. */
        if (arg[0] == '-')
                return log_error_errno(EINVAL, "--%s cannot be negative", flag_name(flag));
        r = parse_duration_usec(arg, ret);
        if (r < 0)
                return log_error_errno(
                        EINVAL,
                        "invalid argument \"%s\" for \"--%s\" flag: time: invalid duration \"%s\"",
                        arg,
                        flag_name(flag),
                        arg);
        *ret_given = true;
        return 0;
}

static int parse_retries(const char *arg, int *ret) {
        const char *p = arg[0] == '-' || arg[0] == '+' ? arg + 1 : arg;
        char *end;
        long v;

        if (!isdigit((unsigned char)*p))
                goto invalid;
        errno = 0;
        v = strtol(arg, &end, 10);
        if (errno != 0 || *end != 0 || v < INT_MIN || v > INT_MAX)
                goto invalid;
        if (v < 0)
                return log_error_errno(EINVAL, "--health-retries cannot be negative");
        *ret = (int)v;
        return 0;
invalid:
        return log_error_errno(
                EINVAL,
                "invalid argument \"%s\" for \"--health-retries\" flag: strconv.ParseInt: parsing \"%s\": "
                "invalid syntax",
                arg,
                arg);
}

static int replace(char **p, const char *v) {
        char *c = strdup(v);

        if (!c)
                return log_oom();
        free(*p);
        *p = c;
        return 0;
}

int health_flags_parse(HealthFlags *f, int flag, const char *arg) {
        int r;

        switch (flag) {
        case HEALTH_FLAG_CMD:
                /* Docker: an empty command is no command. */
                if (isempty(arg)) {
                        free(f->cmd);
                        f->cmd = NULL;
                        return 0;
                }
                return replace(&f->cmd, arg);
        case HEALTH_FLAG_INTERVAL:
                return parse_duration_flag(flag, arg, &f->interval_usec, &f->has_interval);
        case HEALTH_FLAG_TIMEOUT:
                return parse_duration_flag(flag, arg, &f->timeout_usec, &f->has_timeout);
        case HEALTH_FLAG_START_PERIOD:
                return parse_duration_flag(flag, arg, &f->start_period_usec, &f->has_start_period);
        case HEALTH_FLAG_RETRIES:
                r = parse_retries(arg, &f->retries);
                if (r < 0)
                        return r;
                f->has_retries = true;
                return 0;
        case HEALTH_FLAG_NONE:
                f->none = true;
                return 0;
        case HEALTH_FLAG_ON_FAILURE:
                if (!streq(arg, "none") && !streq(arg, "kill") && !streq(arg, "restart"))
                        return log_error_errno(
                                EINVAL,
                                "invalid argument \"%s\" for \"--health-on-failure\" flag: use none, kill "
                                "or "
                                "restart",
                                arg);
                return replace(&f->on_failure, arg);
        default:
                return -EINVAL;
        }
}

int health_flags_check(const HealthFlags *f) {
        if (f->none && (f->cmd || f->has_interval || f->has_timeout || f->has_start_period ||
                        f->has_retries || f->on_failure))
                return log_error_errno(EINVAL, "--no-healthcheck conflicts with --health-* options");
        return 0;
}
