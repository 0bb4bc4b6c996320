/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "registry-auth.h"

static void assert_challenge(
        const char *header, const char *scheme, const char *realm, const char *service, const char *scope) {
        RegistryChallenge c = {};

        assert_int_equal(registry_challenge_parse(header, &c), 0);
        assert_string_equal(c.scheme, scheme);
        if (realm)
                assert_string_equal(c.realm, realm);
        else
                assert_null(c.realm);
        if (service)
                assert_string_equal(c.service, service);
        else
                assert_null(c.service);
        if (scope)
                assert_string_equal(c.scope, scope);
        else
                assert_null(c.scope);
        registry_challenge_done(&c);
}

static void test_challenge_good(void **state) {
        assert_challenge(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                "scope=\"repository:library/busybox:pull\"",
                "Bearer",
                "https://auth.docker.io/token",
                "registry.docker.io",
                "repository:library/busybox:pull");
        assert_challenge("Basic realm=\"Registry Realm\"", "Basic", "Registry Realm", NULL, NULL);
        /* scheme and parameter names are case-insensitive; the scheme is kept as sent */
        assert_challenge("bearer REALM=\"http://t/token\"", "bearer", "http://t/token", NULL, NULL);
        /* Basic without a realm; token (unquoted) values; blanks around '=' and ',' */
        assert_challenge("Basic", "Basic", NULL, NULL, NULL);
        assert_challenge(
                "  Bearer realm = tokenrealm , service=reg ,, scope=\"a b\"  ",
                "Bearer",
                "tokenrealm",
                "reg",
                "a b");
        assert_challenge("Bearer realm = \"http://t/x\" , service=reg", "Bearer", "http://t/x", "reg", NULL);
        /* escapes and commas inside quoted strings */
        assert_challenge(
                "Bearer realm=\"http://t/token\",scope=\"repository:a/b:pull,push\","
                "service=\"x\\\"y\\\\z\"",
                "Bearer",
                "http://t/token",
                "x\"y\\z",
                "repository:a/b:pull,push");
        /* unknown parameters are ignored */
        assert_challenge(
                "Bearer realm=\"http://t\",error=\"insufficient_scope\",scope=\"s\"",
                "Bearer",
                "http://t",
                NULL,
                "s");
        /* several challenges: Bearer wins over Basic, unknown schemes are skipped */
        assert_challenge(
                "Basic realm=\"b\", Negotiate abc123==, Bearer realm=\"http://t\",service=s",
                "Bearer",
                "http://t",
                "s",
                NULL);
        assert_challenge("Negotiate, Basic realm=\"r\"", "Basic", "r", NULL, NULL);
}

static void test_challenge_bad(void **state) {
        static const char *const bad[] = {
                "",
                "   ",
                ",",
                "=",
                "realm=\"x\"",                             /* parameter before any scheme */
                "Bearer service=\"s\"",                    /* Bearer without a realm */
                "Bearer realm=\"\"",                       /* empty realm */
                "Bearer realm=\"http://t",                 /* unterminated quoted string */
                "Bearer realm=\"http://t\\",               /* escape at the end */
                "Bearer realm=\"a\x01b\"",                 /* control character */
                "Bearer realm=\"a\"b",                     /* text after the quoted string */
                "Bearer realm=",                           /* no value */
                "Bearer realm=http://t/x",                 /* ':' and '/' are not token characters */
                "Bearer realm=\"a\",realm=\"b\"",          /* parameter twice */
                "Bearer\"x\"",                             /* no space after the scheme */
                "Bearer realm=\"http://t\" service=\"s\"", /* missing comma */
                "@@@",
                "Bearer @@@",
                "Basic realm=\"a\", =b",
        };
        static const char *const unsupported[] = {
                "Negotiate",
                "Digest realm=\"r\", nonce=\"n\"",
                "NTLM abcd==",
        };
        RegistryChallenge c = {};

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int r = registry_challenge_parse(bad[i], &c);
                if (r != -EBADMSG)
                        fail_msg("\"%s\": %d", bad[i], r);
        }
        for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
                assert_int_equal(registry_challenge_parse(unsupported[i], &c), -EOPNOTSUPP);
        assert_int_equal(registry_challenge_parse(NULL, &c), -EBADMSG);

        char *huge = malloc(20000);
        assert_non_null(huge);
        memset(huge, 'a', 19999);
        memcpy(huge, "Basic realm=\"", 13);
        huge[19998] = '"';
        huge[19999] = 0;
        assert_int_equal(registry_challenge_parse(huge, &c), -EBADMSG);
        free(huge);
}

