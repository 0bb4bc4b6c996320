/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* `docker login`'s check: do these credentials open this registry? */

#include "registry-options.h"

/* GET /v2/ on the registry itself (never a mirror), meeting its challenge with the credentials in auth
 * (Docker config.json's "auth" value): Basic, or a Bearer token from the challenge's realm with no
 * scope. 0 when the registry lets them in (a registry without authentication does too); else the
 * registry client's error, logged in one line (-EACCES: refused). */
int registry_login(const RegistryOptions *options, const char *registry, const char *auth);
