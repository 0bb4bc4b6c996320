/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "digest.h"

struct Sha256 {
        EVP_MD_CTX *ctx;
};

int sha256_new(Sha256 **ret) {
        _cleanup_(sha256_freep) Sha256 *h = calloc(1, sizeof(Sha256));
        if (!h)
                return -ENOMEM;
        h->ctx = EVP_MD_CTX_new();
        if (!h->ctx)
                return -ENOMEM;
        if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
                return -EIO;
        *ret = TAKE_PTR(h);
        return 0;
}

Sha256 *sha256_free(Sha256 *h) {
        if (!h)
                return NULL;
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
}

int sha256_update(Sha256 *h, const void *data, size_t size) {
        if (size == 0)
                return 0;
        return EVP_DigestUpdate(h->ctx, data, size) == 1 ? 0 : -EIO;
}

int sha256_final(Sha256 *h, char ret[static DIGEST_STRING_LEN + 1]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;

        if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n * 2 != SHA256_HEX_LEN)
                return -EIO;
        memcpy(ret, DIGEST_PREFIX, STRLEN(DIGEST_PREFIX));
        for (unsigned i = 0; i < n; i++)
                sprintf(ret + STRLEN(DIGEST_PREFIX) + 2 * i, "%02x", md[i]);
        return 0;
}

int sha256_digest(const void *data, size_t size, char ret[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        int r;

        r = sha256_new(&h);
        if (r < 0)
                return r;
        r = sha256_update(h, data, size);
        if (r < 0)
                return r;
        return sha256_final(h, ret);
}

bool sha256_hex_is_valid(const char *s) {
        if (!s || strlen(s) != SHA256_HEX_LEN)
                return false;
        for (const char *p = s; *p; p++)
                if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
                        return false;
        return true;
}

bool digest_is_valid(const char *s) {
        return s && strncmp(s, DIGEST_PREFIX, STRLEN(DIGEST_PREFIX)) == 0 &&
               sha256_hex_is_valid(s + STRLEN(DIGEST_PREFIX));
}

const char *digest_hex(const char *digest) {
        return digest_is_valid(digest) ? digest + STRLEN(DIGEST_PREFIX) : NULL;
}

int chain_id_next(const char *parent, const char *diff_id, char ret[static DIGEST_STRING_LEN + 1]) {
        _cleanup_free_ char *s = NULL;

        if (!digest_is_valid(diff_id) || (parent && !digest_is_valid(parent)))
                return -EINVAL;
        if (!parent) {
                memcpy(ret, diff_id, DIGEST_STRING_LEN + 1);
                return 0;
        }
        if (asprintf(&s, "%s %s", parent, diff_id) < 0)
                return -ENOMEM;
        return sha256_digest(s, strlen(s), ret);
}
