/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>

#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(cJSON *, cJSON_Delete);
#define _cleanup_json_ _cleanup_(cJSON_Deletep)

/* Accessors that tolerate missing keys and wrong types: they return NULL / the default. Outside input
 * is never trusted to have the shape we expect. */
const char *json_get_string(const cJSON *o, const char *key);
int64_t json_get_integer(const cJSON *o, const char *key, int64_t def);
bool json_get_bool(const cJSON *o, const char *key, bool def);
/* Copies a JSON array of strings into a strv; -EINVAL if an element is not a string. A missing key or
 * JSON null gives an empty (NULL) list. */
int json_get_strv(const cJSON *o, const char *key, char ***ret);
/* Builds a JSON array of strings. */
cJSON *json_from_strv(char *const *l);

/* Parses a file with a size cap; -EINVAL when it is not valid JSON. */
int json_parse_file_at(int dir_fd, const char *path, size_t max_size, cJSON **ret);
/* Serializes and writes atomically (write_file_atomic_at). */
int json_write_file_atomic_at(int dir_fd, const char *path, const cJSON *o);
