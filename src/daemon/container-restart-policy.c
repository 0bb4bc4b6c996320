/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container-restart-policy.h"
#include "macro.h"

/* Long enough for every restart of on-failure:N to fall into one start-limit window: the window only
 * has to outlast N restarts 100 ms apart plus the runs themselves. */
#define START_LIMIT_INTERVAL_USEC (24ULL * 3600ULL * 1000000ULL)

static const char *const restart_policy_kind_table[_RESTART_POLICY_MAX] = {
        [RESTART_POLICY_NO] = "no",
        [RESTART_POLICY_ALWAYS] = "always",
        [RESTART_POLICY_UNLESS_STOPPED] = "unless-stopped",
        [RESTART_POLICY_ON_FAILURE] = "on-failure",
};

const char *restart_policy_kind_to_string(RestartPolicyKind k) {
        if (k < 0 || k >= _RESTART_POLICY_MAX)
                return NULL;
        return restart_policy_kind_table[k];
}

RestartPolicyKind restart_policy_kind_from_string(const char *s) {
        if (!s)
                return _RESTART_POLICY_INVALID;
        for (RestartPolicyKind k = 0; k < _RESTART_POLICY_MAX; k++)
                if (streq(restart_policy_kind_table[k], s))
                        return k;
        return _RESTART_POLICY_INVALID;
}

static int fail(char **ret_error, const char *message, const char *kind) {
        char *m;

        if (!ret_error)
                return -EINVAL;
        if (kind) {
                if (asprintf(
                            &m,
                            "invalid restart policy: unknown policy '%s'; use one of 'no', 'always', "
                            "'on-failure', or 'unless-stopped'",
                            kind) < 0)
                        return -ENOMEM;
        } else if (!(m = strdup(message ?: "invalid restart policy")))
                return -ENOMEM;
        *ret_error = m;
        return -EINVAL;
}

int restart_policy_parse(const char *s, RestartPolicy *ret, char **ret_error) {
        _cleanup_free_ char *kind = NULL;
        const char *colon;
        long long count = 0;
        RestartPolicyKind k;

        if (!s || !*s) {
                *ret = (RestartPolicy){RESTART_POLICY_NO, 0};
                return 0;
        }

        /* Docker's opts.ParseRestartPolicy, then the daemon's ValidateRestartPolicy. */
        colon = strchr(s, ':');
        if (colon == s)
                return fail(
                        ret_error, "invalid restart policy format: no policy provided before colon", NULL);
        if (colon && colon[1]) {
                char *end;

                errno = 0;
                count = strtoll(colon + 1, &end, 10);
                if (errno != 0 || *end || end == colon + 1 || count > INT32_MAX || count < INT32_MIN)
                        return fail(
                                ret_error,
                                "invalid restart policy format: maximum retry count must be an integer",
                                NULL);
        }

        kind = colon ? strndup(s, (size_t)(colon - s)) : strdup(s);
        if (!kind)
                return -ENOMEM;
        k = restart_policy_kind_from_string(kind);
        if (k < 0)
                return fail(ret_error, NULL, kind);
        if (k != RESTART_POLICY_ON_FAILURE && count != 0)
                return fail(
                        ret_error,
                        "invalid restart policy: maximum retry count can only be used with "
                        "'on-failure'",
                        NULL);
        if (count < 0)
                return fail(
                        ret_error, "invalid restart policy: maximum retry count cannot be negative", NULL);
        if (count > RESTART_POLICY_MAX_RETRIES)
                return fail(ret_error, "invalid restart policy: maximum retry count is too large", NULL);

        *ret = (RestartPolicy){k, (uint32_t)count};
        return 0;
}

const char *restart_policy_to_string(const RestartPolicy *p, char buf[static RESTART_POLICY_STRING_MAX]) {
        const char *k = restart_policy_kind_to_string(p->kind) ?: "no";

        if (p->kind == RESTART_POLICY_ON_FAILURE && p->max_retries > 0)
                snprintf(buf, RESTART_POLICY_STRING_MAX, "%s:%u", k, p->max_retries);
        else
                snprintf(buf, RESTART_POLICY_STRING_MAX, "%s", k);
        return buf;
}

const char *restart_policy_unit_restart(const RestartPolicy *p) {
        switch (p->kind) {
        case RESTART_POLICY_ALWAYS:
        case RESTART_POLICY_UNLESS_STOPPED:
                return "always";
        case RESTART_POLICY_ON_FAILURE:
                return "on-failure";
        default:
                return "no";
        }
}

uint32_t restart_policy_start_limit_burst(const RestartPolicy *p) {
        /* systemd counts every start against the burst, the first one too: N restarts are N + 1
         * starts (measured in tests/integration/80-lifecycle.bats: NRestarts == N). */
        if (p->kind == RESTART_POLICY_ON_FAILURE && p->max_retries > 0)
                return p->max_retries + 1;
        return 0;
}

uint64_t restart_policy_start_limit_interval_usec(const RestartPolicy *p) {
        if (p->kind == RESTART_POLICY_ON_FAILURE && p->max_retries > 0)
                return START_LIMIT_INTERVAL_USEC;
        return 0; /* no start limit: Docker restarts "always" forever */
}

bool restart_policy_start_at_boot(const RestartPolicy *p, int exit_code, bool manually_stopped) {
        switch (p->kind) {
        case RESTART_POLICY_ALWAYS:
                /* Docker: a stopped "always" container comes back when the daemon starts. */
                return true;
        case RESTART_POLICY_UNLESS_STOPPED:
                return !manually_stopped;
        case RESTART_POLICY_ON_FAILURE:
                /* A reboot that ended it is a failure too (255). */
                return exit_code != 0 && !manually_stopped;
        default:
                return false;
        }
}
