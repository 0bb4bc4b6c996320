/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cjson/cJSON.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "container-list.h"

/* Each verb gets its own argv (argv[0] = the verb's name) and returns the process exit status. */

int verb_run(int argc, char *argv[]);
int verb_create(int argc, char *argv[]);
int verb_start(int argc, char *argv[]);
int verb_stop(int argc, char *argv[]);
int verb_kill(int argc, char *argv[]);
int verb_rm(int argc, char *argv[]);
int verb_ps(int argc, char *argv[]);
int verb_port(int argc, char *argv[]);
/* verbs-network.c: "berth network …". */
int verb_network_connect(int argc, char *argv[]);
int verb_network_create(int argc, char *argv[]);
int verb_network_disconnect(int argc, char *argv[]);
int verb_network_inspect(int argc, char *argv[]);
int verb_network_ls(int argc, char *argv[]);
int verb_network_prune(int argc, char *argv[]);
int verb_network_rm(int argc, char *argv[]);
/* verbs-volume.c: "berth volume …". */
int verb_volume_create(int argc, char *argv[]);
int verb_volume_inspect(int argc, char *argv[]);
int verb_volume_ls(int argc, char *argv[]);
int verb_volume_prune(int argc, char *argv[]);
int verb_volume_rm(int argc, char *argv[]);
int verb_inspect(int argc, char *argv[]);
int verb_wait(int argc, char *argv[]);
int verb_logs(int argc, char *argv[]);
int verb_attach(int argc, char *argv[]);
int verb_exec(int argc, char *argv[]);
/* verbs-lifecycle.c */
int verb_restart(int argc, char *argv[]);
int verb_pause(int argc, char *argv[]);
int verb_unpause(int argc, char *argv[]);
int verb_rename(int argc, char *argv[]);
/* verbs-update.c */
int verb_update(int argc, char *argv[]);
/* Prints the limits a new container's create discarded, as Docker's CLI prints create warnings. */
void container_print_resource_warnings(sd_bus *bus, const char *path);
int verb_top(int argc, char *argv[]);
int verb_stats(int argc, char *argv[]);
int verb_container_prune(int argc, char *argv[]);
int verb_events(int argc, char *argv[]);

int verb_images(int argc, char *argv[]);
int verb_tag(int argc, char *argv[]);
int verb_rmi(int argc, char *argv[]);
int verb_image_prune(int argc, char *argv[]);
int verb_history(int argc, char *argv[]);
int verb_load(int argc, char *argv[]);
int verb_import(int argc, char *argv[]);
int verb_pull(int argc, char *argv[]);
int verb_search(int argc, char *argv[]);
/* verbs-login.c */
int verb_login(int argc, char *argv[]);
int verb_logout(int argc, char *argv[]);
int verb_save(int argc, char *argv[]);
int verb_push(int argc, char *argv[]);

/* One image of Manager.ListImages. */
typedef struct ImageRow {
        char *id;       /* "sha256:…" */
        char **tags;    /* familiar: "busybox:latest" */
        char **digests; /* familiar: "busybox@sha256:…" */
        uint64_t created;
        uint64_t size;
        char **labels; /* key, value, key, value, … */
} ImageRow;
/* Calls ListImages; the rows come newest first. Logs its errors. */
int image_list_fetch(sd_bus *bus, ImageRow **ret, size_t *ret_n);
void image_rows_free(ImageRow *rows, size_t n);
/* A ps row as JSON (ID, Image, Command, RunningFor, Status, Names, …), as ps --format json prints it. */
cJSON *container_row_json(const ContainerRow *c, bool trunc, uint64_t now);
/* The Docker-shaped inspect object of the image at path (inspect falls back to images). */
int image_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret);

/* verbs-volume.c: "berth volume …"; rm -v; inspect's Mounts, HostConfig.Binds and HostConfig.Mounts. */
int verb_rm_with_volumes(int argc, char *argv[], bool force);
int container_mounts_inspect_json(sd_bus *bus, const char *path, cJSON *o, cJSON *host);

int verb_version(int argc, char *argv[]);
int verb_info(int argc, char *argv[]);
int verb_system_df(int argc, char *argv[]);
