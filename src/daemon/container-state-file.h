/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* state.json: berthd's own record of a container, in its bundle directory. */

#include <cjson/cJSON.h>

#include "container.h"

#define CONTAINER_STATE_FILE "state.json"
#define CONTAINER_STATE_FILE_MAX (4U * 1024U * 1024U)

int container_state_to_json(const Container *c, cJSON **ret);
/* Reads the record of container <id> from <state_dir>/containers/<id>/state.json; -EINVAL if it is not
 * a well-formed record of that very container. */
int container_state_from_json(const cJSON *o, const char *state_dir, const char *id, Container **ret);

int container_save_state(const Container *c);
int container_load_state(const char *state_dir, const char *id, Container **ret);
