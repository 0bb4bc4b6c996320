/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Docker's events: every lifecycle point of a container or an image calls manager_emit_event() once.
 * It emits the Manager's Event signal (what berth events and busctl monitor show) and writes the same
 * event to the journal with MESSAGE_ID=BERTH_EVENT_MESSAGE_ID and the fields BERTH_EVENT_TYPE,
 * BERTH_EVENT_ACTION, BERTH_EVENT_ID, BERTH_EVENT_ATTRIBUTES (a JSON object of strings) and
 * BERTH_EVENT_TIME_USEC (the signal's time_usec), from which berth events --since reads the history. */

#include "macro.h"

typedef struct Manager Manager;

#include "event-id.h"

/* type: "container" or "image"; action: Docker's ("create", "start", "die", "stop", "kill", "destroy",
 * "rename", "restart", "pause", "unpause", "load", "import", "tag", …); id: the container or image id.
 * Then attribute key, value pairs ended by NULL; a pair whose value is NULL is left out. E.g.
 *   manager_emit_event(m, "container", "die", c->id, "name", c->name, "image", c->image,
 *                      "exitCode", code_string, NULL);
 * Failures are logged, never returned: an event lost must not fail the operation it reports. */
void manager_emit_event(Manager *m, const char *type, const char *action, const char *id, ...)
        __attribute__((sentinel));

/* The same for a container: adds its "name" and "image" attributes before the given ones. */
#define container_emit_event(c, action, ...)                                                                \
        manager_emit_event(                                                                                 \
                (c)->manager,                                                                               \
                "container",                                                                                \
                (action),                                                                                   \
                (c)->id,                                                                                    \
                "name",                                                                                     \
                (c)->name,                                                                                  \
                "image",                                                                                    \
                (c)->image,                                                                                 \
                ##__VA_ARGS__,                                                                              \
                NULL)
