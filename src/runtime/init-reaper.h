/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>

#include "macro.h"

/* docker run --init: the container's PID 1 stays a small reaper, as Docker's tini. The container's init
 * forks once its setup is done; the child goes on to execve() the command, the parent stays PID 1 and is
 * this loop: it forwards every signal it gets to the command, reaps every child the namespace hands it
 * (orphans included), and exits with the command's status once the command is gone (128+n for a death by
 * signal n). It keeps nothing of the runtime but its own code: non-dumpable, so that no process of the
 * container can read or write it through /proc/1 (runc's CVE-2019-5736). */

/* Blocks every signal but those of faults, in the caller, before the fork: none gets lost in between. The
 * child restores the container's mask before execve() (container_exec_command()). */
int init_reaper_block_signals(void);

/* In the parent after the fork; never returns. */
_noreturn_ void init_reaper_run(pid_t command);
