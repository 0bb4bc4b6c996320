/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

#include "macro.h"

#include "mount-setup.h"
#include "runtime-spec.h"

/* What the cloned child does until it becomes the container's PID 1: stdio, mounts and pivot_root,
 * hostname, loopback, user, working directory, environment, PATH lookup, execve(). Every failure is
 * reported over the sync channel and ends the child. */

typedef struct ContainerInit {
        const RuntimeSpec *spec;
        MountPlan *plan;
        const char *bundle; /* absolute path */
        int sync_fd;
        int stdout_fd, stderr_fd; /* write ends of the relay pipes */
        sigset_t original_mask;
} ContainerInit;

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

_noreturn_ void container_init_run(const ContainerInit *c);

/* Builds the container's environment: the spec's env plus PATH and HOME when missing (Docker). */
int container_env_build(char *const *spec_env, const char *home, char ***ret);
