/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

/* Docker's question before a prune: "WARNING! This will remove all <what>." Only y/yes agrees. */
bool prune_confirmed(const char *what);

/* Reads a Prune*() reply (as removed, t bytes freed) and prints Docker's report under the title
 * ("Deleted Containers:"). Returns an exit status. */
int prune_print_reply(sd_bus_message *reply, const char *title);
