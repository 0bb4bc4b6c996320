/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <curl/curl.h>
#include <stdio.h>

#include "log.h"
#include "registry-client.h"
#include "registry-search.h"

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_SEARCH "https://index.docker.io"
#define CATALOG_PAGE_SIZE 100U
/* A registry with more repositories than pages × page size is searched in its first ones only. */
#define CATALOG_PAGES_MAX 100U

/* The v1 search API: 1 with the results, 0 when the registry does not offer it. */
static int search_v1(
        RegistryClient *c,
        const char *registry,
        const char *query,
        size_t limit,
        SearchResult **ret,
        size_t *ret_n) {
        _cleanup_(registry_response_done) RegistryResponse resp = {};
        _cleanup_free_ char *path = NULL;
        char *escaped;
        RegistryRequest req;
        int r;

        escaped = curl_easy_escape(NULL, query, 0);
        if (!escaped)
                return -ENOMEM;
        /* Docker Hub's registry has no search; its index has. */
        r = asprintf(
                &path,
                "%s/v1/search?q=%s&n=%zu",
                streq(registry, DOCKER_HUB) && !registry_client_on_mirror(c) ? DOCKER_HUB_SEARCH : "",
                escaped,
                limit);
        curl_free(escaped);
        if (r < 0)
                return -ENOMEM;
        req = REGISTRY_REQUEST_INIT("GET", path);
        req.max_response = SEARCH_ANSWER_MAX;
        r = registry_client_request(c, &req, &resp);
        if (r < 0)
                return r;
        if (resp.status != 200 || !resp.body)
                return 0;
        r = search_results_parse(resp.body, resp.body_size, limit, ret, ret_n);
        if (r == -EBADMSG)
                return 0; /* something else answered at that path */
        return r < 0 ? r : 1;
}

static int search_catalog(
        RegistryClient *c,
        const char *registry,
        const char *query,
        size_t limit,
        SearchResult **ret,
        size_t *ret_n) {
        _cleanup_free_ char *path = NULL;
        SearchResult *results = NULL;
        size_t n = 0;
        int r = 0;

        if (asprintf(&path, "/v2/_catalog?n=%u", CATALOG_PAGE_SIZE) < 0)
                return -ENOMEM;
        for (unsigned page = 0; path && page < CATALOG_PAGES_MAX && n < limit && r >= 0; page++) {
                _cleanup_(registry_response_done) RegistryResponse resp = {};
                RegistryRequest req = REGISTRY_REQUEST_INIT("GET", path);
                char *next = NULL;

                req.max_response = SEARCH_ANSWER_MAX;
                r = registry_client_request(c, &req, &resp);
                if (r < 0)
                        break;
                if (resp.status != 200) {
                        r = registry_response_error(&resp, NULL);
                        break;
                }
                r = search_catalog_parse(
                        resp.body ?: "", resp.body_size, registry, query, limit, &results, &n);
                if (r == -EBADMSG)
                        r = log_error_errno(r, "The registry's catalog is not valid JSON.");
                if (r >= 0)
                        r = search_link_next(registry_response_header(&resp, "Link"), &next);
                free(path);
                path = next;
        }
        if (r < 0) {
                search_results_free(results, n);
                return r;
        }
        *ret = results;
        *ret_n = n;
        return 0;
}

int registry_search(
        const RegistryOptions *options,
        const char *term,
        size_t limit,
        const char *auth,
        SearchResult **ret,
        size_t *ret_n) {
        _cleanup_(registry_client_freep) RegistryClient *c = NULL;
        _cleanup_free_ char *registry = NULL, *query = NULL;
        int r;

        r = search_term_split(term, &registry, &query);
        if (r < 0)
                return log_error_errno(r, "invalid search term: %s", term);
        r = registry_client_new(options, registry, NULL, REGISTRY_ACCESS_PULL, auth, &c);
        if (r < 0)
                return log_error_errno(r, "Cannot search %s: %m", registry);
        r = registry_client_connect(c);
        if (r < 0)
                return r;
        r = search_v1(c, registry, query, limit, ret, ret_n);
        if (r != 0)
                return r < 0 ? r : 0;
        return search_catalog(c, registry, query, limit, ret, ret_n);
}
