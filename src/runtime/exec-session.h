/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confinement.h"

/* "berth exec": a process started by the runtime inside a running container. A helper child joins the
 * namespaces of the container's init (setns() with a pidfd, all namespaces at once) and forks again
 * to really enter the pid namespace; the grandchild applies user, confinement, working directory and
 * environment with the init's own code and execs. The helper waits for it and exits with its exit code, so
 * the runtime reaps the helper. Both live in the unit's cgroup, because the runtime does, and in the
 * container's v1 freezer cgroup, which the helper joins first, so that pause freezes them as well. */

typedef struct ExecRequest {
        char **argv;
        char **env; /* KEY=VALUE on top of the container's environment */
        char *cwd;  /* NULL: the container's */
        char *user; /* NULL: the container's */
        bool tty;
        bool interactive;   /* a stdin pipe; else /dev/null */
        bool kill_on_close; /* the client's leaving kills the process and its group (health probes) */
} ExecRequest;

void exec_request_done(ExecRequest *r);
/* The JSON body of a REQUEST_EXEC packet. On failure ret_error says which field is wrong. */
int exec_request_parse(const char *json, size_t size, ExecRequest *ret, char **ret_error);

typedef struct ExecProcess {
        pid_t pid;                /* the helper, the runtime's child */
        int master;               /* tty: the pty master, else -EBADF */
        int stdin_fd;             /* write end of the stdin pipe, or -EBADF */
        int stdout_fd, stderr_fd; /* read ends of the output pipes, -EBADF with a tty */
        int sync_fd;              /* EOF: the process runs; a SyncMessage: it failed to start */
} ExecProcess;

void exec_process_done(ExecProcess *p);

/* Stops the process: SIGTERM to the helper, which SIGKILLs the process and its process group. */
void exec_process_kill(const ExecProcess *p);

/* Starts the process, confined as the init is. mask is the signal mask the process gets (the runtime's
 * original one). All fds are non-blocking and close-on-exec in the runtime. */
int exec_process_spawn(
        const Confinement *confinement,
        pid_t init_pid,
        const ExecRequest *req,
        const sigset_t *mask,
        ExecProcess *ret);
