/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Builds a container's OCI runtime config.json (contract (2) of DESIGN) from the image config and the
 * create options, with Docker's rules for command, environment and working directory. */

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "container-host-config.h"
#include "container-security.h"
#include "image-store.h"
#include "volume-mount-spec.h"

#define OCI_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Docker's override rules: an Entrypoint given at create time replaces the image's and drops the
 * image's Cmd; a non-empty command replaces the image's Cmd. -EINVAL when nothing is left to run. */
int oci_spec_resolve_command(
        const ImageConfig *image,
        char *const *command,
        bool has_entrypoint,
        char *const *entrypoint,
        char ***ret);

/* The container's Env (Docker's Config.Env): the image's Env, then the options' Env on top. */
int oci_spec_merge_env(const ImageConfig *image, char *const *env, char ***ret);

/* The process environment: default PATH and HOSTNAME, then the container's Env on top. */
int oci_spec_process_env(char *const *container_env, const char *hostname, char ***ret);

typedef struct OciSpecParams {
        const char *bundle; /* absolute path of the bundle directory */
        const char *name;   /* container name, annotation org.berth.name */
        const char *hostname;
        const char *cwd;
        const char *user; /* may be NULL or empty: root */
        char *const *args;
        char *const *env;        /* process environment */
        char *const *layer_dirs; /* bottom layer first, as Image.layer_dirs */
        const char *run_dir;     /* annotation org.berth.run-dir: the runtime's attach socket; may be NULL */
        bool terminal;           /* process.terminal */
        bool open_stdin;         /* annotation org.berth.open-stdin */
        const ContainerSecurity *security;
        const ContainerHostConfig *host_config; /* devices, rlimits, sysctls, /dev/shm size, … */
        const MountSpec *mounts;                /* -v, --mount, image VOLUMEs, resolved; parents first */
        size_t n_mounts;
        const char *netns_path; /* join this network namespace (berth-network made it); NULL: a new one */
        bool host_network;      /* --network host: no network namespace */
} OciSpecParams;

int oci_spec_build(const OciSpecParams *p, cJSON **ret);
