/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Who may call what. Every method of berth's interfaces is mapped to the polkit action it needs (or to
 * none: it only reads), and calls are checked as they arrive, before any handler runs: root always
 * passes; otherwise polkit decides when it is on the bus, and without polkit the caller must be in group
 * berth. Reading a property that may hold a secret counts as managing its object. Refusals are
 * org.freedesktop.DBus.Error.AccessDenied, the error the bus policy gives too. */

#include <systemd/sd-bus.h>

#define BERTH_ACTION_MANAGE_CONTAINERS "org.berth.berth1.manage-containers"
#define BERTH_ACTION_MANAGE_IMAGES "org.berth.berth1.manage-images"
#define BERTH_ACTION_MANAGE_VOLUMES "org.berth.berth1.manage-volumes"
#define BERTH_GROUP "berth"

/* The action member of interface needs, NULL for a method that only reads. interface may be NULL (D-Bus
 * allows calls without one): then the member of any of berth's interfaces. -ENOENT for a method of
 * berth's that the table does not know: berthd lets only root call such a method. */
int bus_authorize_method_action(const char *interface, const char *member, const char **ret_action);

/* The action reading property of interface needs (property NULL: all of them, GetAll), NULL for one
 * that holds no secret. */
int bus_authorize_property_action(const char *interface, const char *property, const char **ret_action);

/* Installs the check as a filter on bus, ahead of the object vtables. */
int bus_authorize_install(sd_bus *bus);
