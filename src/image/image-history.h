/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The history of an image config (docker history): one entry per build step, newest first. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image-store.h"

typedef struct ImageHistoryEntry {
        char *id; /* the image id on the newest entry, NULL ("<missing>") on the others */
        uint64_t created_usec;
        char *created_by; /* never NULL */
        uint64_t size;    /* bytes of the layer the step made, 0 for an empty_layer step */
        char *comment;    /* never NULL */
} ImageHistoryEntry;

void image_history_free(ImageHistoryEntry *h, size_t n);

/* Parses the config's "history" against layer_sizes (bottom first, n_layers of them): each step that is
 * not empty_layer takes the next layer. Without history, one entry per layer. -EBADMSG for malformed
 * JSON, a history that is not an array, or more non-empty steps than layers. */
int image_history_parse(
        const char *config_data,
        size_t config_size,
        const uint64_t *layer_sizes,
        size_t n_layers,
        ImageHistoryEntry **ret,
        size_t *ret_n);

/* The history of the image name names (see image_store_get() for the errors). */
int image_store_history(ImageStore *store, const char *name, ImageHistoryEntry **ret, size_t *ret_n);
