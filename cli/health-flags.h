/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The health check flags of run/create: --health-cmd, --health-interval, --health-timeout,
 * --health-retries, --health-start-period, --no-healthcheck and --health-on-failure (podman's). */

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>

enum {
        HEALTH_FLAG_CMD = 0x200,
        HEALTH_FLAG_INTERVAL,
        HEALTH_FLAG_TIMEOUT,
        HEALTH_FLAG_RETRIES,
        HEALTH_FLAG_START_PERIOD,
        HEALTH_FLAG_NONE,
        HEALTH_FLAG_ON_FAILURE,
        _HEALTH_FLAG_LAST = HEALTH_FLAG_ON_FAILURE,
};

/* Entries for a getopt_long table. */
#define HEALTH_FLAG_OPTIONS                                                                                 \
        {"health-cmd", required_argument, NULL, HEALTH_FLAG_CMD},                                           \
                {"health-interval", required_argument, NULL, HEALTH_FLAG_INTERVAL},                         \
                {"health-timeout", required_argument, NULL, HEALTH_FLAG_TIMEOUT},                           \
                {"health-retries", required_argument, NULL, HEALTH_FLAG_RETRIES},                           \
                {"health-start-period", required_argument, NULL, HEALTH_FLAG_START_PERIOD},                 \
                {"no-healthcheck", no_argument, NULL, HEALTH_FLAG_NONE}, {                                  \
                "health-on-failure", required_argument, NULL, HEALTH_FLAG_ON_FAILURE                        \
        }

#define HEALTH_FLAG_HELP                                                                                    \
        "      --health-cmd string            Command to run to check health\n"                             \
        "      --health-interval duration     Time between running the check (ms|s|m|h) (default 30s)\n"    \
        "      --health-on-failure string     Action when the container turns unhealthy: none, kill or "    \
        "restart (default \"none\")\n"                                                                      \
        "      --health-retries int           Consecutive failures needed to report unhealthy (default "    \
        "3)\n"                                                                                              \
        "      --health-start-period duration Start period for the container to initialize before "         \
        "starting health-retries countdown (ms|s|m|h) (default 0s)\n"                                       \
        "      --health-timeout duration      Maximum time to allow one check to run (ms|s|m|h) (default "  \
        "30s)\n"                                                                                            \
        "      --no-healthcheck               Disable any container-specified HEALTHCHECK\n"

typedef struct HealthFlags {
        char *cmd; /* NULL: not given */
        uint64_t interval_usec, timeout_usec, start_period_usec;
        int retries;
        bool has_interval, has_timeout, has_start_period, has_retries;
        bool none;
        char *on_failure;
} HealthFlags;

void health_flags_done(HealthFlags *f);
/* One flag (flag is one of HEALTH_FLAG_*). Prints Docker's error and returns -EINVAL for a bad value. */
int health_flags_parse(HealthFlags *f, int flag, const char *arg);
/* After all flags: --no-healthcheck conflicts with the others. */
int health_flags_check(const HealthFlags *f);
