/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* Docker's --device syntax: HOST[:CONTAINER][:PERMISSIONS], PERMISSIONS a combination of r, w and m
 * (default "rwm"); CONTAINER defaults to HOST. */

typedef struct DeviceSpec {
        char *path_on_host;
        char *path_in_container;
        char permissions[4];
} DeviceSpec;

void device_spec_done(DeviceSpec *d);

/* "r", "rw", "mrw", …: each of r, w and m at most once, at least one. */
bool device_permissions_valid(const char *s);

/* On -EINVAL ret_error has Docker's words ("invalid device specification: …", "bad mode specified: …",
 * "… is not an absolute path"). */
int device_spec_parse(const char *s, DeviceSpec *ret, char **ret_error);
