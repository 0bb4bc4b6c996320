/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

#include "macro.h"

#include "confinement.h"
#include "mount-setup.h"
#include "runtime-spec.h"
#include "user-spec.h"

/* What the cloned child does until it becomes the container's PID 1: stdio, mounts and pivot_root,
 * hostname, loopback, user and confinement, working directory, environment, PATH lookup, execve(). Every
 * failure is reported over the sync channel and ends the child. */

typedef struct ContainerInit {
        const RuntimeSpec *spec;
        const Confinement *confinement;
        MountPlan *plan;
        const char *bundle; /* absolute path */
        int sync_fd;
        int stdin_fd;             /* read end of the stdin pipe; < 0: keep the runtime's stdin */
        int stdout_fd, stderr_fd; /* write ends of the relay pipes */
        sigset_t original_mask;
} ContainerInit;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_noreturn_ void container_init_run(const ContainerInit *c);

/* Builds the container's environment: the spec's env plus PATH and HOME when missing (Docker). */
int container_env_build(char *const *spec_env, const char *home, char ***ret);

/* The pieces exec sessions share with the init (they run inside the container's namespaces). Errors
 * are reported on sync_fd with Docker's words. */

/* Resolves user (NULL: the spec's process.user or org.berth.user) against the container's own
 * /etc/passwd and /etc/group. */
int container_resolve_user(const RuntimeSpec *s, const char *user, int sync_fd, UserCreds *ret);
/* Restores the signal mask and execve()s argv with Docker's PATH rules; never returns. */
_noreturn_ void container_exec_command(char *const *argv, char **env, const sigset_t *mask, int sync_fd);
