/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "exit-status.h"
#include "rlimits.h"
#include "sync-channel.h"
#include "ulimit-spec.h"

static void limit_text(rlim_t v, char *buf, size_t size) {
        if (v == RLIM_INFINITY)
                (void)snprintf(buf, size, "unlimited");
        else
                (void)snprintf(buf, size, "%" PRIu64, (uint64_t)v);
}

int rlimits_apply(const RuntimeSpec *s, int sync_fd) {
        for (size_t i = 0; i < s->n_rlimits; i++) {
                const RuntimeRlimit *l = &s->rlimits[i];
                UlimitSpec u = {.resource = l->resource, .soft = l->soft, .hard = l->hard};
                struct rlimit want = {.rlim_cur = l->soft, .rlim_max = l->hard}, now;
                char flag[ULIMIT_STRING_MAX], current[24];
                int error;

                if (setrlimit(l->resource, &want) >= 0)
                        continue;
                error = errno;
                ulimit_spec_to_string(&u, flag);
                if (error == EPERM && getrlimit(l->resource, &now) >= 0 && want.rlim_max > now.rlim_max) {
                        limit_text(now.rlim_max, current, sizeof(current));
                        sync_send_error(
                                sync_fd,
                                error,
                                EXIT_ENGINE_ERROR,
                                "--ulimit %s: cannot raise the hard limit above %s (missing "
                                "CAP_SYS_RESOURCE)",
                                flag,
                                current);
                } else
                        sync_send_error(
                                sync_fd, error, EXIT_ENGINE_ERROR, "--ulimit %s: %s", flag, strerror(error));
                return -error;
        }
        return 0;
}
