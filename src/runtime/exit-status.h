/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Docker's exit codes: the status for a normal exit, 128+n for death by signal n. */
#define EXIT_ENGINE_ERROR 125
#define EXIT_NOT_EXECUTABLE 126
#define EXIT_NOT_FOUND 127

/* A waitpid() status → the container's exit code. */
int exit_code_from_wait_status(int status);

/* "KILL", "SIGKILL" or "9" → 9; -EINVAL otherwise. */
int signal_from_string(const char *s);

/* systemd's ExecStopPost= environment ($EXIT_CODE = exited|killed|dumped, $EXIT_STATUS = number or signal
 * name) → the exit code; -ENODATA when the main process never ran ($EXIT_CODE unset). */
int exit_code_from_service_env(const char *exit_code, const char *exit_status);

/* The exit.json text: {"ExitCode": n, "Result": "...", "FinishedAt": µs, "OOMKilled": b}. */
int exit_json_format(
        int exit_code, const char *result, uint64_t finished_at_usec, bool oom_killed, char **ret);
