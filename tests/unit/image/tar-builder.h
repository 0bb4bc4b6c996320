/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Builds tar archives in memory for the image tests: layers with hostile entries, Docker and OCI archives
 * with chosen defects. Aborts the test on any failure of its own. */

#include <stddef.h>
#include <stdint.h>

typedef struct TarBuilder TarBuilder;

typedef struct Blob {
        char *data;
        size_t size;
} Blob;

void blob_done(Blob *b);

/* compression: NULL or "gzip". */
TarBuilder *tar_new(const char *compression);
void tar_file(TarBuilder *b, const char *path, const void *data, size_t size, unsigned mode);
void tar_string(TarBuilder *b, const char *path, const char *s);
void tar_zeros(TarBuilder *b, const char *path, uint64_t size);
void tar_dir(TarBuilder *b, const char *path, unsigned mode);
/* A file or (data NULL) a directory with an owner. */
void tar_owned(TarBuilder *b, const char *path, const char *data, unsigned mode, unsigned uid, unsigned gid);
void tar_symlink(TarBuilder *b, const char *path, const char *target);
void tar_hardlink(TarBuilder *b, const char *path, const char *target);
void tar_blob(TarBuilder *b, const char *path, const Blob *blob);
/* Finishes and frees the builder. */
Blob tar_finish(TarBuilder *b);

/* "sha256:<hex>" of the bytes, static buffer per call site is the caller's business: returns malloc'd. */
char *blob_digest(const Blob *b);

/* An fd (memfd) holding the bytes, at offset 0. */
int blob_to_fd(const Blob *b);
