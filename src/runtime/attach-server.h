/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "confinement.h"

/* The runtime's attach socket (<run-dir>/attach.sock, SOCK_SEQPACKET, 0600, root only; the packets are
 * in attach-protocol.h). Attach clients get the container init's output and feed its stdin (its
 * terminal or a pipe); exec clients each get an exec session of their own. Everything is driven from
 * the monitor loop through one epoll fd; no threads. */

typedef struct AttachServer AttachServer;

/* Binds <run_dir>/attach.sock (creating run_dir 0700 if needed). Exec sessions are confined with
 * confinement, which must outlive the server. */
int attach_server_new(
        const Confinement *confinement, const char *run_dir, const sigset_t *child_mask, AttachServer **ret);
AttachServer *attach_server_free(AttachServer *a);
static inline void attach_server_freep(AttachServer **a) {
        attach_server_free(*a);
}

/* The container init, once it runs. master: its terminal (a dup the server owns), or -EBADF;
 * stdin_fd: the write end of its stdin pipe (owned), or -EBADF. With a terminal, output produced
 * before the first attach is kept (the last ATTACH_BACKLOG_MAX bytes) and replayed to that attach. */
void attach_server_set_init(AttachServer *a, pid_t pid, int master, int stdin_fd);

/* For the monitor's poll(): readable when there is work for attach_server_dispatch(). */
int attach_server_fd(AttachServer *a);
void attach_server_dispatch(AttachServer *a);

/* The init's output as the monitor reads it (stderr: is_err). */
void attach_server_output(AttachServer *a, bool is_err, const void *data, size_t size);
/* False while an attach client has a full queue: the monitor stops reading the init's output then. */
bool attach_server_can_take_output(AttachServer *a);
/* A child other than the init was reaped: maybe an exec session's helper. */
void attach_server_child_exited(AttachServer *a, pid_t pid, int wait_status);
/* The init has exited: no new exec sessions. */
void attach_server_init_exited(AttachServer *a);
/* Exec sessions still running, or a terminal's backlog that nobody has attached to yet. */
bool attach_server_busy(AttachServer *a);
/* Sends EXIT(exit_code) to the attach clients and ends the exec sessions, flushes (bounded) and closes. */
void attach_server_finish(AttachServer *a, int exit_code);

#define ATTACH_BACKLOG_MAX (64U * 1024U)
