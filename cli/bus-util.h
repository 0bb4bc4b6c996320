/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <systemd/sd-bus.h>

#include "macro.h"

#define BERTH_BUS_NAME "org.berth.berth1"
#define BERTH_MANAGER_PATH "/org/berth/berth1"
#define BERTH_MANAGER_IFACE "org.berth.berth1.Manager"
#define BERTH_CONTAINER_IFACE "org.berth.berth1.Container"
#define BERTH_IMAGE_IFACE "org.berth.berth1.Image"

/* Loading an image or waiting for a container may take long: these calls get their own timeouts. */
#define BUS_TIMEOUT_LONG_USEC (UINT64_C(3600) * UINT64_C(1000000))
#define BUS_TIMEOUT_INFINITY UINT64_MAX

#define _cleanup_bus_error_ _cleanup_(sd_bus_error_free)

/* Connects to the system bus (or $BERTH_BUS_ADDRESS, for tests); prints Docker-like words on failure. */
int berth_bus_open(sd_bus **ret);

/* The exit status Docker gives for a failed run/create/start: 127 not found, 126 not executable,
 * else 125. */
int bus_error_exit_status(const sd_bus_error *e);
/* Prints a failed call: "<prefix>Error response from daemon: <message>", or the words for a refused or
 * missing daemon; with e NULL or unset, r's. */
void bus_log_call_error(const char *prefix, const sd_bus_error *e, int r);

/* Calls method of iface on the object at path with the arguments types, ... (types NULL: none), waiting
 * timeout µs (0: sd-bus's default); ret_reply may be NULL. With error NULL a failure is printed here
 * (bus_log_call_error), else it is left in error for the caller. */
int bus_call(
        sd_bus *bus,
        const char *path,
        const char *iface,
        const char *method,
        uint64_t timeout,
        sd_bus_error *error,
        sd_bus_message **ret_reply,
        const char *types,
        ...);
int bus_callv(
        sd_bus *bus,
        const char *path,
        const char *iface,
        const char *method,
        uint64_t timeout,
        sd_bus_error *error,
        sd_bus_message **ret_reply,
        const char *types,
        va_list ap);

/* Resolves a name or (prefix of an) id to the object path. */
int bus_get_container(sd_bus *bus, const char *name_or_id, sd_bus_error *error, char **ret_path);
int bus_get_image(sd_bus *bus, const char *reference, sd_bus_error *error, char **ret_path);

/* All properties of an interface as a JSON object (s, o, b, i, u, t, x, d and as values). */
int bus_get_all_properties(
        sd_bus *bus, const char *path, const char *iface, sd_bus_error *error, cJSON **ret);
/* Reads a{sv} at the current position of m into a JSON object. */
int bus_message_read_properties(sd_bus_message *m, cJSON **ret);
