/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "digest.h"
#include "fileio.h"
#include "tar-builder.h"

struct TarBuilder {
        struct archive *a;
        int fd;
};

void blob_done(Blob *b) {
        free(b->data);
        *b = (Blob){};
}

TarBuilder *tar_new(const char *compression) {
        TarBuilder *b = calloc(1, sizeof(TarBuilder));

        assert_non_null(b);
        b->fd = memfd_create("tar", MFD_CLOEXEC);
        assert_true(b->fd >= 0);
        b->a = archive_write_new();
        assert_non_null(b->a);
        assert_int_equal(archive_write_set_format_pax_restricted(b->a), ARCHIVE_OK);
        if (compression && strcmp(compression, "gzip") == 0)
                assert_int_equal(archive_write_add_filter_gzip(b->a), ARCHIVE_OK);
        assert_int_equal(archive_write_open_fd(b->a, b->fd), ARCHIVE_OK);
        return b;
}

static struct archive_entry *entry_new(const char *path, mode_t type, unsigned mode, int64_t size) {
        struct archive_entry *e = archive_entry_new();

        assert_non_null(e);
        archive_entry_set_pathname(e, path);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_size(e, size);
        archive_entry_set_mtime(e, 1704067200, 0);
        return e;
}

void tar_file(TarBuilder *b, const char *path, const void *data, size_t size, unsigned mode) {
        struct archive_entry *e = entry_new(path, AE_IFREG, mode, (int64_t)size);

        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        if (size > 0)
                assert_int_equal(archive_write_data(b->a, data, size), (la_ssize_t)size);
        archive_entry_free(e);
}

void tar_string(TarBuilder *b, const char *path, const char *s) {
        tar_file(b, path, s, strlen(s), 0644);
}

void tar_blob(TarBuilder *b, const char *path, const Blob *blob) {
        tar_file(b, path, blob->data, blob->size, 0644);
}

void tar_zeros(TarBuilder *b, const char *path, uint64_t size) {
        static const char zeros[65536];
        struct archive_entry *e = entry_new(path, AE_IFREG, 0644, (int64_t)size);

        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        for (uint64_t left = size; left > 0;) {
                size_t n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);
                assert_int_equal(archive_write_data(b->a, zeros, n), (la_ssize_t)n);
                left -= n;
        }
        archive_entry_free(e);
}

void tar_dir(TarBuilder *b, const char *path, unsigned mode) {
        struct archive_entry *e = entry_new(path, AE_IFDIR, mode, 0);
        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        archive_entry_free(e);
}

void tar_owned(
        TarBuilder *b, const char *path, const char *data, unsigned mode, unsigned uid, unsigned gid) {
        size_t size = data ? strlen(data) : 0;
        struct archive_entry *e = entry_new(path, data ? AE_IFREG : AE_IFDIR, mode, (int64_t)size);

        archive_entry_set_uid(e, uid);
        archive_entry_set_gid(e, gid);
        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        if (size > 0)
                assert_int_equal(archive_write_data(b->a, data, size), (la_ssize_t)size);
        archive_entry_free(e);
}

void tar_symlink(TarBuilder *b, const char *path, const char *target) {
        struct archive_entry *e = entry_new(path, AE_IFLNK, 0777, 0);
        archive_entry_set_symlink(e, target);
        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        archive_entry_free(e);
}

void tar_hardlink(TarBuilder *b, const char *path, const char *target) {
        struct archive_entry *e = entry_new(path, AE_IFREG, 0644, 0);
        archive_entry_set_hardlink(e, target);
        assert_int_equal(archive_write_header(b->a, e), ARCHIVE_OK);
        archive_entry_free(e);
}

Blob tar_finish(TarBuilder *b) {
        Blob blob = {};
        int r;

        assert_int_equal(archive_write_close(b->a), ARCHIVE_OK);
        archive_write_free(b->a);
        assert_true(lseek(b->fd, 0, SEEK_SET) == 0);
        r = read_full_fd(b->fd, SIZE_MAX / 2, &blob.data, &blob.size);
        assert_int_equal(r, 0);
        close(b->fd);
        free(b);
        return blob;
}

char *blob_digest(const Blob *b) {
        char d[DIGEST_STRING_LEN + 1];
        assert_int_equal(sha256_digest(b->data, b->size, d), 0);
        return strdup(d);
}

int blob_to_fd(const Blob *b) {
        int fd = memfd_create("blob", MFD_CLOEXEC);

        assert_true(fd >= 0);
        assert_int_equal(loop_write(fd, b->data, b->size), 0);
        assert_true(lseek(fd, 0, SEEK_SET) == 0);
        return fd;
}
