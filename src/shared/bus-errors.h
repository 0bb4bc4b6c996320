/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* berth's D-Bus error names, in one table: berthd replies with them, the CLI maps them to Docker's exit
 * codes (125 engine error, 126 not executable, 127 not found). */

#include <systemd/sd-bus.h>

#define BERTH_ERROR_NO_SUCH_CONTAINER "org.berth.berth1.NoSuchContainer"
#define BERTH_ERROR_NO_SUCH_IMAGE "org.berth.berth1.NoSuchImage"
#define BERTH_ERROR_NO_SUCH_VOLUME "org.berth.berth1.NoSuchVolume"
#define BERTH_ERROR_NO_SUCH_NETWORK "org.berth.berth1.NoSuchNetwork"
#define BERTH_ERROR_NAME_IN_USE "org.berth.berth1.NameInUse"
#define BERTH_ERROR_CONTAINER_RUNNING "org.berth.berth1.ContainerRunning"
#define BERTH_ERROR_CONTAINER_NOT_RUNNING "org.berth.berth1.ContainerNotRunning"
#define BERTH_ERROR_INVALID_ARGUMENT "org.berth.berth1.InvalidArgument"
#define BERTH_ERROR_INVALID_IMAGE "org.berth.berth1.InvalidImage"
#define BERTH_ERROR_AMBIGUOUS "org.berth.berth1.Ambiguous"
#define BERTH_ERROR_EXEC_NOT_FOUND "org.berth.berth1.ExecNotFound"
#define BERTH_ERROR_EXEC_NOT_EXECUTABLE "org.berth.berth1.ExecNotExecutable"
#define BERTH_ERROR_START_FAILED "org.berth.berth1.StartFailed"
#define BERTH_ERROR_CONFLICT "org.berth.berth1.Conflict"
#define BERTH_ERROR_UNAUTHORIZED "org.berth.berth1.Unauthorized"

/* Maps the names above to errno values, so sd_bus_error_get_errno() and %m work on both sides. */
extern const sd_bus_error_map berth_bus_error_map[];
