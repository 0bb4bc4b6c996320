/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The answers of docker search's sources, as pure logic (registry-search.c does the requests): Docker
 * Hub's v1 search API and a registry's /v2/_catalog, and Docker's reading of a search term. All input is
 * untrusted: sizes and counts are capped. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SEARCH_LIMIT_DEFAULT 25U
#define SEARCH_LIMIT_MAX 100U
/* Descriptions longer than this are cut (Docker Hub's are at most 100 characters). */
#define SEARCH_DESCRIPTION_MAX 200U
/* Bytes of one answer (a search result page, a catalog page). */
#define SEARCH_ANSWER_MAX (4U * 1024U * 1024U)

typedef struct SearchResult {
        char *name; /* as docker pull takes it: "busybox", "user/app", "127.0.0.1:5000/library/app" */
        char *description;
        uint64_t star_count;
        bool is_official;
        bool is_automated;
} SearchResult;

void search_results_free(SearchResult *results, size_t n);

/* Docker's split of a term: a first path component with a '.' or a ':', or "localhost", names the
 * registry ("127.0.0.1:5000/busy" → "127.0.0.1:5000", "busy"); anything else searches Docker Hub
 * ("busybox", "user/app" → "docker.io", the term). -EINVAL for an empty term. */
int search_term_split(const char *term, char **ret_registry, char **ret_query);

/* The v1 search answer: {"results": [{"name", "description", "star_count", "is_official",
 * "is_automated"}, …]}; at most limit results; entries without a valid name are skipped. -EBADMSG when
 * it is not such an answer. */
int search_results_parse(const char *data, size_t size, size_t limit, SearchResult **ret, size_t *ret_n);

/* A /v2/_catalog answer {"repositories": ["library/busybox", …]}: appends the repositories whose name
 * contains query (ignoring case) to *results until there are limit, named as docker pull takes them
 * (registry "docker.io": "busybox", "user/app"; else "registry/library/busybox"). -EBADMSG when it is
 * not such an answer. */
int search_catalog_parse(
        const char *data,
        size_t size,
        const char *registry,
        const char *query,
        size_t limit,
        SearchResult **results,
        size_t *n);

/* The next page's URL of a Link header ('</v2/_catalog?last=x&n=100>; rel="next"'): 1 and the path or
 * URL in *ret, 0 and NULL when there is none. */
int search_link_next(const char *link, char **ret);
