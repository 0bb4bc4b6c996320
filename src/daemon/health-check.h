/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Health checks, the pure part: the check's configuration (create options merged over the image's
 * HEALTHCHECK, Docker's rules and defaults), the status a probe result leads to, the last probes, and
 * their form in state.json. The probes themselves run in container-health.c. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "image-store.h"
#include "macro.h"

#define HEALTH_INTERVAL_DEFAULT_USEC (30ULL * 1000000ULL)
#define HEALTH_TIMEOUT_DEFAULT_USEC (30ULL * 1000000ULL)
#define HEALTH_RETRIES_DEFAULT 3U
/* Docker's containertypes.MinimumDuration. */
#define HEALTH_DURATION_MIN_USEC 1000ULL
/* Bounds what a user or an image may ask for: a check every 100 years is not a check. */
#define HEALTH_DURATION_MAX_USEC (100ULL * 365ULL * 24ULL * 3600ULL * 1000000ULL)
#define HEALTH_TEST_ARGS_MAX 256U
#define HEALTH_TEST_SIZE_MAX (64U * 1024U)
/* Docker keeps the last 5 results with at most 4096 bytes of output each. */
#define HEALTH_LOG_MAX 5U
#define HEALTH_OUTPUT_MAX 4096U

typedef enum HealthStatus {
        HEALTH_NONE, /* no check */
        HEALTH_STARTING,
        HEALTH_HEALTHY,
        HEALTH_UNHEALTHY,
        _HEALTH_STATUS_MAX,
        _HEALTH_STATUS_INVALID = -EINVAL,
} HealthStatus;

/* Beyond Docker (podman's --health-on-failure): what berthd does when the container turns unhealthy. */
typedef enum HealthOnFailure {
        HEALTH_ON_FAILURE_NONE,
        HEALTH_ON_FAILURE_KILL,    /* SIGKILL; the restart policy decides what follows */
        HEALTH_ON_FAILURE_RESTART, /* as berth restart */
        _HEALTH_ON_FAILURE_MAX,
        _HEALTH_ON_FAILURE_INVALID = -EINVAL,
} HealthOnFailure;

/* "" for HEALTH_NONE, "starting", "healthy", "unhealthy". */
const char *health_status_to_string(HealthStatus s);
HealthStatus health_status_from_string(const char *s);
const char *health_on_failure_to_string(HealthOnFailure f);
HealthOnFailure health_on_failure_from_string(const char *s);

/* The CreateContainer options of the check (dbus/org.berth.berth1.Manager.xml); has_*: given. */
typedef struct HealthOptions {
        char **test; /* HealthTest: ["CMD", …], ["CMD-SHELL", "…"] or ["NONE"]; NULL: not given */
        uint64_t interval_usec, timeout_usec, start_period_usec;
        int32_t retries;
        bool has_interval, has_timeout, has_start_period, has_retries;
        char *on_failure;
} HealthOptions;

void health_options_done(HealthOptions *o);

/* The check of a container, every value resolved (defaults applied). */
typedef struct HealthConfig {
        char **test; /* ["CMD", arg0, …] or ["CMD-SHELL", command, …] */
        uint64_t interval_usec, timeout_usec, start_period_usec;
        uint32_t retries;
        HealthOnFailure on_failure;
} HealthConfig;

typedef struct HealthResult {
        uint64_t start_usec, end_usec; /* µs since the epoch */
        int exit_code;                 /* -1: no exit code (timeout, no probe) */
        char *output;                  /* at most HEALTH_OUTPUT_MAX bytes */
} HealthResult;

typedef struct ContainerHealth {
        HealthConfig config;

        /* Persisted: the state of the check (Docker's State.Health). */
        HealthStatus status;
        uint32_t failing_streak;
        HealthResult log[HEALTH_LOG_MAX]; /* oldest first */
        size_t n_log;
        uint64_t run_started_usec; /* StartedAt of the run the status describes */

        /* Runtime only (container-health.c): one timer, the next probe's or the running probe's
         * timeout, and the probe's connection to the runtime. */
        sd_event_source *timer;
        sd_event_source *probe_io;
        int probe_fd;
        uint64_t probe_start_usec;
        char *probe_output;
        size_t probe_output_size;
} ContainerHealth;

ContainerHealth *container_health_free(ContainerHealth *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(ContainerHealth *, container_health_free);
/* Stops the timer and drops a running probe (closing its connection kills it). */
void container_health_disarm(ContainerHealth *h);

/* Merges the options over the image's HEALTHCHECK as Docker does (a test given replaces the image's,
 * each value given replaces the image's, 0 in the image means not set) and checks the result.
 * *ret is NULL when there is no check (none at all, ["NONE"], or --no-healthcheck). -EINVAL with a
 * message for the user in *ret_message (Docker's words). 1 when the image's check is unusable and
 * none runs, *ret_message saying why. */
int health_config_resolve(
        const HealthOptions *o, const ImageHealthcheck *image, ContainerHealth **ret, char **ret_message);

/* The command a probe runs: ["CMD", a…] → a…; ["CMD-SHELL", s…] → /bin/sh -c s…. */
int health_config_probe_argv(const HealthConfig *c, char ***ret);

/* Records a finished probe as Docker's handleProbeResult() does: the log keeps the last
 * HEALTH_LOG_MAX, exit code 0 is healthy and resets the streak, anything else increments it (except
 * while starting, within the start period: started_usec is the container's StartedAt) and makes the
 * container unhealthy at `retries`. Takes result->output. Returns the status before. */
HealthStatus container_health_record(ContainerHealth *h, HealthResult *result, uint64_t started_usec);
/* A new run of the container: starting, streak 0; the log stays (Docker's initHealthMonitor). */
void container_health_reset(ContainerHealth *h, uint64_t started_usec);

/* state.json: "Healthcheck" (the config, durations in ns as Docker's config) and "Health" ({Status,
 * FailingStreak, Log, RunStartedAt}). Nothing is written without a check. */
int container_health_to_json(const ContainerHealth *h, cJSON *state);
/* *ret NULL when state has no "Healthcheck". -EINVAL for a bad one. */
int container_health_from_json(const cJSON *state, ContainerHealth **ret);

/* "1m30s", "500ms", "30s": Go's time.Duration.String() for whole milliseconds, as Docker's messages
 * print a duration. */
/* Room for the longest Go duration of a uint64_t µs: "5124095576h1m49.551615s" and the NUL. */
#define HEALTH_DURATION_MAX 64
const char *health_format_duration(char buf[static HEALTH_DURATION_MAX], uint64_t usec);

/* A probe's output as a D-Bus and JSON string: invalid UTF-8 and NUL bytes become U+FFFD. */
char *health_output_sanitize(const char *data, size_t size);
