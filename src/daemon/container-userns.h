/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdint.h>

#include "container-devices.h"
#include "subid-range.h"

/* --userns: "host" (the default, no user namespace) or "auto[:size=N]", a user namespace whose ids 0…N-1
 * are a private range of host ids. The ranges come from the entries of SUBID_OWNER in /etc/subuid and
 * /etc/subgid, the system's own list of delegated ids that useradd and podman respect as well, so no other
 * tool hands them out again. Each container keeps its range in state.json for its whole life (the owner of
 * what it wrote to its upper dir stays right across restarts), and no two containers share ids. */

#define SUBID_OWNER "berth"
#define USERNS_SIZE_DEFAULT 65536U
#define USERNS_SIZE_MAX (65536U * 256U)

/* CreateContainer's UsernsMode. */
typedef struct ContainerUsernsOptions {
        char *mode;
} ContainerUsernsOptions;

void container_userns_options_done(ContainerUsernsOptions *o);

/* A container's user namespace: container ids 0…size-1 are host uids uid_start… and gids gid_start….
 * size 0: none, the host's ids. */
typedef struct ContainerUserns {
        uint32_t uid_start, gid_start, size;
} ContainerUserns;

/* NULL, "" or "host": 0; "auto": USERNS_SIZE_DEFAULT; "auto:size=N": N (1…USERNS_SIZE_MAX). -EINVAL with
 * a message in Docker's words otherwise. */
int container_userns_parse_mode(const char *mode, uint32_t *ret_size, char **ret_error);

/* Picks the ranges of a new container from the subid files' texts (NULL: missing) and the ranges in use.
 * -EINVAL or -ENOSPC with a message for the user. */
int container_userns_allocate(
        uint32_t size,
        const char *subuid_text,
        const char *subgid_text,
        const ContainerUserns *in_use,
        size_t n_in_use,
        ContainerUserns *ret,
        char **ret_error);

/* state.json's "Userns": {"UidStart", "GidStart", "Size"}, absent for the host's ids. */
int container_userns_to_json(const ContainerUserns *u, cJSON *state);
int container_userns_from_json(const cJSON *state, ContainerUserns *ret);

/* config.json: the "user" namespace, linux.uidMappings/gidMappings, "idmap" on the "/" overlay and on the
 * binds of the bundle's own files, a read-only /sys, and the --device nodes as binds of the host's. */
int container_userns_add_to_spec(
        const ContainerUserns *u,
        const char *bundle,
        const ContainerDevice *devices,
        size_t n_devices,
        cJSON *spec);

/* The container's root owns its upper dir ("/" inside), so what it creates there is its own. */
int container_userns_prepare_bundle(const ContainerUserns *u, const char *bundle);

/* Docker's HostConfig.UsernsMode: "" or "auto". */
const char *container_userns_mode_string(const ContainerUserns *u);

typedef struct Manager Manager;

/* For a new container of m: parses o, then reads /etc/subuid and /etc/subgid and picks ranges that no
 * container of m has. -EINVAL or -ENOSPC with ret_error for the user. */
int container_userns_pick(
        Manager *m, const ContainerUsernsOptions *o, ContainerUserns *ret, char **ret_error);
