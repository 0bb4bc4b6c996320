/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "runtime-spec.h"

/* process.rlimits (docker run --ulimit), set with setrlimit() by the init and by every exec'd process,
 * while still root. Raising a hard limit needs CAP_SYS_RESOURCE, which berth-runtime may lack: that
 * failure names the limit as the user wrote it ("--ulimit nofile=30000:30000: cannot raise the hard limit
 * above 20000 (missing CAP_SYS_RESOURCE)"). Errors go to sync_fd (exit code 125). */
int rlimits_apply(const RuntimeSpec *s, int sync_fd);
