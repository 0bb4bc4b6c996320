/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The registry's authentication, as pure logic (no HTTP here; registry-client.c does the requests):
 * the WWW-Authenticate challenge of a 401 answer, Docker config.json credentials ("auth" = base64 of
 * "user:password"), the Basic header, the Bearer token request and its answer. See the distribution
 * spec's "Token Authentication Specification". */

#include <stddef.h>

#include "macro.h"

typedef struct RegistryChallenge {
        char *scheme;  /* "Basic" or "Bearer", as sent */
        char *realm;   /* Bearer: the token server's URL */
        char *service; /* Bearer, may be NULL */
        char *scope;   /* Bearer, may be NULL */
} RegistryChallenge;

void registry_challenge_done(RegistryChallenge *c);

/* Parses a WWW-Authenticate header value ('Bearer realm="…",service="…",scope="…"', 'Basic
 * realm="…"'). -EBADMSG for malformed input, -EOPNOTSUPP for other schemes. */
int registry_challenge_parse(const char *header, RegistryChallenge *ret);

typedef struct RegistryCredentials {
        char *username;
        char *password;
} RegistryCredentials;

void registry_credentials_done(RegistryCredentials *c);

/* From Docker config.json's "auth" value: base64("user:password"). -EBADMSG for bad input. */
int registry_credentials_from_auth(const char *auth, RegistryCredentials *ret);
/* The reverse: base64("user:password"). */
int registry_credentials_to_auth(const RegistryCredentials *c, char **ret);

/* "Authorization: Basic <base64>" for a curl header list. */
int registry_basic_header(const RegistryCredentials *c, char **ret);

/* "Authorization: Bearer <token>"; -EINVAL for a token that could not go into a header. */
int registry_bearer_header(const char *token, char **ret);

/* The token request URL: realm?service=…&scope=… (each URL-escaped); scope overrides the
 * challenge's when given ("repository:library/busybox:pull"). -EBADMSG when the realm is not an
 * http(s) URL. */
int registry_token_url(const RegistryChallenge *c, const char *scope, char **ret);

/* The token server's JSON answer: "token" or, failing that, "access_token". */
int registry_token_parse(const char *data, size_t size, char **ret_token);
