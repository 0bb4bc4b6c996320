/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Docker's restart policies ("no", "always", "unless-stopped", "on-failure[:N]") and how they map onto
 * the container unit (DESIGN §2): systemd's Restart= does the restarting, berth only re-applies the
 * policies at boot, when the transient units are gone. Pure: no bus, no disk. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum RestartPolicyKind {
        RESTART_POLICY_NO,
        RESTART_POLICY_ALWAYS,
        RESTART_POLICY_UNLESS_STOPPED,
        RESTART_POLICY_ON_FAILURE,
        _RESTART_POLICY_MAX,
        _RESTART_POLICY_INVALID = -EINVAL,
} RestartPolicyKind;

typedef struct RestartPolicy {
        RestartPolicyKind kind;
        uint32_t max_retries; /* on-failure only; 0 = unlimited, as Docker */
} RestartPolicy;

/* The most restarts on-failure:N may ask for (systemd's StartLimitBurst= is an unsigned int). */
#define RESTART_POLICY_MAX_RETRIES 1000000U
/* Docker's first restart delay. */
#define RESTART_POLICY_DELAY_USEC (100ULL * 1000ULL)

const char *restart_policy_kind_to_string(RestartPolicyKind k);
RestartPolicyKind restart_policy_kind_from_string(const char *s);

/* Parses Docker's --restart value: NULL or "" mean "no". On -EINVAL, *ret_error (when not NULL) gets
 * Docker's words for the mistake, to be freed. */
int restart_policy_parse(const char *s, RestartPolicy *ret, char **ret_error);
/* "no", "always", "unless-stopped", "on-failure" or "on-failure:N"; buf must hold
 * RESTART_POLICY_STRING_MAX bytes. */
#define RESTART_POLICY_STRING_MAX 32
const char *restart_policy_to_string(const RestartPolicy *p, char buf[static RESTART_POLICY_STRING_MAX]);

/* The unit's Restart= value. */
const char *restart_policy_unit_restart(const RestartPolicy *p);
/* StartLimitBurst= and StartLimitIntervalUSec= so that on-failure:N restarts at most N times; for the
 * other policies systemd's start limit is switched off (interval 0). */
uint32_t restart_policy_start_limit_burst(const RestartPolicy *p);
uint64_t restart_policy_start_limit_interval_usec(const RestartPolicy *p);

/* Whether berthd starts a container that had run before on its first start after a boot, as Docker's
 * restart manager decides at daemon start: exit_code is its last one (a container that ran when the
 * machine went down has 255), manually_stopped says that the user stopped it last. */
bool restart_policy_start_at_boot(const RestartPolicy *p, int exit_code, bool manually_stopped);
