/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A layer unpacked while its blob downloads (moby#37957): a thread reads the blob file as it grows and
 * unpacks it (layer_unpack_stream(): decompression in a thread of its own, DiffID, the tar into a layer
 * directory), while the event loop keeps downloading into the same file. The file is the buffer, so a slow
 * disk never stalls the downloads and a resumed download reads its first part from there. */

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "layer-unpack.h"

typedef struct LayerStream LayerStream;

/* Starts the thread on blob_fd (the first available bytes are there; complete: all of them) unpacking
 * into dir_fd. Both fds are duplicated. */
int layer_stream_start(
        int blob_fd,
        uint64_t available,
        bool complete,
        int dir_fd,
        const LayerLimits *limits,
        LayerStream **ret);
/* Stops the thread (at its next read), waits for it and frees. */
LayerStream *layer_stream_free(LayerStream *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(LayerStream *, layer_stream_free);

/* Becomes readable (an eventfd) when the thread has ended. */
int layer_stream_fd(LayerStream *s);
/* The blob file now holds available bytes; complete: that is all of it. */
void layer_stream_feed(LayerStream *s, uint64_t available, bool complete);
/* Makes the thread stop soon with -ECANCELED. */
void layer_stream_abort(LayerStream *s);
/* Bytes of the blob the thread has read. */
uint64_t layer_stream_position(LayerStream *s);
/* After the fd became readable: the thread's result, the bytes of file data and the DiffID. */
int layer_stream_result(LayerStream *s, uint64_t *ret_size, char ret_diff_id[static DIGEST_STRING_LEN + 1]);
