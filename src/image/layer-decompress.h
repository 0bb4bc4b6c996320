/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The tar stream inside a layer blob. gzip, which nearly every layer uses, is inflated with ISA-L
 * (igzip), about twice as fast as zlib on this work; zstd, xz, bzip2 and plain tar go through libarchive's
 * filters. The blob is read through a function, so the same code serves a file and a download. */

#include <stdbool.h>
#include <sys/types.h>

#include "digest.h"
#include "macro.h"

/* Reads up to size bytes of the blob into buf: the count, 0 at its end, or a negative errno. May block. */
typedef ssize_t (*LayerReadFunction)(void *userdata, void *buf, size_t size);

typedef struct LayerDecompressor LayerDecompressor;

/* Reads the blob's first bytes to tell its compression. -EBADMSG when libarchive knows none of it.
 * read_ahead: a thread reads and decompresses ahead of the reader (read() is then called there), so that
 * decompression and what the reader does with the bytes (unpacking) use two cores. hash: the tar stream is
 * hashed as it is decompressed (by that thread: off the reader's path), for layer_decompressor_digest(). */
int layer_decompressor_new(
        LayerReadFunction read, void *userdata, bool read_ahead, bool hash, LayerDecompressor **ret);
LayerDecompressor *layer_decompressor_free(LayerDecompressor *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(LayerDecompressor *, layer_decompressor_free);

/* Points *ret at the next bytes of the tar stream, valid until the next call: their count, 0 after the
 * whole blob was read, a negative errno of read(), or -EBADMSG (logged at debug level) when the blob is
 * corrupt or truncated. */
ssize_t layer_decompressor_read(LayerDecompressor *d, const void **ret);

/* Once layer_decompressor_read() returned 0: the SHA-256 of the whole tar stream, a layer's DiffID. */
int layer_decompressor_digest(LayerDecompressor *d, char ret[static DIGEST_STRING_LEN + 1]);
