/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "fileio.h"
#include "layer-unpack.h"
#include "log.h"

/* The input is a layer blob, read by layer_unpack_stream() (a pull unpacks while it downloads) in small
 * pieces of varying size, as a network gives them. Oracle: when layer_diff_id() computes a DiffID, the
 * streaming unpack of the same blob either fails or computes the same one. Nothing may be written outside
 * the fresh directory it unpacks into (checked as fuzz-layer-unpack does, with less: it stays alone in
 * its parent). Run it where an escape cannot harm (TMPDIR on a tmpfs). */

static const LayerLimits limits = {
        .max_unpacked_size = 64U * 1024U,
        .max_entries = 64U,
};

typedef struct Source {
        const uint8_t *data;
        size_t size, offset;
} Source;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        log_set_max_level(LOG_EMERG);
        return 0;
}

static ssize_t source_read(void *userdata, void *buf, size_t size) {
        Source *s = userdata;
        size_t n = MIN(size, s->size - s->offset);

        /* 1 to 4096 bytes at a time, decided by the data itself. */
        if (n > 0)
                n = MIN(n, 1U + (size_t)s->data[s->offset] * 16U);
        memcpy(buf, s->data + s->offset, n);
        s->offset += n;
        return (ssize_t)n;
}

static void check_alone(const char *top) {
        _cleanup_closedir_ DIR *d = opendir(top);
        struct dirent *de;
        size_t n = 0;

        if (!d)
                abort();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..") &&
                    (!streq(de->d_name, "root") || n++ > 0))
                        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *top = NULL, *root = NULL;
        _cleanup_close_ int blob_fd = -EBADF, root_fd = -EBADF;
        char diff_id[DIGEST_STRING_LEN + 1], streamed[DIGEST_STRING_LEN + 1];
        Source s = {.data = data, .size = size};
        bool known;

        if (asprintf(&top, "%s/fuzz-stream-XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0 || !mkdtemp(top) ||
            asprintf(&root, "%s/root", top) < 0 || mkdir(root, 0755) < 0)
                abort();
        blob_fd = memfd_create("layer", MFD_CLOEXEC);
        root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (blob_fd < 0 || root_fd < 0 || loop_write(blob_fd, data, size) < 0)
                abort();

        known = layer_diff_id(blob_fd, -EBADF, &limits, diff_id) >= 0;
        if (layer_unpack_stream(source_read, &s, root_fd, &limits, NULL, streamed) >= 0 && known &&
            !streq(diff_id, streamed))
                abort();

        check_alone(top);
        if (rm_rf(top) < 0)
                abort();
        return 0;
}
