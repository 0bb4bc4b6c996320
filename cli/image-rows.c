/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "image-rows.h"
#include "macro.h"
#include "strv.h"

#define NONE "<none>"

void image_display_rows_free(ImageDisplayRow *rows, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(rows[i].repository);
                free(rows[i].tag);
                free(rows[i].digest);
        }
        free(rows);
}

int familiar_reference_split(const char *ref, char **ret_repository, char **ret_tag_or_digest) {
        _cleanup_free_ char *repository = NULL, *rest = NULL;
        const char *sep = strchr(ref, '@');

        if (!sep) {
                const char *slash = strrchr(ref, '/');
                sep = strrchr(slash ?: ref, ':');
        }
        repository = sep ? strndup(ref, (size_t)(sep - ref)) : strdup(ref);
        if (!repository)
                return -ENOMEM;
        if (sep) {
                rest = strdup(sep + 1);
                if (!rest)
                        return -ENOMEM;
        }
        *ret_repository = TAKE_PTR(repository);
        *ret_tag_or_digest = TAKE_PTR(rest);
        return 0;
}

static int
row_add(ImageDisplayRow **rows, size_t *n, const char *repository, const char *tag, const char *digest) {
        ImageDisplayRow *a = realloc(*rows, (*n + 1) * sizeof(ImageDisplayRow));

        if (!a)
                return -ENOMEM;
        *rows = a;
        a[*n] = (ImageDisplayRow){strdup(repository), strdup(tag ?: NONE), strdup(digest ?: NONE)};
        (*n)++;
        if (!a[*n - 1].repository || !a[*n - 1].tag || !a[*n - 1].digest)
                return -ENOMEM;
        return 0;
}

/* The tags or digests of refs that belong to repository. */
static int refs_of_repository(char **refs, const char *repository, char ***ret) {
        _cleanup_strv_free_ char **found = NULL;
        int r;

        STRV_FOREACH (ref, refs) {
                _cleanup_free_ char *repo = NULL, *rest = NULL;

                r = familiar_reference_split(*ref, &repo, &rest);
                if (r < 0)
                        return r;
                if (streq(repo, repository) && rest && strv_consume(&found, TAKE_PTR(rest)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(found);
        return 0;
}

/* Adds the repositories of refs not in repos yet, in order. */
static int repositories_add(char ***repos, char **refs) {
        int r;

        STRV_FOREACH (ref, refs) {
                _cleanup_free_ char *repo = NULL, *rest = NULL;

                r = familiar_reference_split(*ref, &repo, &rest);
                if (r < 0)
                        return r;
                if (!strv_contains(*repos, repo) && strv_consume(repos, TAKE_PTR(repo)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int image_display_rows(
        char **tags, char **digests, bool show_digests, ImageDisplayRow **ret, size_t *ret_n) {
        _cleanup_strv_free_ char **repos = NULL;
        ImageDisplayRow *rows = NULL;
        size_t n = 0;
        int r;

        r = repositories_add(&repos, tags);
        if (r >= 0)
                r = repositories_add(&repos, digests);
        if (r < 0)
                return r;
        if (!repos)
                r = row_add(&rows, &n, NONE, NULL, NULL);
        STRV_FOREACH (repo, repos) {
                _cleanup_strv_free_ char **repo_tags = NULL, **repo_digests = NULL;

                r = refs_of_repository(tags, *repo, &repo_tags);
                if (r >= 0)
                        r = refs_of_repository(digests, *repo, &repo_digests);
                if (r < 0)
                        break;
                if (!show_digests)
                        repo_digests = strv_free(repo_digests);
                /* A row per tag and digest; a repository without tags gets rows with tag <none>. */
                for (size_t t = 0; r >= 0 && t < MAX(strv_length(repo_tags), 1U); t++)
                        for (size_t d = 0; r >= 0 && d < MAX(strv_length(repo_digests), 1U); d++)
                                r =
                                        row_add(&rows,
                                                &n,
                                                *repo,
                                                repo_tags ? repo_tags[t] : NULL,
                                                repo_digests ? repo_digests[d] : NULL);
                if (r < 0)
                        break;
        }
        if (r < 0) {
                image_display_rows_free(rows, n);
                return r;
        }
        *ret = rows;
        *ret_n = n;
        return 0;
}
