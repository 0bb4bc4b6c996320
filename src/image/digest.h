/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* SHA-256 content digests in the OCI form "sha256:<64 lowercase hex>". */

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

#define SHA256_HEX_LEN 64
#define DIGEST_PREFIX "sha256:"
#define DIGEST_STRING_LEN (STRLEN(DIGEST_PREFIX) + SHA256_HEX_LEN)

typedef struct Sha256 Sha256;

int sha256_new(Sha256 **ret);
Sha256 *sha256_free(Sha256 *h);
DEFINE_TRIVIAL_CLEANUP_FUNC(Sha256 *, sha256_free);
int sha256_update(Sha256 *h, const void *data, size_t size);
/* Writes "sha256:<hex>" into ret (DIGEST_STRING_LEN + 1 bytes). The context cannot be used after. */
int sha256_final(Sha256 *h, char ret[static DIGEST_STRING_LEN + 1]);

int sha256_digest(const void *data, size_t size, char ret[static DIGEST_STRING_LEN + 1]);

bool sha256_hex_is_valid(const char *s);
/* "sha256:<64 lowercase hex>"; other algorithms are refused. */
bool digest_is_valid(const char *s);
/* The hex part of a valid digest, NULL otherwise. */
const char *digest_hex(const char *digest);

/* ChainID(L0) = DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)) (OCI image spec). */
int chain_id_next(const char *parent, const char *diff_id, char ret[static DIGEST_STRING_LEN + 1]);
