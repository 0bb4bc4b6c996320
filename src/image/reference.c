/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Docker's reference grammar (github.com/distribution/reference): name [":" tag] ["@" digest], where a
 * first path component with a '.', a ':', upper case letters or equal to "localhost" is a registry. */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "reference.h"

#define DEFAULT_DOMAIN "docker.io"
#define LEGACY_DOMAIN "index.docker.io"
#define OFFICIAL_REPO_PREFIX "library/"
#define NAME_TOTAL_LENGTH_MAX 255
#define TAG_LENGTH_MAX 128

static bool is_lower_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c) {
        return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c) {
        return is_alnum(c) || c == '_';
}

/* path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [_.] | "__" | "-"+ */
static bool path_component_is_valid(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
                return false;
        while (i < n) {
                if (is_lower_alnum(s[i])) {
                        i++;
                        continue;
                }
                size_t start = i;
                while (i < n && !is_lower_alnum(s[i]))
                        i++;
                size_t len = i - start;
                const char *sep = s + start;
                bool dashes = true;
                for (size_t k = 0; k < len; k++)
                        if (sep[k] != '-')
                                dashes = false;
                if (!(dashes || (len == 1 && (sep[0] == '.' || sep[0] == '_')) ||
                      (len == 2 && sep[0] == '_' && sep[1] == '_')))
                        return false;
        }
        return true;
}

static bool path_is_valid(const char *path) {
        for (const char *p = path;;) {
                const char *slash = strchr(p, '/');
                size_t n = slash ? (size_t)(slash - p) : strlen(p);
                if (!path_component_is_valid(p, n))
                        return false;
                if (!slash)
                        return true;
                p = slash + 1;
        }
}

/* domain := component ("." component)* [":" port]; component := alnum ([alnum-]* alnum)? */
static bool domain_is_valid(const char *s, size_t n) {
        const char *colon = memchr(s, ':', n);
        size_t host_len = colon ? (size_t)(colon - s) : n;

        if (colon) {
                size_t port_len = n - host_len - 1;
                if (port_len == 0)
                        return false;
                for (size_t i = host_len + 1; i < n; i++)
                        if (s[i] < '0' || s[i] > '9')
                                return false;
        }
        if (host_len == 0)
                return false;
        for (size_t i = 0; i < host_len;) {
                size_t start = i;
                while (i < host_len && s[i] != '.')
                        i++;
                if (i == start || !is_alnum(s[start]) || !is_alnum(s[i - 1]))
                        return false;
                for (size_t k = start; k < i; k++)
                        if (!is_alnum(s[k]) && s[k] != '-')
                                return false;
                if (i < host_len && ++i == host_len)
                        return false; /* trailing dot */
        }
        return true;
}

static bool tag_is_valid(const char *s) {
        size_t n = strlen(s);

        if (n == 0 || n > TAG_LENGTH_MAX || !is_word(s[0]))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
                        return false;
        return true;
}

static bool looks_like_domain(const char *s, size_t n) {
        if (n == STRLEN("localhost") && strncmp(s, "localhost", n) == 0)
                return true;
        for (size_t i = 0; i < n; i++)
                if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
                        return true;
        return false;
}

