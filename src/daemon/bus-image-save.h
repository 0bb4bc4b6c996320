/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Manager.SaveImages(as names, h archive, s format, a{sv} options): writes a Docker archive (format
 * "docker-archive" or "") or an OCI archive ("oci-archive") of the named images to the fd. Bad names are
 * refused at once; the archive is written by a worker process and the call returns when it is complete,
 * so berthd's loop never waits on the reader of the fd. */
int bus_image_method_save(sd_bus_message *m, void *userdata, sd_bus_error *error);
