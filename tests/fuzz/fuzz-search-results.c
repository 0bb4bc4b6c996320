/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "search-results.h"

/* Everything a registry answers to a search: the v1 search JSON, a catalog page, its Link header. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        const char *s = (const char *)data;
        SearchResult *results = NULL;
        size_t n = 0;
        char *text, *next = NULL, *registry = NULL, *query = NULL;

        if (search_results_parse(s, size, SEARCH_LIMIT_MAX, &results, &n) >= 0)
                search_results_free(results, n);
        results = NULL;
        n = 0;
        (void)search_catalog_parse(s, size, "127.0.0.1:5000", "b", SEARCH_LIMIT_MAX, &results, &n);
        (void)search_catalog_parse(s, size, "docker.io", "", SEARCH_LIMIT_MAX, &results, &n);
        search_results_free(results, n);

        text = strndup(s, size);
        if (!text)
                return 0;
        if (search_link_next(text, &next) > 0)
                free(next);
        if (search_term_split(text, &registry, &query) >= 0) {
                free(registry);
                free(query);
        }
        free(text);
        return 0;
}
