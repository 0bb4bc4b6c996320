/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* The child→parent error channel after clone (crun's habit): a SOCK_SEQPACKET pair, close-on-exec. The
 * child sends one message when setup or execve() fails; a successful execve() closes the child's end,
 * so the parent reads end-of-file: "the container process is running". */

#define SYNC_MESSAGE_MAX 1024

typedef struct SyncMessage {
        int error;     /* errno */
        int exit_code; /* what the runtime exits with: 125, 126, 127 */
        char text[SYNC_MESSAGE_MAX];
} SyncMessage;

/* In the child: best effort, there is nobody else to tell. */
void sync_send_error(int fd, int error, int exit_code, const char *format, ...)
        __attribute__((format(printf, 4, 5)));

/* In the parent: 0 and *ret_exec_ok = true on EOF; 0 with the message filled in on an error report. */
int sync_receive(int fd, bool *ret_exec_ok, SyncMessage *ret);
