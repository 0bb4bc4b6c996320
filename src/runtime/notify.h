/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The runtime's three calls into libsystemd: sd_notify(3), sd_notify_barrier(3) and
 * sd_journal_stream_fd(3). libsystemd is dlopen()ed around each call and closed again, the way systemd
 * itself loads its heavy optional dependencies: linked for good, libsystemd and what it links
 * (libgcrypt, liblzma, libzstd, liblz4, libcap) would cost every container's monitor ~150 kB of private
 * memory for its whole life, for three calls at its start and end. */

#include <stdbool.h>
#include <stdint.h>

/* As sd_notify(0, state): 0 without $NOTIFY_SOCKET, > 0 when sent, a negative errno on failure. */
int notify_send(const char *state);

/* As sd_notify_barrier(0, timeout_usec): returns once the manager processed every earlier message;
 * 0 without $NOTIFY_SOCKET, -ETIMEDOUT after timeout_usec. */
int notify_barrier(uint64_t timeout_usec);

/* As sd_journal_stream_fd(identifier, priority, level_prefix): a stream to journald whose lines become
 * records of the caller's unit. Returns the fd or a negative errno. */
int journal_stream_open(const char *identifier, int priority, bool level_prefix);
