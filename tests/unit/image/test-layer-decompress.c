/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "layer-decompress.h"
#include "log.h"

/* A blob read in pieces of at most `piece` bytes, as a download gives them; fail_at: a read error there. */
typedef struct Source {
        const uint8_t *data;
        size_t size, offset, piece, fail_at;
} Source;

static ssize_t source_read(void *userdata, void *buf, size_t size) {
        Source *s = userdata;
        size_t n = MIN(MIN(size, s->piece), s->size - s->offset);

        if (s->fail_at > 0 && s->offset >= s->fail_at)
                return -EIO;
        memcpy(buf, s->data + s->offset, n);
        s->offset += n;
        return (ssize_t)n;
}

/* Pseudo-random text that compresses somewhat: many deflate blocks, back references across reads. */
static uint8_t *make_payload(size_t size) {
        uint8_t *p = malloc(size);
        uint32_t x = 12345;

        assert_non_null(p);
        for (size_t i = 0; i < size; i++) {
                x = x * 1103515245U + 12345U;
                p[i] = (uint8_t)('a' + (x >> 16) % 8);
        }
        return p;
}

/* gzip of data, made by libarchive (zlib), as a registry's layers are made by other gzip writers. */
static uint8_t *gzip_of(const void *data, size_t size, size_t *ret_size) {
        struct archive *a = archive_write_new();
        struct archive_entry *e = archive_entry_new();
        size_t capacity = size + 4096, used = 0;
        uint8_t *out = malloc(capacity);

        assert_non_null(a);
        assert_non_null(e);
        assert_non_null(out);
        assert_int_equal(archive_write_add_filter_gzip(a), ARCHIVE_OK);
        assert_int_equal(archive_write_set_format_raw(a), ARCHIVE_OK);
        assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
        assert_int_equal(archive_write_open_memory(a, out, capacity, &used), ARCHIVE_OK);
        archive_entry_set_pathname(e, "data");
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, (la_int64_t)size);
        assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
        assert_int_equal(archive_write_data(a, data, size), (la_ssize_t)size);
        assert_int_equal(archive_write_close(a), ARCHIVE_OK);
        archive_write_free(a);
        archive_entry_free(e);
        *ret_size = used;
        return out;
}

/* Decompresses the whole source: 0 and the bytes, or the first error. */
static int decompress_all(
        Source *s,
        bool read_ahead,
        uint8_t **ret,
        size_t *ret_size,
        char ret_digest[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(layer_decompressor_freep) LayerDecompressor *d = NULL;
        uint8_t *out = NULL;
        size_t size = 0, capacity = 0;
        int r;

        r = layer_decompressor_new(source_read, s, read_ahead, true, &d);
        if (r < 0)
                return r;
        for (;;) {
                const void *p;
                ssize_t n = layer_decompressor_read(d, &p);
                if (n < 0) {
                        free(out);
                        return (int)n;
                }
                if (n == 0)
                        break;
                if (size + (size_t)n > capacity) {
                        capacity = MAX(2 * capacity, size + (size_t)n);
                        out = realloc(out, capacity);
                        assert_non_null(out);
                }
                memcpy(out + size, p, (size_t)n);
                size += (size_t)n;
        }
        *ret = out;
        *ret_size = size;
        return layer_decompressor_digest(d, ret_digest);
}

/* Read as it comes and read ahead by a thread alike. */
static void assert_decompresses_to(
        const uint8_t *blob, size_t blob_size, size_t piece, const uint8_t *expected, size_t expected_size) {
        for (int read_ahead = 0; read_ahead < 2; read_ahead++) {
                Source s = {.data = blob, .size = blob_size, .piece = piece};
                char digest[DIGEST_STRING_LEN + 1], expected_digest[DIGEST_STRING_LEN + 1];
                uint8_t *out = NULL;
                size_t size = 0;

                assert_int_equal(decompress_all(&s, read_ahead, &out, &size, digest), 0);
                assert_int_equal(size, expected_size);
                assert_memory_equal(out, expected, size);
                /* Hashed by the thread when it reads ahead. */
                assert_int_equal(sha256_digest(expected, expected_size, expected_digest), 0);
                assert_string_equal(digest, expected_digest);
                assert_int_equal(s.offset, blob_size); /* all of the blob was read */
                free(out);
        }
}

static void assert_refused(const uint8_t *blob, size_t blob_size, size_t piece, int expected) {
        for (int read_ahead = 0; read_ahead < 2; read_ahead++) {
                Source s = {.data = blob, .size = blob_size, .piece = piece};
                char digest[DIGEST_STRING_LEN + 1];
                uint8_t *out = NULL;
                size_t size = 0;

                assert_int_equal(decompress_all(&s, read_ahead, &out, &size, digest), expected);
        }
}

#define PAYLOAD_SIZE (256U * 1024U)

static void test_gzip(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE), *gz = NULL;
        size_t gz_size;

        gz = gzip_of(payload, PAYLOAD_SIZE, &gz_size);
        assert_true(gz_size < PAYLOAD_SIZE / 2);
        assert_decompresses_to(gz, gz_size, SIZE_MAX, payload, PAYLOAD_SIZE);
        /* The magic, headers, blocks and trailer split anywhere. */
        assert_decompresses_to(gz, gz_size, 1, payload, PAYLOAD_SIZE);
        assert_decompresses_to(gz, gz_size, 7, payload, PAYLOAD_SIZE);
        assert_decompresses_to(gz, gz_size, 4093, payload, PAYLOAD_SIZE);
}

