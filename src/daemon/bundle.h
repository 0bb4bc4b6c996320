/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container bundle directory (contract (1) of DESIGN): what berthd writes before the start and
 * reads back from what berth-runtime left there. */

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* Makes the bundle (mode 0700) with upper/, work/, rootfs/, config.json, hostname, hosts and a copy of
 * the host's resolv.conf. */
int bundle_create(const char *bundle, const cJSON *config, const char *hostname);

/* Forgets the pid and exit.json of a previous run, so a new start never reads stale ones. */
int bundle_clear_run_files(const char *bundle);

int bundle_read_pid(const char *bundle, pid_t *ret);

/* exit.json: ExitCode, FinishedAt (µs since the epoch; 0 if absent) and OOMKilled (ret_oom_killed may be
 * NULL). */
int bundle_read_exit(
        const char *bundle, int *ret_exit_code, uint64_t *ret_finished_at, bool *ret_oom_killed);
