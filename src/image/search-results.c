/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "json-util.h"
#include "search-results.h"

#define DOCKER_HUB "docker.io"
#define OFFICIAL_PREFIX "library/"
#define SEARCH_NAME_MAX 255U

void search_results_free(SearchResult *results, size_t n) {
        for (size_t i = 0; results && i < n; i++) {
                free(results[i].name);
                free(results[i].description);
        }
        free(results);
}

int search_term_split(const char *term, char **ret_registry, char **ret_query) {
        _cleanup_free_ char *registry = NULL, *query = NULL;
        const char *slash;

        if (isempty(term))
                return -EINVAL;
        slash = strchr(term, '/');
        if (slash && (memchr(term, '.', slash - term) || memchr(term, ':', slash - term) ||
                      (slash - term == 9 && strncmp(term, "localhost", 9) == 0))) {
                registry = strndup(term, slash - term);
                query = strdup(slash + 1);
        } else {
                registry = strdup(DOCKER_HUB);
                query = strdup(term);
        }
        if (!registry || !query)
                return -ENOMEM;
        *ret_registry = TAKE_PTR(registry);
        *ret_query = TAKE_PTR(query);
        return 0;
}

/* A copy of s cut to at most max bytes, not inside a UTF-8 sequence. */
static char *strdup_cut(const char *s, size_t max) {
        size_t n = strlen(s);

        if (n > max) {
                n = max;
                while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
                        n--;
        }
        return strndup(s, n);
}

static int results_add(
        SearchResult **results,
        size_t *n,
        const char *name,
        const char *description,
        uint64_t stars,
        bool official,
        bool automated) {
        SearchResult *a = realloc(*results, (*n + 1) * sizeof(SearchResult));

        if (!a)
                return -ENOMEM;
        *results = a;
        a[*n] = (SearchResult){
                .name = strdup(name),
                .description = strdup_cut(description ?: "", SEARCH_DESCRIPTION_MAX),
                .star_count = stars,
                .is_official = official,
                .is_automated = automated,
        };
        (*n)++;
        if (!a[*n - 1].name || !a[*n - 1].description)
                return -ENOMEM;
        return 0;
}

int search_results_parse(const char *data, size_t size, size_t limit, SearchResult **ret, size_t *ret_n) {
        _cleanup_json_ cJSON *root = NULL;
        const cJSON *list, *e;
        SearchResult *results = NULL;
        size_t n = 0;
        int r = 0;

        if (size > SEARCH_ANSWER_MAX)
                return -EFBIG;
        root = cJSON_ParseWithLength(data, size);
        list = cJSON_GetObjectItemCaseSensitive(root, "results");
        if (!cJSON_IsObject(root) || !cJSON_IsArray(list))
                return -EBADMSG;
        cJSON_ArrayForEach (e, list) {
                const char *name = json_get_string(e, "name");
                int64_t stars = json_get_integer(e, "star_count", 0);

                if (n >= limit)
                        break;
                if (isempty(name) || strlen(name) > SEARCH_NAME_MAX)
                        continue;
                r = results_add(
                        &results,
                        &n,
                        name,
                        json_get_string(e, "description"),
                        stars > 0 ? (uint64_t)stars : 0,
                        json_get_bool(e, "is_official", false),
                        json_get_bool(e, "is_automated", false));
                if (r < 0)
                        break;
        }
        if (r < 0) {
                search_results_free(results, n);
                return r;
        }
        *ret = results;
        *ret_n = n;
        return 0;
}

int search_catalog_parse(
        const char *data,
        size_t size,
        const char *registry,
        const char *query,
        size_t limit,
        SearchResult **results,
        size_t *n) {
        _cleanup_json_ cJSON *root = NULL;
        const cJSON *list, *e;
        bool hub = streq(registry, DOCKER_HUB);
        int r;

        if (size > SEARCH_ANSWER_MAX)
                return -EFBIG;
        root = cJSON_ParseWithLength(data, size);
        list = cJSON_GetObjectItemCaseSensitive(root, "repositories");
        if (!cJSON_IsObject(root) || !(cJSON_IsArray(list) || cJSON_IsNull(list)))
                return -EBADMSG;
        cJSON_ArrayForEach (e, list) {
                _cleanup_free_ char *name = NULL;
                const char *repo = cJSON_GetStringValue(e);
                bool official;

                if (*n >= limit)
                        break;
                if (isempty(repo) || strlen(repo) > SEARCH_NAME_MAX || !strcasestr(repo, query))
                        continue;
                /* Docker Hub's official images live in library/ and go by their short name there. */
                official = hub && strncmp(repo, OFFICIAL_PREFIX, STRLEN(OFFICIAL_PREFIX)) == 0 &&
                           !strchr(repo + STRLEN(OFFICIAL_PREFIX), '/');
                if (official)
                        name = strdup(repo + STRLEN(OFFICIAL_PREFIX));
                else if (hub)
                        name = strdup(repo);
                else if (asprintf(&name, "%s/%s", registry, repo) < 0)
                        name = NULL;
                if (!name)
                        return -ENOMEM;
                r = results_add(results, n, name, "", 0, official, false);
                if (r < 0)
                        return r;
        }
        return 0;
}

int search_link_next(const char *link, char **ret) {
        const char *open, *close;

        *ret = NULL;
        /* RFC 8288: </v2/_catalog?last=x&n=100>; rel="next" */
        if (!link || !(open = strchr(link, '<')) || !(close = strchr(open, '>')) ||
            !strstr(close, "rel=\"next\""))
                return 0;
        open++;
        if (open == close ||
            (*open != '/' && strncmp(open, "http://", 7) != 0 && strncmp(open, "https://", 8) != 0))
                return 0;
        *ret = strndup(open, close - open);
        return *ret ? 1 : -ENOMEM;
}
