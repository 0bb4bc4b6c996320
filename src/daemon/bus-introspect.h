/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Prints introspection XML of vtables, as sd-bus would send it, without a bus: for
 * `berthd --bus-introspect`, which a test compares with the contract in dbus/ (one XML file per interface).
 */

#include <stdio.h>
#include <systemd/sd-bus.h>

typedef struct BusInterface {
        const char *name;
        const sd_bus_vtable *vtable;
} BusInterface;

int bus_introspect_print(FILE *f, const BusInterface *interfaces, size_t n);
