/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "attach-server.h"
#include "line-buffer.h"

/* The runtime's monitor loop: one poll over the signalfd and the container's stdout/stderr pipes.
 * Forwards signals to the container init, reaps it, and copies its output:
 *   journal mode (our stdout is the journal): every line to fd 1 as "<6>…" (stdout) or "<3>…" (stderr);
 *   tee mode: bytes unchanged to fd 1 / fd 2, and every line also to journal_fd with the same prefixes. */

typedef struct StdioRelay {
        int signal_fd;
        int out_fd, err_fd; /* read ends of the container's pipes, -EBADF once closed */
        pid_t child;
        bool journal_mode;
        int journal_fd; /* tee mode only; -EBADF when the journal is unavailable */
        bool out_broken, err_broken;
        LineBuffer out_lines, err_lines;
        AttachServer *attach; /* NULL without an attach socket; gets the output, polled here */
        bool reaped;
} StdioRelay;

/* The signals the runtime forwards to the container init (SIGCHLD is handled, not forwarded). */
extern const int relay_forwarded_signals[];
extern const size_t relay_n_forwarded_signals;

/* Runs until the container init has exited and its output is drained; returns its wait status. */
int stdio_relay_run(StdioRelay *r, int *ret_wait_status);
