/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "manager.h"

/* Manager.TagImage(s source, s target). */
int bus_image_method_tag(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* Manager.RemoveImage(s name, b force) → as lines ("Untagged: …", "Deleted: sha256:…"). An image a
 * container was made from is never deleted: without force that is an error, with force it only loses
 * its tags. */
int bus_image_method_remove(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* Manager.PruneImages(b all) → as lines ("untagged: …", "deleted: sha256:…"), t space_reclaimed. */
int bus_image_method_prune(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* Manager.GetImageHistory(s name) → a(sttss): image id (newest step only, else ""), created µs, size,
 * created by, comment; newest first. */
int bus_image_method_history(sd_bus_message *m, void *userdata, sd_bus_error *error);
