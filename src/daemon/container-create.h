/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "container-host-config.h"
#include "container-network.h"
#include "container-resources.h"
#include "container-security.h"
#include "container.h"
#include "health-check.h"

/* CreateContainer's options (dbus/org.berth.berth1.Manager.xml); NULL/false when not given. */
typedef struct ContainerCreateOptions {
        char *name;
        char **env;
        char *working_dir;
        bool has_entrypoint;
        char **entrypoint;
        char *hostname;
        char *user;
        bool auto_remove;
        bool tty, open_stdin;
        char *restart_policy;
        HealthOptions health;                /* HealthTest, HealthInterval, … */
        ContainerSecurityOptions security;   /* CapAdd, CapDrop, Privileged, SecurityOpt, … */
        ContainerResourcesOptions resources; /* Memory, MemorySwap, NanoCpus, PidsLimit, … */
        ContainerHostOptions host;           /* Devices, GroupAdd, Ulimits, Sysctls, ShmSize, Init */
        ContainerMountOptions mounts;        /* Binds, Mounts, VolumesFrom */
        ContainerNetworkOptions network; /* NetworkMode, PortBindings, PublishAllPorts, Dns, ExtraHosts */
        ContainerUsernsOptions userns;   /* UsernsMode */
} ContainerCreateOptions;

void container_create_options_done(ContainerCreateOptions *o);

/* Validates everything before touching the disk, then creates the volumes and writes the bundle. The
 * container is not visible yet, only its name is taken (Manager.creating): container_create_commit() adds
 * it to the manager once the copy-ups container_mounts_need_copy_up() names are done, or
 * container_create_abort() undoes it all. User errors are set in error with berth's error names; -EAGAIN
 * when a volume is being filled for another create (see container_mounts_resolve()). */
int container_create(
        Manager *m,
        const char *image,
        char **command,
        const ContainerCreateOptions *o,
        Container **ret,
        sd_bus_error *error);
/* Writes state.json and adds the container to the manager; on failure sets error and aborts. */
int container_create_commit(Container *c, sd_bus_error *error);
/* Removes the bundle and the volumes made for the container, undoes unfinished copy-ups, frees c. */
void container_create_abort(Container *c);

/* The container, existing or being created, that has this name; NULL when it is free. */
Container *container_create_name_taken(Manager *m, const char *name);
