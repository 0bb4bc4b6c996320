/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <isa-l/igzip_lib.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "layer-decompress.h"
#include "log.h"
#include "tar-reader.h"

#define GZIP_MAGIC_0 0x1f
#define GZIP_MAGIC_1 0x8b
/* 4 MiB: on two cores shared with the downloads, the file system's threads and the other layers, either side
 * of the ring is often off the CPU for a while; a ring of eight chunks then ran full or empty, and the other
 * side waited. */
#define READ_AHEAD_CHUNKS 32U

typedef struct Chunk {
        size_t size;
        uint8_t data[TAR_READ_BLOCK_SIZE];
} Chunk;

struct LayerDecompressor {
        LayerReadFunction read;
        void *userdata;
        bool input_ended;
        /* gzip: ISA-L's inflate over in[]; else libarchive's filters, which first get the bytes that
         * were read to tell the compression (in[0..pending)). */
        bool gzip;
        struct inflate_state inflate;
        struct archive *filtered;
        size_t pending;
        int read_error;
        Sha256 *hash; /* of the tar stream; NULL: not asked for */
        uint8_t in[TAR_READ_BLOCK_SIZE];
        uint8_t out[TAR_READ_BLOCK_SIZE];

        /* read_ahead: a thread decompresses into a ring of chunks; the reader takes them in order. */
        bool read_ahead;
        pthread_t thread;
        pthread_mutex_t lock;
        pthread_cond_t cond; /* the ring changed: one side waits for a chunk, the other for room */
        /* under lock */
        Chunk *chunks;
        size_t first, filled;
        bool reader_holds_first, ended, stopping; /* stopping: also read without it */
        ssize_t end_result;
};

/* Reads the next piece of the blob into in[]: its size, 0 at the end. */
static ssize_t read_input(LayerDecompressor *d) {
        ssize_t n;

        if (d->input_ended)
                return 0;
        n = d->read(d->userdata, d->in, sizeof(d->in));
        if (n < 0)
                d->read_error = (int)n;
        else if (n == 0)
                d->input_ended = true;
        return n;
}

static la_ssize_t filtered_read(struct archive *a, void *userdata, const void **ret) {
        LayerDecompressor *d = userdata;
        ssize_t n;

        *ret = d->in;
        if (d->pending > 0) {
                n = (ssize_t)d->pending;
                d->pending = 0;
                return n;
        }
        n = read_input(d);
        if (n < 0) {
                archive_set_error(a, (int)-n, "Cannot read the blob");
                return -1;
        }
        return n;
}

static int open_filtered(LayerDecompressor *d) {
        struct archive_entry *e;

        d->filtered = tar_reader_new(true);
        if (!d->filtered)
                return -ENOMEM;
        if (archive_read_open(d->filtered, d, NULL, filtered_read, NULL) != ARCHIVE_OK ||
            archive_read_next_header(d->filtered, &e) != ARCHIVE_OK)
                return d->read_error
                               ?: log_debug_errno(
                                          EBADMSG,
                                          "Cannot read layer: %s",
                                          archive_error_string(d->filtered));
        return 0;
}

static ssize_t inflate_into(LayerDecompressor *d, uint8_t *buf, size_t size) {
        for (;;) {
                size_t produced;
                int r;

                if (d->inflate.avail_in == 0) {
                        ssize_t n = read_input(d);
                        if (n < 0)
                                return n;
                        d->inflate.next_in = d->in;
                        d->inflate.avail_in = (uint32_t)n;
                }
                if (d->inflate.block_state == ISAL_BLOCK_FINISH) {
                        uint8_t *next_in = d->inflate.next_in;
                        uint32_t avail_in = d->inflate.avail_in;

                        /* A member ended: the blob ends here, or another member follows (as pigz and
                         * concatenated files make them; anything else fails as a header). */
                        if (avail_in == 0)
                                return 0;
                        isal_inflate_reset(&d->inflate);
                        d->inflate.crc_flag = ISAL_GZIP;
                        d->inflate.next_in = next_in;
                        d->inflate.avail_in = avail_in;
                }
                if (d->inflate.avail_in == 0)
                        return log_debug_errno(EBADMSG, "Cannot decompress layer: the blob ends early.");

                d->inflate.next_out = buf;
                d->inflate.avail_out = (uint32_t)size;
                r = isal_inflate(&d->inflate);
                if (r < 0)
                        return log_debug_errno(
                                EBADMSG, "Cannot decompress layer: not valid gzip (ISA-L error %i).", r);
                produced = size - d->inflate.avail_out;
                if (produced > 0)
                        return (ssize_t)produced;
        }
}

/* The next bytes of the tar stream into buf. */
static ssize_t decompress_into(LayerDecompressor *d, uint8_t *buf, size_t size) {
        la_ssize_t n;

        if (d->gzip)
                return inflate_into(d, buf, size);
        n = archive_read_data(d->filtered, buf, size);
        if (n < 0)
                return d->read_error
                               ?: log_debug_errno(
                                          EBADMSG,
                                          "Cannot decompress layer: %s",
                                          archive_error_string(d->filtered));
        return n;
}

/* Without the lock, which the reader takes for every chunk. */
static bool read_ahead_stopping(LayerDecompressor *d) {
        return __atomic_load_n(&d->stopping, __ATOMIC_RELAXED);
}

