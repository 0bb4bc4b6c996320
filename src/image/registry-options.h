/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The registry settings of /etc/berth/daemon.json, with Docker's keys where Docker has them:
 *   "registry-mirrors": ["https://mirror.example"]            mirrors of docker.io, tried in order
 *   "registries": {"quay.io": {"mirrors": ["http://…"]}}       mirrors of any registry (moby#18818)
 *   "insecure-registries": ["host:port", "10.0.0.0/8"]         no TLS verification, http allowed
 *   "max-concurrent-downloads": 3                              layers downloaded at once per pull
 *   "max-layer-size": 17179869184                              berth's own: bytes one layer may unpack to
 * Other keys belong to other parts of berth and are ignored here. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define REGISTRY_DOWNLOADS_DEFAULT 3U
#define REGISTRY_DOWNLOADS_MAX 32U

typedef struct RegistryMirrors {
        char *registry; /* "quay.io", "127.0.0.1:5000" */
        char **mirrors; /* base URLs without a trailing "/" */
} RegistryMirrors;

typedef struct RegistryOptions {
        char **mirrors; /* "registry-mirrors": docker.io only */
        RegistryMirrors *registries;
        size_t n_registries;
        char **insecure; /* "host[:port]" or an IPv4/IPv6 CIDR */
        unsigned max_concurrent_downloads;
        uint64_t max_layer_size; /* 0: the store's default */
} RegistryOptions;

void registry_options_done(RegistryOptions *o);

/* Parses the daemon.json text; -EINVAL (logged, naming the key) for registry keys of the wrong shape. */
int registry_options_parse(const char *data, size_t size, RegistryOptions *ret);
/* The same from a file; a missing file gives the defaults. */
int registry_options_load(const char *path, RegistryOptions *ret);

/* The mirrors to try before registry ("docker.io" also gets "registry-mirrors", first); may be NULL. The
 * result is a new strv. */
int registry_options_mirrors(const RegistryOptions *o, const char *registry, char ***ret);

/* Whether host ("host" or "host:port", as in a reference) is listed in insecure-registries, by name or
 * (for an IP literal) by CIDR. */
bool registry_options_is_insecure(const RegistryOptions *o, const char *host);