int reference_normalize(const char *s, char **ret) {
        _cleanup_free_ char *copy = NULL, *domain = NULL, *path = NULL, *result = NULL;
        const char *digest = NULL, *tag = NULL;
        char *at, *colon, *slash, *name;
        size_t name_len;

        if (isempty(s) || strlen(s) > NAME_TOTAL_LENGTH_MAX + 1 + TAG_LENGTH_MAX + 1 + DIGEST_STRING_LEN)
                return -EINVAL;
        /* A bare image id is refused as a name, as Docker does, so that it never shadows an id. */
        if (sha256_hex_is_valid(s))
                return -EINVAL;

        copy = strdup(s);
        if (!copy)
                return -ENOMEM;

        at = strchr(copy, '@');
        if (at) {
                *at = 0;
                digest = at + 1;
                if (!digest_is_valid(digest))
                        return -EINVAL;
        }

        colon = strrchr(copy, ':');
        slash = strrchr(copy, '/');
        if (colon && (!slash || colon > slash)) {
                *colon = 0;
                tag = colon + 1;
                if (!tag_is_valid(tag))
                        return -EINVAL;
        }

        name = copy;
        name_len = strlen(name);
        if (name_len == 0)
                return -EINVAL;

        slash = strchr(name, '/');
        if (slash && looks_like_domain(name, (size_t)(slash - name))) {
                domain = strndup(name, (size_t)(slash - name));
                path = strdup(slash + 1);
        } else {
                domain = strdup(DEFAULT_DOMAIN);
                path = strdup(name);
        }
        if (!domain || !path)
                return -ENOMEM;

        if (streq(domain, LEGACY_DOMAIN)) {
                free(domain);
                domain = strdup(DEFAULT_DOMAIN);
                if (!domain)
                        return -ENOMEM;
        }
        if (!domain_is_valid(domain, strlen(domain)) || !path_is_valid(path))
                return -EINVAL;
        if (streq(domain, DEFAULT_DOMAIN) && !strchr(path, '/')) {
                char *p = NULL;
                if (asprintf(&p, OFFICIAL_REPO_PREFIX "%s", path) < 0)
                        return -ENOMEM;
                free(path);
                path = p;
        }
        if (strlen(domain) + 1 + strlen(path) > NAME_TOTAL_LENGTH_MAX)
                return -EINVAL;

        if (asprintf(
                    &result,
                    "%s/%s%s%s%s%s",
                    domain,
                    path,
                    tag || !digest ? ":" : "",
                    tag ?: (!digest ? "latest" : ""),
                    digest ? "@" : "",
                    digest ?: "") < 0)
                return -ENOMEM;

        *ret = TAKE_PTR(result);
        return 0;
}

int reference_familiar(const char *normalized, char **ret) {
        const char *p = normalized;
        char *s;

        if (strncmp(p, DEFAULT_DOMAIN "/", STRLEN(DEFAULT_DOMAIN "/")) == 0) {
                p += STRLEN(DEFAULT_DOMAIN "/");
                if (strncmp(p, OFFICIAL_REPO_PREFIX, STRLEN(OFFICIAL_REPO_PREFIX)) == 0) {
                        const char *rest = p + STRLEN(OFFICIAL_REPO_PREFIX);
                        if (!strchr(rest, '/'))
                                p = rest;
                }
        }
        s = strdup(p);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int reference_split(const char *normalized, char **ret_repository, char **ret_tag, char **ret_digest) {
        _cleanup_free_ char *repository = NULL, *tag = NULL, *digest = NULL;
        const char *at = strchr(normalized, '@'), *end, *colon, *slash;

        end = at ?: normalized + strlen(normalized);
        slash = memrchr(normalized, '/', (size_t)(end - normalized));
        colon = memrchr(normalized, ':', (size_t)(end - normalized));
        if (colon && slash && colon < slash)
                colon = NULL;

        repository = strndup(normalized, (size_t)((colon ?: end) - normalized));
        if (!repository)
                return -ENOMEM;
        if (colon) {
                tag = strndup(colon + 1, (size_t)(end - colon - 1));
                if (!tag)
                        return -ENOMEM;
        }
        if (at) {
                digest = strdup(at + 1);
                if (!digest)
                        return -ENOMEM;
        }

        if (ret_repository)
                *ret_repository = TAKE_PTR(repository);
        if (ret_tag)
                *ret_tag = TAKE_PTR(tag);
        if (ret_digest)
                *ret_digest = TAKE_PTR(digest);
        return 0;
}

int reference_repo_digest(const char *s, char **ret) {
        _cleanup_free_ char *normalized = NULL, *repository = NULL, *digest = NULL;
        int r;

        r = reference_normalize(s, &normalized);
        if (r < 0)
                return r;
        r = reference_split(normalized, &repository, NULL, &digest);
        if (r < 0)
                return r;
        if (!digest)
                return -EINVAL;
        return asprintf(ret, "%s@%s", repository, digest) < 0 ? -ENOMEM : 0;
}
