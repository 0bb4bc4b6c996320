/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker search: Docker Hub's v1 search API (GET /v1/search?q=TERM&n=LIMIT) where a registry offers it,
 * else the registry's catalog (GET /v2/_catalog) filtered by the term, which is what a private registry
 * has. Image code only: knows nothing of containers or of the bus. */

#include <stddef.h>

#include "registry-options.h"
#include "search-results.h"

/* Searches the registry of term (its mirrors first, for Docker Hub the index's search API when no mirror
 * answers) for at most limit results. auth: Docker config.json's "auth" value, or NULL. Errors are logged
 * in one line (registry-client.h's words). */
int registry_search(
        const RegistryOptions *options,
        const char *term,
        size_t limit,
        const char *auth,
        SearchResult **ret,
        size_t *ret_n);