static void *read_ahead_thread(void *userdata) {
        LayerDecompressor *d = userdata;

        for (;;) {
                Chunk *c;
                size_t size = 0;
                ssize_t n;

                pthread_mutex_lock(&d->lock);
                while (d->filled == READ_AHEAD_CHUNKS && !d->stopping)
                        pthread_cond_wait(&d->cond, &d->lock);
                if (d->stopping) {
                        pthread_mutex_unlock(&d->lock);
                        return NULL;
                }
                c = &d->chunks[(d->first + d->filled) % READ_AHEAD_CHUNKS];
                pthread_mutex_unlock(&d->lock);

                /* The reader never touches a chunk past the filled ones. Full chunks: one hand-over per
                 * chunk, however small the pieces that come in. */
                do {
                        n = decompress_into(d, c->data + size, sizeof(c->data) - size);
                        if (n > 0)
                                size += (size_t)n;
                } while (n > 0 && size < sizeof(c->data) && !read_ahead_stopping(d));
                if (size > 0 && d->hash && sha256_update(d->hash, c->data, size) < 0) {
                        size = 0;
                        n = -ENOMEM;
                }

                pthread_mutex_lock(&d->lock);
                if (size > 0) {
                        c->size = size;
                        d->filled++;
                }
                if (n <= 0) {
                        d->ended = true;
                        d->end_result = n;
                }
                pthread_mutex_unlock(&d->lock);
                /* After unlocking: a woken reader does not wait for the lock at once. */
                pthread_cond_signal(&d->cond);
                if (n <= 0)
                        return NULL;
        }
}

static int start_read_ahead(LayerDecompressor *d) {
        int r;

        d->chunks = malloc(READ_AHEAD_CHUNKS * sizeof(Chunk));
        if (!d->chunks)
                return -ENOMEM;
        pthread_mutex_init(&d->lock, NULL);
        pthread_cond_init(&d->cond, NULL);
        r = pthread_create(&d->thread, NULL, read_ahead_thread, d);
        if (r != 0) {
                pthread_mutex_destroy(&d->lock);
                pthread_cond_destroy(&d->cond);
                return -r;
        }
        d->read_ahead = true;
        return 0;
}

static void stop_read_ahead(LayerDecompressor *d) {
        if (!d->read_ahead)
                return;
        /* A thread waiting in read() for more of a download stops when that read returns. */
        pthread_mutex_lock(&d->lock);
        __atomic_store_n(&d->stopping, true, __ATOMIC_RELAXED);
        pthread_cond_signal(&d->cond);
        pthread_mutex_unlock(&d->lock);
        pthread_join(d->thread, NULL);
        pthread_mutex_destroy(&d->lock);
        pthread_cond_destroy(&d->cond);
        d->read_ahead = false;
}

static ssize_t read_ahead_next(LayerDecompressor *d, const void **ret) {
        ssize_t n;

        pthread_mutex_lock(&d->lock);
        if (d->reader_holds_first) {
                d->first = (d->first + 1) % READ_AHEAD_CHUNKS;
                d->filled--;
                d->reader_holds_first = false;
                pthread_cond_signal(&d->cond);
        }
        while (d->filled == 0 && !d->ended)
                pthread_cond_wait(&d->cond, &d->lock);
        if (d->filled > 0) {
                d->reader_holds_first = true;
                *ret = d->chunks[d->first].data;
                n = (ssize_t)d->chunks[d->first].size;
        } else
                n = d->end_result;
        pthread_mutex_unlock(&d->lock);
        return n;
}

int layer_decompressor_new(
        LayerReadFunction read, void *userdata, bool read_ahead, bool hash, LayerDecompressor **ret) {
        _cleanup_(layer_decompressor_freep) LayerDecompressor *d = NULL;
        int r;

        d = calloc(1, sizeof(LayerDecompressor));
        if (!d)
                return -ENOMEM;
        d->read = read;
        d->userdata = userdata;
        if (hash) {
                r = sha256_new(&d->hash);
                if (r < 0)
                        return r;
        }

        /* The magic may arrive in pieces. */
        while (d->pending < 2) {
                ssize_t n = d->read(d->userdata, d->in + d->pending, sizeof(d->in) - d->pending);
                if (n < 0)
                        return (int)n;
                if (n == 0) {
                        d->input_ended = true;
                        break;
                }
                d->pending += (size_t)n;
        }
        d->gzip = d->pending >= 2 && d->in[0] == GZIP_MAGIC_0 && d->in[1] == GZIP_MAGIC_1;
        if (d->gzip) {
                isal_inflate_init(&d->inflate);
                d->inflate.crc_flag = ISAL_GZIP;
                d->inflate.next_in = d->in;
                d->inflate.avail_in = (uint32_t)d->pending;
                d->pending = 0;
        } else {
                r = open_filtered(d);
                if (r < 0)
                        return r;
        }
        if (read_ahead) {
                r = start_read_ahead(d);
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(d);
        return 0;
}

LayerDecompressor *layer_decompressor_free(LayerDecompressor *d) {
        if (!d)
                return NULL;
        stop_read_ahead(d);
        free(d->chunks);
        sha256_free(d->hash);
        if (d->filtered)
                archive_read_free(d->filtered);
        free(d);
        return NULL;
}

ssize_t layer_decompressor_read(LayerDecompressor *d, const void **ret) {
        ssize_t n;

        if (d->read_ahead)
                return read_ahead_next(d, ret);
        n = decompress_into(d, d->out, sizeof(d->out));
        if (n <= 0)
                return n;
        if (d->hash && sha256_update(d->hash, d->out, (size_t)n) < 0)
                return -ENOMEM;
        *ret = d->out;
        return n;
}

int layer_decompressor_digest(LayerDecompressor *d, char ret[static DIGEST_STRING_LEN + 1]) {
        int r;

        /* The thread, if any, hashed its last chunk before it said the stream ended, under the lock the
         * reader then took. */
        if (!d->hash)
                return -EINVAL;
        r = sha256_final(d->hash, ret);
        d->hash = sha256_free(d->hash);
        return r;
}
