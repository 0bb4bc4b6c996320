/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Docker's image reference rules. */

/* "busybox" -> "docker.io/library/busybox:latest"; "user/app:v1" -> "docker.io/user/app:v1";
 * "registry:5000/path/app" -> "registry:5000/path/app:latest"; "name@sha256:<64 hex>" keeps the digest.
 * -EINVAL for anything Docker would refuse (upper case in the path, bad tag, empty parts, too long). */
int reference_normalize(const char *s, char **ret);

/* The short form Docker prints: "docker.io/library/busybox:latest" -> "busybox:latest",
 * "docker.io/user/app:v1" -> "user/app:v1"; others unchanged. */
int reference_familiar(const char *normalized, char **ret);

/* Splits a normalized reference into repository ("docker.io/library/busybox") and tag ("latest") or
 * digest ("sha256:..."); either out parameter may be NULL. */
int reference_split(const char *normalized, char **ret_repository, char **ret_tag, char **ret_digest);

/* The digest reference ("docker.io/library/busybox@sha256:…") of any reference with a digest; a tag beside
 * the digest ("busybox:1@sha256:…") names nothing more. -EINVAL without a digest. */
int reference_repo_digest(const char *s, char **ret);
