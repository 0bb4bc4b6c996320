/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* User networks (`berth network create`): one JSON file each, <state>/networks/<name>.json, with the
 * subnet, the gateway (the bridge's address) and the bridge's name. The predefined networks bridge, host
 * and none are not stored. */

#include <stdint.h>

#include "network-config.h"

#define USER_NETWORKS_MAX 256U

typedef struct UserNetwork {
        char *name;
        char id[65];
        uint64_t created_at;    /* µs since the epoch */
        Subnet subnet;          /* with the gateway */
        bool subnet_configured; /* created with --subnet: containers may ask for an address (--ip) */
        char bridge[16];        /* br-<id12> */
        unsigned mtu;           /* -o com.docker.network.driver.mtu; 0: not given (NETWORK_DEFAULT_MTU) */
} UserNetwork;

UserNetwork *user_network_free(UserNetwork *n);
DEFINE_TRIVIAL_CLEANUP_FUNC(UserNetwork *, user_network_free);
void user_network_list_free(UserNetwork **l);

/* bridge, host, none (and Docker's "default"): not names for a user network. */
bool network_name_is_predefined(const char *name);
bool network_name_is_valid(const char *name);

/* "172.18.0.1/16"-style text of the subnet's gateway and prefix, as network.json's "Bip". */
int subnet_to_bip(const Subnet *s, char ret[static 20]);
/* "172.18.0.0/16" */
int subnet_to_string(const Subnet *s, char ret[static 20]);
bool subnets_overlap(const Subnet *a, const Subnet *b);

/* Creates a network. subnet ("10.1.0.0/24") and gateway may be NULL: the first free /16 of 172.18 to
 * 172.31, then of 192.168.x.0/20; the subnet's first address. options: the driver's options (-o) as key,
 * value, … (NETWORK_OPTION_MTU only). taken: the default bridge's subnet, which no network may overlap
 * either. -EEXIST, -EINVAL (with Docker's message in *ret_error), -ENOSPC. */
int user_network_create(
        const char *state_dir,
        const char *name,
        const char *subnet,
        const char *gateway,
        char *const *options,
        const Subnet *taken,
        uint64_t now_usec,
        UserNetwork **ret,
        char **ret_error);

/* The driver's options of n as key, value, … (network inspect's "Options"). */
int user_network_options(const UserNetwork *n, char ***ret);

/* By name, or by id or a unique id prefix. -ENOENT. */
int user_network_get(const char *state_dir, const char *name_or_id, UserNetwork **ret);
/* NULL-terminated, sorted by name. */
int user_network_list(const char *state_dir, UserNetwork ***ret);
int user_network_remove(const char *state_dir, const char *name);
