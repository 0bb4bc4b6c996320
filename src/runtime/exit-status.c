/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "exit-status.h"
#include "json-util.h"
#include "macro.h"

int exit_code_from_wait_status(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return EXIT_ENGINE_ERROR;
}

int signal_from_string(const char *s) {
        char *end;
        long n;

        if (isempty(s))
                return -EINVAL;
        if (strncmp(s, "SIG", 3) == 0)
                s += 3;
        if (*s >= '0' && *s <= '9') {
                errno = 0;
                n = strtol(s, &end, 10);
                if (errno != 0 || *end != 0 || n < 1 || n >= NSIG)
                        return -EINVAL;
                return (int)n;
        }
        for (int sig = 1; sig < SIGRTMIN; sig++) {
                const char *name = sigabbrev_np(sig);
                if (name && streq(name, s))
                        return sig;
        }
        return -EINVAL;
}

int exit_code_from_service_env(const char *exit_code, const char *exit_status) {
        char *end;
        long n;
        int sig;

        if (isempty(exit_code) || isempty(exit_status))
                return -ENODATA;
        if (streq(exit_code, "exited")) {
                errno = 0;
                n = strtol(exit_status, &end, 10);
                if (errno != 0 || *end != 0 || n < 0 || n > 255)
                        return -EINVAL;
                return (int)n;
        }
        if (streq(exit_code, "killed") || streq(exit_code, "dumped")) {
                sig = signal_from_string(exit_status);
                if (sig < 0)
                        return sig;
                return 128 + sig;
        }
        return -EINVAL;
}

int exit_json_format(
        int exit_code, const char *result, uint64_t finished_at_usec, bool oom_killed, char **ret) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        char *s;

        if (!o || !cJSON_AddNumberToObject(o, "ExitCode", exit_code) ||
            !cJSON_AddStringToObject(o, "Result", result ?: "") ||
            !cJSON_AddNumberToObject(o, "FinishedAt", (double)finished_at_usec) ||
            !cJSON_AddBoolToObject(o, "OOMKilled", oom_killed))
                return -ENOMEM;
        s = cJSON_PrintUnformatted(o);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}
