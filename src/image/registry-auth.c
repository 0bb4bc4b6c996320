/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json-util.h"
#include "registry-auth.h"

/* Registries send one short challenge; anything this long is not one. */
#define CHALLENGE_SIZE_MAX 8192U
/* Docker's config.json "auth" values and tokens are short; a cap keeps a bad file from costing much. */
#define AUTH_SIZE_MAX 65536U

void registry_challenge_done(RegistryChallenge *c) {
        if (!c)
                return;
        free(c->scheme);
        free(c->realm);
        free(c->service);
        free(c->scope);
        *c = (RegistryChallenge){};
}

void registry_credentials_done(RegistryCredentials *c) {
        if (!c)
                return;
        if (c->password)
                OPENSSL_cleanse(c->password, strlen(c->password));
        free(c->username);
        free(c->password);
        *c = (RegistryCredentials){};
}

static bool is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* RFC 9110's token characters (tchar). */
static bool is_tchar(char c) {
        return is_alnum(c) || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

/* RFC 9110's token68 characters, without the trailing '=' padding. */
static bool is_token68_char(char c) {
        return is_alnum(c) || (c != 0 && strchr("-._~+/", c));
}

static bool is_base64_char(char c) {
        return is_alnum(c) || c == '+' || c == '/';
}

static const char *skip_ows(const char *p) {
        while (*p == ' ' || *p == '\t')
                p++;
        return p;
}

static size_t token_length(const char *p) {
        size_t n = 0;

        while (p[n] && is_tchar(p[n]))
                n++;
        return n;
}

static bool at_element_end(const char *p) {
        p = skip_ows(p);
        return *p == ',' || *p == 0;
}

/* A quoted-string starting at *p (on the '"'), unescaped into *ret; *p moves past the closing quote. */
static int read_quoted(const char **p, char **ret) {
        const char *s = *p + 1;
        _cleanup_free_ char *v = NULL;
        size_t n = 0;

        v = malloc(strlen(s) + 1);
        if (!v)
                return -ENOMEM;
        for (;; s++) {
                if (*s == 0)
                        return -EBADMSG;
                if (*s == '"')
                        break;
                if (*s == '\\') {
                        s++;
                        if (*s == 0)
                                return -EBADMSG;
                }
                if ((unsigned char)*s < 0x20 && *s != '\t')
                        return -EBADMSG;
                if (*s == 0x7f)
                        return -EBADMSG;
                v[n++] = *s;
        }
        v[n] = 0;
        *p = s + 1;
        *ret = TAKE_PTR(v);
        return 0;
}

/* An auth-param (name BWS "=" BWS ( token / quoted-string )) ending its list element. -EAGAIN when the
 * text is not one, so the caller may try token68. */
static int read_param(const char **p, char **ret_name, char **ret_value) {
        _cleanup_free_ char *name = NULL, *value = NULL;
        const char *s = *p;
        size_t n;
        int r;

        n = token_length(s);
        if (n == 0)
                return -EAGAIN;
        name = strndup(s, n);
        if (!name)
                return -ENOMEM;
        s = skip_ows(s + n);
        if (*s != '=')
                return -EAGAIN;
        s = skip_ows(s + 1);
        if (*s == '"') {
                r = read_quoted(&s, &value);
                if (r < 0)
                        return r;
        } else {
                n = token_length(s);
                if (n == 0)
                        return -EAGAIN;
                value = strndup(s, n);
                if (!value)
                        return -ENOMEM;
                s += n;
        }
        if (!at_element_end(s))
                return -EAGAIN;
        *p = skip_ows(s);
        *ret_name = TAKE_PTR(name);
        *ret_value = TAKE_PTR(value);
        return 0;
}

/* token68 ending its list element: accepted so that a scheme like Negotiate does not spoil the header. */
static int read_token68(const char **p) {
        const char *s = *p;

        if (!is_token68_char(*s))
                return -EBADMSG;
        while (is_token68_char(*s))
                s++;
        while (*s == '=')
                s++;
        if (!at_element_end(s))
                return -EBADMSG;
        *p = skip_ows(s);
        return 0;
}

static int challenge_set_param(RegistryChallenge *c, char *name, char *value) {
        char **field = strcasecmp(name, "realm") == 0     ? &c->realm
                       : strcasecmp(name, "service") == 0 ? &c->service
                       : strcasecmp(name, "scope") == 0   ? &c->scope
                                                          : NULL;

        if (!field) {
                free(value);
                return 0;
        }
        if (*field) {
                free(value);
                return -EBADMSG; /* RFC 9110: each parameter name only once */
        }
        *field = value;
        return 0;
}

static bool scheme_is(const RegistryChallenge *c, const char *scheme) {
        return c->scheme && strcasecmp(c->scheme, scheme) == 0;
}

/* Keeps the better of the challenges seen so far in *best: Bearer over Basic, and nothing else. */
static void challenge_offer(RegistryChallenge *best, RegistryChallenge *c) {
        bool supported = scheme_is(c, "Bearer") || scheme_is(c, "Basic");

        if (supported && (!best->scheme || (scheme_is(best, "Basic") && scheme_is(c, "Bearer")))) {
                registry_challenge_done(best);
                *best = *c;
                *c = (RegistryChallenge){};
        } else
                registry_challenge_done(c);
}

/* The header is a comma-separated list whose elements are either a new challenge ("scheme",
 * "scheme param", "scheme token68") or one more auth-param of the current challenge (RFC 9110 §11). */
int registry_challenge_parse(const char *header, RegistryChallenge *ret) {
        _cleanup_(registry_challenge_done) RegistryChallenge best = {}, current = {};
        bool any = false;
        const char *p = header;
        int r;

        if (!header || strlen(header) > CHALLENGE_SIZE_MAX)
                return -EBADMSG;

        for (;;) {
                _cleanup_free_ char *name = NULL, *value = NULL;
                const char *after;
                size_t n;

                while (*p == ',' || *p == ' ' || *p == '\t')
                        p++;
                if (*p == 0)
                        break;

                n = token_length(p);
                if (n == 0)
                        return -EBADMSG;
                after = skip_ows(p + n);
                if (*after == '=') {
                        /* One more parameter of the current challenge. */
                        if (!current.scheme)
                                return -EBADMSG;
                        r = read_param(&p, &name, &value);
                        if (r == -EAGAIN)
                                return -EBADMSG;
                        if (r < 0)
                                return r;
                        r = challenge_set_param(&current, name, TAKE_PTR(value));
                        if (r < 0)
                                return r;
                        continue;
                }
                if (after == p + n && *after != ',' && *after != 0)
                        return -EBADMSG; /* no space between the scheme and what follows */

                /* A new challenge. */
                challenge_offer(&best, &current);
                current.scheme = strndup(p, n);
                if (!current.scheme)
                        return -ENOMEM;
                any = true;
                p = after;
                if (*p == ',' || *p == 0)
                        continue;
                r = read_param(&p, &name, &value);
                if (r == -EAGAIN)
                        r = read_token68(&p);
                else if (r >= 0)
                        r = challenge_set_param(&current, name, TAKE_PTR(value));
                if (r < 0)
                        return r;
        }
        challenge_offer(&best, &current);

        if (!best.scheme)
                return any ? -EOPNOTSUPP : -EBADMSG;
        if (scheme_is(&best, "Bearer") && isempty(best.realm))
                return -EBADMSG;
        *ret = best;
        best = (RegistryChallenge){};
        return 0;
}

/* Strict base64 with padding, as Go's base64.StdEncoding that Docker uses; EVP_DecodeBlock itself
 * skips surrounding blanks and counts the padding as data bytes. */
static int base64_decode(const char *s, unsigned char **ret, size_t *ret_size) {
        _cleanup_free_ unsigned char *out = NULL;
        size_t len = strlen(s), padding = 0;
        int n;

        if (len == 0 || len % 4 != 0 || len > AUTH_SIZE_MAX)
                return -EBADMSG;
        for (size_t i = 0; i < len; i++) {
                if (s[i] == '=') {
                        if (i < len - 2)
                                return -EBADMSG;
                        padding++;
                } else if (padding > 0 || !is_base64_char(s[i]))
                        return -EBADMSG;
        }
        out = malloc(len / 4 * 3 + 1);
        if (!out)
                return -ENOMEM;
        n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
        if (n < 0 || (size_t)n < padding)
                return -EBADMSG;
        *ret_size = (size_t)n - padding;
        out[*ret_size] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

static int base64_encode(const void *data, size_t size, char **ret) {
        char *out;

        if (size > AUTH_SIZE_MAX)
                return -EINVAL;
        out = malloc((size + 2) / 3 * 4 + 1);
        if (!out)
                return -ENOMEM;
        EVP_EncodeBlock((unsigned char *)out, data, (int)size);
        *ret = out;
        return 0;
}

int registry_credentials_from_auth(const char *auth, RegistryCredentials *ret) {
        _cleanup_(registry_credentials_done) RegistryCredentials c = {};
        _cleanup_free_ unsigned char *plain = NULL;
        const char *colon;
        size_t size;
        int r;

        if (!auth)
                return -EBADMSG;
        r = base64_decode(auth, &plain, &size);
        if (r < 0)
                return r;
        r = -EBADMSG;
        if (memchr(plain, 0, size))
                goto finish;
        colon = strchr((char *)plain, ':');
        if (!colon || colon == (char *)plain)
                goto finish;
        c.username = strndup((char *)plain, colon - (char *)plain);
        c.password = strdup(colon + 1);
        r = c.username && c.password ? 0 : -ENOMEM;
        if (r == 0) {
                *ret = c;
                c = (RegistryCredentials){};
        }
finish:
        OPENSSL_cleanse(plain, size);
        return r;
}

int registry_credentials_to_auth(const RegistryCredentials *c, char **ret) {
        _cleanup_free_ char *plain = NULL;
        int r, n;

        /* "user:password" splits at the first ':', so a user name cannot hold one. */
        if (!c || isempty(c->username) || strchr(c->username, ':') || !c->password)
                return -EINVAL;
        n = asprintf(&plain, "%s:%s", c->username, c->password);
        if (n < 0)
                return -ENOMEM;
        r = base64_encode(plain, (size_t)n, ret);
        OPENSSL_cleanse(plain, (size_t)n);
        return r;
}

int registry_basic_header(const RegistryCredentials *c, char **ret) {
        _cleanup_free_ char *auth = NULL;
        int r;

        r = registry_credentials_to_auth(c, &auth);
        if (r < 0)
                return r;
        if (asprintf(ret, "Authorization: Basic %s", auth) < 0)
                r = -ENOMEM;
        OPENSSL_cleanse(auth, strlen(auth));
        return r;
}

/* A token goes into a request header: refuse what could break out of it. */
static bool token_is_valid(const char *token) {
        if (isempty(token) || strlen(token) > AUTH_SIZE_MAX)
                return false;
        for (const char *p = token; *p; p++)
                if ((unsigned char)*p <= ' ' || *p == 0x7f)
                        return false;
        return true;
}

int registry_bearer_header(const char *token, char **ret) {
        if (!token_is_valid(token))
                return -EINVAL;
        return asprintf(ret, "Authorization: Bearer %s", token) < 0 ? -ENOMEM : 0;
}

static int append_query(char **url, const char *key, const char *value) {
        char *escaped, *joined;
        int r;

        escaped = curl_easy_escape(NULL, value, 0);
        if (!escaped)
                return -ENOMEM;
        r = asprintf(&joined, "%s%c%s=%s", *url, strchr(*url, '?') ? '&' : '?', key, escaped);
        curl_free(escaped);
        if (r < 0)
                return -ENOMEM;
        free(*url);
        *url = joined;
        return 0;
}

int registry_token_url(const RegistryChallenge *c, const char *scope, char **ret) {
        _cleanup_free_ char *url = NULL;
        int r;

        if (!c || !c->realm ||
            (strncasecmp(c->realm, "http://", 7) != 0 && strncasecmp(c->realm, "https://", 8) != 0))
                return -EBADMSG;
        for (const char *p = c->realm; *p; p++)
                if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '#')
                        return -EBADMSG;
        url = strdup(c->realm);
        if (!url)
                return -ENOMEM;
        if (!isempty(c->service)) {
                r = append_query(&url, "service", c->service);
                if (r < 0)
                        return r;
        }
        scope = scope ?: c->scope;
        if (!isempty(scope)) {
                r = append_query(&url, "scope", scope);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(url);
        return 0;
}

int registry_token_parse(const char *data, size_t size, char **ret_token) {
        _cleanup_json_ cJSON *root = NULL;
        const char *token, *end = NULL;

        if (!data || size > AUTH_SIZE_MAX)
                return -EBADMSG;
        root = cJSON_ParseWithLengthOpts(data, size, &end, false);
        if (!cJSON_IsObject(root))
                return -EBADMSG;
        for (; end < data + size; end++)
                if (!strchr(" \t\r\n", *end) || *end == 0)
                        return -EBADMSG; /* one JSON object, nothing after it */
        token = json_get_string(root, "token");
        if (isempty(token))
                token = json_get_string(root, "access_token");
        if (!token_is_valid(token))
                return -EBADMSG;
        *ret_token = strdup(token);
        return *ret_token ? 0 : -ENOMEM;
}
