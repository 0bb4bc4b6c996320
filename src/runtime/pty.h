/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "sync-channel.h"

/* Terminals inside the container's own devpts instance (mounted with newinstance): the master side
 * stays with the runtime, the slave side becomes the process's stdin/stdout/stderr and controlling
 * terminal. */

/* In the container init, after the mounts: opens /dev/ptmx, binds the slave over /dev/console, sends
 * the master to the runtime over sync_fd (SCM_RIGHTS) and makes the slave the controlling terminal and
 * fds 0-2. The caller must be a session leader without a terminal. On failure returns a negative errno
 * with a message for the sync channel. */
int pty_setup_console(int sync_fd, char **ret_error);

/* In the runtime: the first message of a terminal container's sync channel. Either the master
 * (*ret_master ≥ 0) or the init's error report (*ret_failed, msg filled in). */
int pty_receive_master(int sync_fd, int *ret_master, bool *ret_failed, SyncMessage *msg);

/* In the runtime: a new pty in the devpts of the process pid, opened through its root with
 * openat2(RESOLVE_IN_ROOT), so nothing in the container can redirect the open. */
int pty_open_in_container(pid_t pid, int *ret_master, int *ret_slave);

/* In a child that is a session leader: makes slave the controlling terminal and fds 0-2. */
int pty_make_controlling(int slave);

/* TIOCSWINSZ with rows and cols. */
int pty_resize(int master, unsigned rows, unsigned cols);
