/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Which image of a manifest list / OCI index to pull: the platform "os/arch[/variant]" (docker pull
 * --platform), by default linux/<this machine's architecture>. Pure logic. */

#include <stddef.h>

typedef struct Platform {
        char *os;
        char *architecture;
        char *variant; /* may be NULL */
} Platform;

void platform_done(Platform *p);

/* "linux/amd64", "linux/arm64/v8", "linux/arm/v7"; Docker's aliases ("x86_64", "aarch64", "armhf") are
 * taken; NULL or "" is this machine. -EINVAL for anything else. */
int platform_parse(const char *s, Platform *ret);
/* "linux/arm/v7" */
int platform_to_string(const Platform *p, char **ret);

/* In a manifest list / OCI index, the digest of the manifest for the platform: os and architecture equal,
 * and the variant when the platform names one (arm64 lists may leave "v8" out). -ENOENT when none,
 * -EBADMSG for bad input. */
int platform_pick_manifest(const char *data, size_t size, const Platform *p, char **ret_digest);
