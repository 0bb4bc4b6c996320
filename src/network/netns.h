/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A network namespace kept alive by a bind mount of its nsfs file, as `ip netns` does, so that it exists
 * before the container's init and can be configured from outside. */

/* Creates a new network namespace bound at path; the caller stays in its own. */
int netns_create(const char *path);
/* Unmounts and unlinks path; a missing one is fine. */
int netns_remove(const char *path);
/* Runs fn inside the namespace at path and comes back. */
int netns_run(const char *path, int (*fn)(void *userdata), void *userdata);
