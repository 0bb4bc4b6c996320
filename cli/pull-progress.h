/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker pull's per-layer lines. On a terminal each layer keeps one line, redrawn in place with a bar
 * ("a1b2c3d4e5f6: Downloading [=====>      ]  1.2MB/3.4MB"); otherwise one plain line per status change
 * ("a1b2c3d4e5f6: Pull complete"), without the byte counts. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PULL_BAR_WIDTH 50U

typedef struct PullProgressLayer {
        char id[13]; /* the first 12 hex digits of the layer digest */
        char *status;
} PullProgressLayer;

typedef struct PullProgress {
        FILE *out;
        bool tty;
        PullProgressLayer *layers;
        size_t n_layers;
} PullProgress;

void pull_progress_done(PullProgress *p);

/* Docker's progress text: "[=====>      ]  1.2MB/3.4MB" (bar only with total > 0), "" when nothing moved. */
int pull_progress_format(uint64_t done, uint64_t total, char **ret);

/* One LayerProgress signal. */
int pull_progress_update(
        PullProgress *p, const char *digest, const char *status, uint64_t done, uint64_t total);
