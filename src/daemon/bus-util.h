/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Reading outside input off the bus with berth's limits. */

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