static void test_gzip_members(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE), *a = NULL, *b = NULL, *both = NULL;
        size_t a_size, b_size;

        /* pigz and concatenated files: the stream is the members one after the other. */
        a = gzip_of(payload, 1000, &a_size);
        b = gzip_of(payload + 1000, PAYLOAD_SIZE - 1000, &b_size);
        both = malloc(a_size + b_size);
        assert_non_null(both);
        memcpy(both, a, a_size);
        memcpy(both + a_size, b, b_size);
        assert_decompresses_to(both, a_size + b_size, SIZE_MAX, payload, PAYLOAD_SIZE);
        assert_decompresses_to(both, a_size + b_size, 3, payload, PAYLOAD_SIZE);
}

static void test_gzip_bad(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE), *gz = NULL, *longer = NULL;
        size_t gz_size;

        gz = gzip_of(payload, PAYLOAD_SIZE, &gz_size);

        /* Cut anywhere: in the header, the data, the trailer. */
        for (size_t cut = 2; cut < gz_size; cut += cut < 64 ? 1 : 4099)
                assert_refused(gz, cut, SIZE_MAX, -EBADMSG);
        assert_refused(gz, gz_size - 1, 5, -EBADMSG);

        /* Trailing bytes that are no gzip member. */
        longer = malloc(gz_size + 4);
        assert_non_null(longer);
        memcpy(longer, gz, gz_size);
        memcpy(longer + gz_size, "junk", 4);
        assert_refused(longer, gz_size + 4, SIZE_MAX, -EBADMSG);
        memset(longer + gz_size, 0, 4);
        assert_refused(longer, gz_size + 4, SIZE_MAX, -EBADMSG);

        /* A wrong CRC-32 and a wrong length in the trailer; a flipped bit in the data. */
        gz[gz_size - 8] ^= 0x01;
        assert_refused(gz, gz_size, SIZE_MAX, -EBADMSG);
        gz[gz_size - 8] ^= 0x01;
        gz[gz_size - 1] ^= 0x01;
        assert_refused(gz, gz_size, SIZE_MAX, -EBADMSG);
        gz[gz_size - 1] ^= 0x01;
        gz[gz_size / 2] ^= 0x10;
        assert_refused(gz, gz_size, SIZE_MAX, -EBADMSG);
        gz[gz_size / 2] ^= 0x10;

        /* Not deflate (compression method 9). */
        gz[2] = 9;
        assert_refused(gz, gz_size, SIZE_MAX, -EBADMSG);
}

static void test_read_error(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE), *gz = NULL;
        size_t gz_size;

        gz = gzip_of(payload, PAYLOAD_SIZE, &gz_size);
        for (int read_ahead = 0; read_ahead < 2; read_ahead++) {
                _cleanup_(layer_decompressor_freep) LayerDecompressor *d = NULL;
                Source s = {.data = gz, .size = gz_size, .piece = 1000, .fail_at = 5000};
                const void *p;
                ssize_t n;

                assert_int_equal(layer_decompressor_new(source_read, &s, read_ahead, true, &d), 0);
                while ((n = layer_decompressor_read(d, &p)) > 0)
                        ;
                assert_int_equal(n, -EIO);
        }
}

/* The reader stops early: the thread ends, whether it waits for room or is done. */
static void test_stop_early(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE), *gz = NULL;
        size_t gz_size;

        gz = gzip_of(payload, PAYLOAD_SIZE, &gz_size);
        for (int reads = 0; reads < 3; reads++) {
                _cleanup_(layer_decompressor_freep) LayerDecompressor *d = NULL;
                Source s = {.data = gz, .size = gz_size, .piece = 100};
                const void *p;

                assert_int_equal(layer_decompressor_new(source_read, &s, true, true, &d), 0);
                for (int i = 0; i < reads; i++)
                        assert_true(layer_decompressor_read(d, &p) > 0);
        }
}

static void test_plain(void **state) {
        _cleanup_free_ uint8_t *payload = make_payload(PAYLOAD_SIZE);

        /* Not compressed: the bytes as they are, also when the first piece is shorter than a magic. */
        assert_decompresses_to(payload, PAYLOAD_SIZE, SIZE_MAX, payload, PAYLOAD_SIZE);
        assert_decompresses_to(payload, PAYLOAD_SIZE, 1, payload, PAYLOAD_SIZE);
        payload[0] = 0x1f; /* half a gzip magic */
        assert_decompresses_to(payload, PAYLOAD_SIZE, 1, payload, PAYLOAD_SIZE);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_gzip),
                cmocka_unit_test(test_gzip_members),
                cmocka_unit_test(test_gzip_bad),
                cmocka_unit_test(test_read_error),
                cmocka_unit_test(test_stop_early),
                cmocka_unit_test(test_plain),
        };

        log_set_max_level(LOG_EMERG);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
