/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "exit-status.h"
#include "fileio.h"
#include "init-reaper.h"

#define INIT_NAME "berth-init"
#define PROC_STAT_MAX 4096U
#define PROC_STAT_ARG_START 48 /* proc(5): arg_start and arg_end are fields 48 and 49 */

/* The signals a fault raises in the reaper itself: blocking them would hang it instead of killing it. */
static const int synchronous_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGABRT};

static void fill_forwardable(sigset_t *set) {
        sigfillset(set);
        for (size_t i = 0; i < ELEMENTSOF(synchronous_signals); i++)
                sigdelset(set, synchronous_signals[i]);
}

int init_reaper_block_signals(void) {
        sigset_t all;

        fill_forwardable(&all);
        return sigprocmask(SIG_BLOCK, &all, NULL) < 0 ? -errno : 0;
}

/* Reaps every child that is gone; true (and *ret_status) once the command is among them. */
static bool reap(pid_t command, int *ret_status) {
        bool done = false;
        int status = 0;
        pid_t pid;

        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                if (pid == command) {
                        *ret_status = status;
                        done = true;
                }
        return done;
}

/* ps in the container shows PID 1 as "berth-init", not as the runtime's command line, which names the
 * container's bundle on the host. The command line is this process's own memory: it is overwritten. */
static void set_command_line(void) {
        _cleanup_free_ char *stat = NULL;
        unsigned long start = 0, end = 0;
        const char *p;
        int field = 2; /* p is at the blank before this field: the last ")" ends the second one */

        if (read_full_file_at(AT_FDCWD, "/proc/self/stat", PROC_STAT_MAX, &stat, NULL) < 0)
                return;
        p = strrchr(stat, ')');
        while (p && field < PROC_STAT_ARG_START) {
                p = strchr(p + 1, ' ');
                field++;
        }
        if (!p || sscanf(p, " %lu %lu", &start, &end) != 2 || end <= start + STRLEN(INIT_NAME))
                return;
        memset((char *)start, 0, end - start);
        memcpy((char *)start, INIT_NAME, STRLEN(INIT_NAME));
}

_noreturn_ void init_reaper_run(pid_t command) {
        sigset_t forwardable;
        int status = 0;

        (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        (void)prctl(PR_SET_NAME, INIT_NAME, 0, 0, 0);
        set_command_line();
        fill_forwardable(&forwardable);

        for (;;) {
                siginfo_t info;
                int sig = sigwaitinfo(&forwardable, &info);

                if (sig < 0)
                        continue; /* EINTR */
                if (sig != SIGCHLD) {
                        /* The command may be gone already: then its SIGCHLD is queued, nothing to do. */
                        (void)kill(command, sig);
                        continue;
                }
                if (reap(command, &status))
                        _exit(exit_code_from_wait_status(status));
        }
}
