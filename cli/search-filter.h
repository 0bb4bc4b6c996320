/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker search --filter: stars=N (at least N stars), is-official=true|false, is-automated=true|false.
 * Several filters must all match. */

#include <stdbool.h>
#include <stdint.h>

typedef struct SearchFilter {
        uint64_t min_stars;
        int official;  /* -1: not given */
        int automated; /* -1: not given */
} SearchFilter;

#define SEARCH_FILTER_INIT ((SearchFilter){.official = -1, .automated = -1})

/* Adds one --filter argument. A bad one: -EINVAL, with Docker's message logged. */
int search_filter_add(SearchFilter *f, const char *arg);

bool search_filter_match(const SearchFilter *f, uint64_t stars, bool official, bool automated);
