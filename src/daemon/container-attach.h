/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Terminals and streams: berthd is the only client of a container runtime's attach socket
 * (<run-dir>/attach.sock). Attach and Exec connect, send the request and hand the connected socket to
 * the caller; the bytes never go through D-Bus messages. */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "container.h"

typedef struct AttachOptions {
        bool stdin_stream, stdout_stream, stderr_stream;
} AttachOptions;

typedef struct ExecOptions {
        char **env;
        char *working_dir;
        char *user;
        bool tty;
        bool interactive;
        bool kill_on_close; /* closing the socket kills the process (health probes) */
} ExecOptions;

void exec_options_done(ExecOptions *o);

/* The run directory the runtime listens in: made (0700) before a start, removed after the exit. */
int container_make_run_dir(Container *c);
void container_remove_run_dir(Container *c);

/* Both return the connected socket in *ret_fd, or a negative errno with error set. */
int container_attach(Container *c, const AttachOptions *o, int *ret_fd, sd_bus_error *error);
int container_exec(Container *c, char **command, const ExecOptions *o, int *ret_fd, sd_bus_error *error);
