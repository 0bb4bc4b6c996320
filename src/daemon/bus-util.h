/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading outside input off the bus with berth's limits, and the sd-bus steps every bus-*.c shares. */

#include <systemd/sd-bus.h>

#define BUS_STRING_MAX (64U * 1024U)
#define BUS_STRV_MAX 4096U

#define BERTH_BUS_NAME "org.berth.berth1"
#define BERTH_MANAGER_PATH "/org/berth/berth1"
#define BERTH_CONTAINER_PREFIX "/org/berth/berth1/container"
#define BERTH_IMAGE_PREFIX "/org/berth/berth1/image"
#define BERTH_MANAGER_IFACE "org.berth.berth1.Manager"
#define BERTH_CONTAINER_IFACE "org.berth.berth1.Container"
#define BERTH_IMAGE_IFACE "org.berth.berth1.Image"

/* Reads an "s"; a string over BUS_STRING_MAX sets InvalidArgument. */
int bus_read_string(sd_bus_message *m, const char *what, const char **ret, sd_bus_error *error);
/* Reads an "as"; over BUS_STRV_MAX entries or an entry over BUS_STRING_MAX sets InvalidArgument. */
int bus_read_strv(sd_bus_message *m, const char *what, char ***ret, sd_bus_error *error);

/* Reads the "s" variant of an a{sv} entry (bus_read_dict()) into *ret, replacing what was there; "" gives
 * NULL. Another type sets InvalidArgument naming key. */
int bus_read_string_variant(sd_bus_message *m, const char *key, char **ret, sd_bus_error *error);

/* Reads the "a{ss}" variant of an a{sv} entry into a key, value, … strv, replacing *ret; more than max pairs
 * or a string over BUS_STRING_MAX sets InvalidArgument, as does another type. */
int bus_read_pairs_variant(sd_bus_message *m, const char *key, size_t max, char ***ret, sd_bus_error *error);
/* Appends a key, value, … strv as an "a{ss}". */
int bus_append_pairs(sd_bus_message *reply, char *const *pairs);

/* Reads an "a{sv}": entry() is called with the message at each entry's variant, which it must read or
 * skip; a negative return stops the reading. */
typedef int (*bus_dict_entry_t)(sd_bus_message *m, const char *key, void *userdata, sd_bus_error *error);
int bus_read_dict(sd_bus_message *m, bus_dict_entry_t entry, void *userdata, sd_bus_error *error);

/* The objects of one interface below prefix: the fallback vtable with its find function, and the node
 * enumerator. */
int bus_add_object_class(
        sd_bus *bus,
        const char *prefix,
        const char *interface,
        const sd_bus_vtable *vtable,
        sd_bus_object_find_t find,
        sd_bus_node_enumerator_t enumerator,
        void *userdata);

/* The return of call with its "a<contents>" opened, for the caller to append the elements;
 * bus_array_reply_send() closes the array and sends it. */
int bus_array_reply_new(sd_bus_message *call, const char *contents, sd_bus_message **ret);
int bus_array_reply_send(sd_bus_message *reply);
