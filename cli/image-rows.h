/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The rows `berth images` prints for one image, as Docker's CLI makes them from RepoTags and RepoDigests
 * (familiar forms: "busybox:latest", "busybox@sha256:…"): per repository one row per tag, with each of that
 * repository's digests when digests are shown ("<none>" otherwise); then a row for each repository that
 * has digests only; a single "<none>" row for an image without references. */

#include <stdbool.h>
#include <stddef.h>

typedef struct ImageDisplayRow {
        char *repository;
        char *tag;    /* "<none>" when there is none */
        char *digest; /* "<none>" when there is none or digests are not shown */
} ImageDisplayRow;

void image_display_rows_free(ImageDisplayRow *rows, size_t n);

int image_display_rows(char **tags, char **digests, bool show_digests, ImageDisplayRow **ret, size_t *ret_n);

/* "busybox:latest" → "busybox", "latest"; "busybox@sha256:…" → "busybox", "sha256:…"; "busybox" →
 * "busybox", NULL. */
int familiar_reference_split(const char *ref, char **ret_repository, char **ret_tag_or_digest);
