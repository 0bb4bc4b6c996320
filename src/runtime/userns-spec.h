/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

/* The user namespace part of config.json, parsed as strictly as the rest of runtime-spec.c:
 * linux.uidMappings and linux.gidMappings, and the "idmap" option of the "/" overlay. */

/* The kernel's limit on the lines of /proc/PID/uid_map. */
#define RUNTIME_SPEC_MAX_ID_MAPPINGS 340U

typedef struct IdMapping {
        uint32_t container_id, host_id, size;
} IdMapping;

typedef struct IdMap {
        IdMapping *entries;
        size_t n;
} IdMap;

typedef struct RuntimeSpec RuntimeSpec;

/* linux.uidMappings / linux.gidMappings: [{"containerID": 0, "hostID": 100000, "size": 65536}]. */
int runtime_spec_parse_id_mappings(const cJSON *lnx, RuntimeSpec *s, char **error);
/* After the whole spec is parsed: a "user" namespace needs both mappings, each mapping container id 0 (the
 * runtime becomes that id); mappings or "idmap" without one are refused; "idmap" only on "/" and binds. */
int runtime_spec_check_userns(const RuntimeSpec *s, char **error);
void runtime_spec_userns_done(RuntimeSpec *s);

/* Formats a map as /proc/PID/uid_map takes it, one "container host size" line per entry. */
int id_map_format(const IdMap *m, char **ret);
