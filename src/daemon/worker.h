/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Work that would block berthd's event loop (writing an image archive, talking to a registry) runs in a
 * forked child, as systemd-importd runs its transfers. The child's function returns a result text; the
 * parent's callback gets it on the event loop once the child has exited. The child never touches the bus:
 * it inherits berthd's memory and fds and leaves with _exit(). */

#include <systemd/sd-event.h>

#include "macro.h"

typedef struct Worker Worker;

/* Runs in the child. On success *ret_result (may stay NULL) is handed to the parent; on failure the first
 * error the child logged (or the errno's text) is. */
typedef int (*WorkerFunction)(void *userdata, char **ret_result);
/* Runs in the parent: error is 0 or the child's negative errno (-ECANCELED when killed); text is the
 * result or the reason, never NULL. The worker is freed after it returns. */
typedef void (*WorkerDone)(int error, const char *text, void *userdata);

int worker_start(sd_event *event, WorkerFunction run, WorkerDone done, void *userdata, Worker **ret);

/* Runs in the parent for each line the child sent with worker_send_progress(), in order, before done. */
typedef void (*WorkerProgress)(const char *line, void *userdata);
int worker_start_with_progress(
        sd_event *event,
        WorkerFunction run,
        WorkerProgress progress,
        WorkerDone done,
        void *userdata,
        Worker **ret);

/* In the child: sends one line (without "\n") to the parent's WorkerProgress. */
int worker_send_progress(const char *format, ...) _printf_(1, 2);
/* In the child: an fd that becomes readable when the parent called worker_cancel() or berthd went away, so
 * that the child can stop cleanly. Until a child asks for it, that simply kills the child. */
int worker_cancel_fd(void);
/* Kills the child if it still runs; done is not called. */
Worker *worker_free(Worker *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(Worker *, worker_free);
/* Stops the child (SIGTERM); done is called with -ECANCELED unless the child still succeeded. */
void worker_cancel(Worker *w);
