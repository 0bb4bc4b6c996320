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

/* Validates everything before touching the disk, writes the bundle and state.json, and adds the
 * container to the manager. User errors are set in error with berth's error names. */
int container_create(
        Manager *m,
        const char *image,
        char **command,
        const ContainerCreateOptions *o,
        Container **ret,
        sd_bus_error *error);
