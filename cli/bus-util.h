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
int bus_get_volume(sd_bus *bus, const char *name, sd_bus_error *error, char **ret_path);
int bus_get_network(sd_bus *bus, const char *name_or_id, sd_bus_error *error, char **ret_path);

/* All properties of an interface as a JSON object (s, o, b, i, u, t, x, d, as and a{ss} values). */
int bus_get_all_properties(
        sd_bus *bus, const char *path, const char *iface, sd_bus_error *error, cJSON **ret);
/* Reads a{sv} at the current position of m into a JSON object. */
int bus_message_read_properties(sd_bus_message *m, cJSON **ret);
/* Reads a{ss} at the current position of m into a JSON object of strings. */
int bus_message_read_string_map(sd_bus_message *m, cJSON **ret);

/* Checks that the verb argv[0] got at least min operands after optind (exactly min with exact); prints
 * Docker's words and returns -EINVAL if not. */
int require_args(int argc, char *argv[], int min, bool exact, const char *usage);

/* Calls method (with the arguments types, ...) on each container of names, as Docker's verbs over
 * several containers do: a failure is printed and the others go on; a success prints the name, or with
 * print_code the exit code the method returns. The names that failed go to ret_failed when given.
 * Returns the exit status. */
int call_on_containers(
        sd_bus *bus,
        char **names,
        const char *method,
        uint64_t timeout,
        bool print_code,
        char ***ret_failed,
        const char *types,
        ...);
/* The tail of such a verb once its options are parsed: at least one operand after optind, the bus, and
 * call_on_containers on the operands. Returns the exit status. */
int verb_call_on_containers(
        int argc,
        char *argv[],
        const char *usage,
        const char *method,
        uint64_t timeout,
        bool print_code,
        const char *types,
        ...);
/* stop and restart: "-t, --time" and then method on each container, the call given the stop timeout and
 * some slack. */
int verb_stop_or_restart(int argc, char *argv[], const char *method, const char *help);
