/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Image layers: tar streams, compressed with gzip, zstd, xz, bzip2 or not at all (autodetected). */

#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "layer-decompress.h"

/* Defaults against decompression bombs; a store may lower them (tests do). */
#define LAYER_UNPACKED_SIZE_MAX (16ULL * 1024ULL * 1024ULL * 1024ULL)
#define LAYER_ENTRIES_MAX 1000000ULL

typedef struct LayerLimits {
        uint64_t max_unpacked_size; /* sum of the regular files' sizes */
        uint64_t max_entries;
} LayerLimits;

/* Bytes of tar stream allowed for the limits: the data plus a header budget per entry. */
uint64_t layer_limits_stream_max(const LayerLimits *limits);

/* Decompresses the blob at in_fd (read from offset 0) and hashes the tar stream: that is the layer's
 * DiffID. When out_fd >= 0 the tar stream is also written there. */
int layer_diff_id(
        int in_fd, int out_fd, const LayerLimits *limits, char ret_diff_id[static DIGEST_STRING_LEN + 1]);

/* Unpacks the blob at in_fd (read from offset 0) into the empty directory dir_fd (opened O_RDONLY).
 * Whiteouts become overlayfs whiteouts (".wh.NAME" → char device 0/0 NAME; ".wh..wh..opq" → xattr
 * trusted.overlay.opaque=y on the directory). Entries that would leave the directory (absolute paths,
 * "..", a path through a symlink, a hard link to outside) make the whole layer fail with -EPERM/-ELOOP.
 * ret_size: bytes of regular file data. */
int layer_unpack(int in_fd, int dir_fd, const LayerLimits *limits, uint64_t *ret_size);

/* layer_unpack() and layer_diff_id() in one pass over a blob read through read(), as it arrives. */
int layer_unpack_stream(
        LayerReadFunction read,
        void *userdata,
        int dir_fd,
        const LayerLimits *limits,
        uint64_t *ret_size,
        char ret_diff_id[static DIGEST_STRING_LEN + 1]);
