/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "terminal.h"

/* Relays between this process's stdin/stdout/stderr and an attach or exec socket from berthd
 * (src/shared/attach-protocol.h). With tty: our terminal is raw while it runs, its size goes to the
 * container at start and on SIGWINCH, and typing the detach keys ends the relay (the container keeps
 * running). */

typedef struct StreamRelay {
        int sock;
        bool tty;
        bool send_stdin;
        DetachKeys keys;
        /* Without a tty: SIGINT, SIGTERM, SIGHUP go to the container through Kill (docker --sig-proxy). */
        bool sig_proxy;
        sd_bus *bus;
        const char *path;
        /* exec -d: return as soon as the process runs (STARTED). */
        bool until_started;

        /* Results. */
        bool got_exit, detached, started;
        int exit_code;
} StreamRelay;

/* Returns 0 when the stream ended (see got_exit/detached/started), < 0 on a local failure (logged). */
int stream_relay_run(StreamRelay *r);

/* run -it, start -ai: (Start when start is set), Attach, relay; returns berth's exit status: the
 * container's exit code, 0 after a detach, 125/126/127 when it could not start. */
int attach_container_terminal(
        sd_bus *bus, const char *path, bool start, bool attach_stdin, const DetachKeys *keys);