static void assert_credentials(const char *auth, const char *user, const char *password) {
        RegistryCredentials c = {};
        char *back = NULL;

        assert_int_equal(registry_credentials_from_auth(auth, &c), 0);
        assert_string_equal(c.username, user);
        assert_string_equal(c.password, password);
        assert_int_equal(registry_credentials_to_auth(&c, &back), 0);
        assert_string_equal(back, auth);
        free(back);
        registry_credentials_done(&c);
}

static void test_credentials_good(void **state) {
        assert_credentials("dXNlcjpwYXNz", "user", "pass");                   /* no padding */
        assert_credentials("dXNlcjpwYXNzMQ==", "user", "pass1");              /* two '=' */
        assert_credentials("dXNlcjpwYXNzMTI=", "user", "pass12");             /* one '=' */
        assert_credentials("dXNlcjphOmI6Yw==", "user", "a:b:c");              /* password with ':' */
        assert_credentials("dXNlcjo=", "user", "");                           /* empty password */
        assert_credentials("w7xzZXI6cMOkc3M=", "\xc3\xbcser", "p\xc3\xa4ss"); /* UTF-8 */
}

static void test_credentials_bad(void **state) {
        static const char *const bad[] = {
                "",
                "dXNlcjpwYXNz=",    /* length not a multiple of 4 */
                "dXNlcjpwYXN",      /* unpadded */
                "dXNl cjpwYXNz",    /* blank inside */
                " dXNlcjpwYXNz",    /* leading blank (EVP_DecodeBlock would skip it) */
                "dXNlcjpwYXNz\n",   /* trailing newline */
                "dXNlcjpwYXNz====", /* too much padding */
                "dXNlcjpw=XNz",     /* padding in the middle */
                "dXNl-jpwYXNz",     /* URL-safe alphabet */
                "dXNlcnBhc3M=",     /* "userpass": no colon */
                "OnBhc3M=",         /* ":pass": no user */
                "dXNlcgBhOmI=",     /* "user\0a:b": NUL byte */
        };
        RegistryCredentials c = {};

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int r = registry_credentials_from_auth(bad[i], &c);
                if (r != -EBADMSG)
                        fail_msg("\"%s\": %d", bad[i], r);
        }
        assert_int_equal(registry_credentials_from_auth(NULL, &c), -EBADMSG);
}

static void test_credentials_encode_bad(void **state) {
        char *s = NULL;

        assert_int_equal(
                registry_credentials_to_auth(&(RegistryCredentials){.username = "a:b", .password = "p"}, &s),
                -EINVAL);
        assert_int_equal(
                registry_credentials_to_auth(&(RegistryCredentials){.username = "", .password = "p"}, &s),
                -EINVAL);
        assert_int_equal(registry_credentials_to_auth(&(RegistryCredentials){.username = "u"}, &s), -EINVAL);
        assert_null(s);
}

