/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "container-create.h"
#include "manager.h"

/* Manager.CreateContainer once its arguments are read: takes the contents of o. Docker's copy-up of the
 * image's content into empty volumes runs in a worker process, and the call is answered when it is done,
 * so that berthd's loop never waits on a big copy. A create that needs a volume another create is filling
 * waits for that one to finish (Docker holds the volume's lock meanwhile). Returns 1 when the call is
 * answered later. */
int bus_container_create(
        sd_bus_message *msg,
        Manager *m,
        const char *image,
        char **command,
        ContainerCreateOptions *o,
        sd_bus_error *error);

/* When berthd stops, the copy-ups are killed and undone, and their callers, like those waiting for them,
 * get an error. */
int bus_container_create_attach(Manager *m);
