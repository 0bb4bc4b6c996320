/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker images --filter: dangling=true|false, reference=PATTERN, before=IMAGE, since=IMAGE,
 * label=KEY[=VALUE]. As in Docker, reference= patterns match when any does, label= filters must all
 * match, and a later before=/since= replaces an earlier one. */

#include <stdbool.h>

#include "macro.h"

typedef struct ImageFilter {
        int dangling;      /* -1: not given */
        char **references; /* patterns */
        char **labels;     /* "KEY" or "KEY=VALUE" */
        char *before;      /* image names, for the caller to resolve */
        char *since;
} ImageFilter;

#define IMAGE_FILTER_INIT ((ImageFilter){.dangling = -1})

void image_filter_done(ImageFilter *f);

/* A boolean of a --filter value as Docker takes it: "true"/"false" in any case, "1"/"0". */
int filter_parse_bool(const char *value, int *ret);

/* Adds one --filter argument. A bad one: -EINVAL, with Docker's message logged. */
int image_filter_add(ImageFilter *f, const char *arg);

/* Docker's reference.FamiliarMatch: the pattern (Go's path.Match: '*', '?', '[…]', '\\' escapes, no
 * wildcard crossing '/') against "busybox:latest" / "busybox@sha256:…", then against the name "busybox".
 * 1 match, 0 no match, -EINVAL a bad pattern. */
int reference_pattern_match(const char *pattern, const char *familiar_ref);

/* The references (familiar form) that pass the reference= patterns, in order (all of them when there are
 * none). */
int image_filter_references(const ImageFilter *f, char **refs, char ***ret);

/* Whether the image's labels (key, value pairs) pass every label= filter. */
bool image_filter_labels_match(const ImageFilter *f, char **labels);