static void test_headers(void **state) {
        char *h = NULL;

        assert_int_equal(
                registry_basic_header(&(RegistryCredentials){.username = "user", .password = "pass"}, &h),
                0);
        assert_string_equal(h, "Authorization: Basic dXNlcjpwYXNz");
        free(h);
        assert_int_equal(registry_bearer_header("abc.def-ghi", &h), 0);
        assert_string_equal(h, "Authorization: Bearer abc.def-ghi");
        free(h);
        h = NULL;
        assert_int_equal(registry_bearer_header("abc\r\nX-Evil: 1", &h), -EINVAL);
        assert_int_equal(registry_bearer_header("", &h), -EINVAL);
        assert_null(h);
}

static void test_token_url(void **state) {
        RegistryChallenge c = {
                .scheme = "Bearer",
                .realm = "https://auth.example/token",
                .service = "registry example",
                .scope = "repository:a/b:pull",
        };
        char *url = NULL;

        assert_int_equal(registry_token_url(&c, NULL, &url), 0);
        assert_string_equal(
                url,
                "https://auth.example/token?service=registry%20example&scope=repository%3Aa%2Fb%3Apull");
        free(url);
        /* the caller's scope wins; a realm with a query gets '&' */
        c.realm = "http://127.0.0.1:5001/auth?x=1";
        c.service = NULL;
        assert_int_equal(registry_token_url(&c, "repository:c:push,pull", &url), 0);
        assert_string_equal(url, "http://127.0.0.1:5001/auth?x=1&scope=repository%3Ac%3Apush%2Cpull");
        free(url);
        c.scope = NULL;
        assert_int_equal(registry_token_url(&c, NULL, &url), 0);
        assert_string_equal(url, "http://127.0.0.1:5001/auth?x=1");
        free(url);
        url = NULL;

        static const char *const bad[] = {
                "ftp://x/token",
                "file:///etc/passwd",
                "token",
                "",
                "http://a b/",
                "http://x/#frag",
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                c.realm = (char *)bad[i];
                assert_int_equal(registry_token_url(&c, NULL, &url), -EBADMSG);
        }
        c.realm = NULL;
        assert_int_equal(registry_token_url(&c, NULL, &url), -EBADMSG);
        assert_null(url);
}

static void assert_token(const char *json, const char *expected) {
        char *t = NULL;

        assert_int_equal(registry_token_parse(json, strlen(json), &t), 0);
        assert_string_equal(t, expected);
        free(t);
}

static void test_token_parse(void **state) {
        static const char *const bad[] = {
                "",
                "null",
                "[]",
                "\"tok\"",
                "{}",
                "{\"token\":\"\"}",
                "{\"token\":42}",
                "{\"token\":null,\"access_token\":null}",
                "{\"token\":\"a b\"}",
                "{\"token\":\"a\\r\\nX: y\"}",
                "{\"token\":\"abc\"",
                "{\"token\":\"abc\"} trailing",
        };
        char *t = NULL;

        assert_token("{\"token\":\"abc\",\"expires_in\":300}", "abc");
        assert_token("{\"access_token\":\"xyz\"}", "xyz");
        assert_token("{\"token\":\"\",\"access_token\":\"xyz\"}", "xyz");
        assert_token("{\"token\":\"first\",\"access_token\":\"second\"}", "first");

        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                int r = registry_token_parse(bad[i], strlen(bad[i]), &t);
                if (r != -EBADMSG)
                        fail_msg("'%s': %d", bad[i], r);
        }
        /* the size is honoured: no reading past it */
        assert_int_equal(registry_token_parse("{\"token\":\"abc\"}XXXX", 15, &t), 0);
        assert_string_equal(t, "abc");
        free(t);
        t = NULL;
        assert_int_equal(registry_token_parse(NULL, 0, &t), -EBADMSG);
        assert_null(t);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_challenge_good),
                cmocka_unit_test(test_challenge_bad),
                cmocka_unit_test(test_credentials_good),
                cmocka_unit_test(test_credentials_bad),
                cmocka_unit_test(test_credentials_encode_bad),
                cmocka_unit_test(test_headers),
                cmocka_unit_test(test_token_url),
                cmocka_unit_test(test_token_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
