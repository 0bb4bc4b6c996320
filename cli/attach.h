/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Starts the container at path with this process's stdin, stdout and stderr where pass_stdin,
 * pass_stdout and pass_stderr say so, /dev/null for the others (docker run -a: the journal still gets
 * both outputs), proxies SIGINT, SIGTERM and SIGHUP to it while it runs (Docker's --sig-proxy), waits
 * for its exit and returns the status berth exits with: the container's exit code, or 125/126/127 when
 * it could not be started. */
int attach_start_and_wait(
        sd_bus *bus, const char *path, bool pass_stdin, bool pass_stdout, bool pass_stderr);
