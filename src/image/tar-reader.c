/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "tar-reader.h"

struct archive *tar_reader_new(bool raw) {
        struct archive *a = archive_read_new();

        if (!a)
                return NULL;
        /* Only the compressions images use: "all" would also bid with uudecode, rpm, lrzip, … */
        archive_read_support_filter_gzip(a);
        archive_read_support_filter_zstd(a);
        archive_read_support_filter_xz(a);
        archive_read_support_filter_bzip2(a);
        if (raw)
                archive_read_support_format_raw(a);
        else
                archive_read_support_format_tar(a);
        return a;
}

int tar_path_clean(const char *base, const char *p, bool strict, char **ret) {
        _cleanup_free_ char *joined = NULL, *out = NULL;
        size_t n = 0;

        if (!p || strlen(p) >= PATH_MAX || (strict && p[0] == '/'))
                return -EPERM;
        if (base && p[0] != '/') {
                if (asprintf(&joined, "%s/%s", base, p) < 0)
                        return -ENOMEM;
                p = joined;
        }
        out = malloc(strlen(p) + 1);
        if (!out)
                return -ENOMEM;
        for (const char *s = p; *s;) {
                size_t len = strcspn(s, "/");
                if (len == 2 && s[0] == '.' && s[1] == '.') {
                        if (strict || n == 0)
                                return -EPERM;
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--;
                } else if (len > 0 && !(len == 1 && s[0] == '.')) {
                        if (n > 0)
                                out[n++] = '/';
                        memcpy(out + n, s, len);
                        n += len;
                }
                s += len;
                while (*s == '/')
                        s++;
        }
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}

int tar_copy_hashed(
        struct archive *a,
        int out_fd,
        uint64_t *budget,
        uint64_t *ret_size,
        char ret_digest[static DIGEST_STRING_LEN + 1]) {
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        _cleanup_free_ char *buf = NULL;
        uint64_t size = 0;
        int r;

        r = sha256_new(&h);
        if (r < 0)
                return r;
        buf = malloc(TAR_READ_BLOCK_SIZE);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                la_ssize_t n = archive_read_data(a, buf, TAR_READ_BLOCK_SIZE);
                if (n < 0)
                        return -EBADMSG;
                if (n == 0)
                        break;
                if ((uint64_t)n > *budget)
                        return -EFBIG;
                *budget -= (uint64_t)n;
                size += (uint64_t)n;
                r = sha256_update(h, buf, (size_t)n);
                if (r < 0)
                        return r;
                if (out_fd >= 0) {
                        r = loop_write(out_fd, buf, (size_t)n);
                        if (r < 0)
                                return r;
                }
        }
        if (ret_size)
                *ret_size = size;
        return sha256_final(h, ret_digest);
}
