/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the two readers of tar streams share: layers (layer-unpack.c) and whole image archives
 * (archive-load.c). */

#include <archive.h>
#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "macro.h"

#define TAR_READ_BLOCK_SIZE (128U * 1024U)

DEFINE_TRIVIAL_CLEANUP_FUNC(struct archive *, archive_read_free);

/* A reader for a tar stream (with raw: for the decompressed bytes as they are) compressed with gzip,
 * zstd, xz, bzip2 or not at all. NULL when out of memory. */
struct archive *tar_reader_new(bool raw);

/* Cleans a member name p into "a/b/c" ("" is the top): "./" and empty components dropped. strict (layer
 * entries): absolute names and any ".." are refused; Docker would clean them, but a layer that carries
 * them is not one we want. Otherwise (names in an image archive and link targets relative to the
 * directory base, which may be NULL): an absolute name starts at the top and ".." is resolved lexically,
 * refused only above the top. Refusals, NULL and over-long names are -EPERM. */
int tar_path_clean(const char *base, const char *p, bool strict, char **ret);

/* Copies the data of the current entry to out_fd (none when < 0) and hashes it. Reading more than *budget
 * bytes is -EFBIG; *budget is lowered by what was read. ret_size (may be NULL) gets the bytes read. -EBADMSG
 * when the data cannot be read or decompressed: archive_error_string() says why. */
int tar_copy_hashed(
        struct archive *a,
        int out_fd,
        uint64_t *budget,
        uint64_t *ret_size,
        char ret_digest[static DIGEST_STRING_LEN + 1]);
