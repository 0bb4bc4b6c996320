/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fileio.h"
#include "image-store.h"
#include "log.h"
#include "strv.h"

/* The input is an image archive (docker save or OCI), loaded into a fresh store with low limits. A load
 * that succeeds must leave every image it names readable; one that fails must leave the store empty. */

#define EMPTY_INDEX "{\"schemaVersion\":2,\"manifests\":[]}"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        log_set_max_level(LOG_EMERG);
        return 0;
}

static void check_empty_dir(int top_fd, const char *path) {
        _cleanup_closedir_ DIR *d = NULL;
        struct dirent *de;
        int fd;

        fd = openat(top_fd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd)))
                abort();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        abort();
}

static void check_store_empty(const char *top) {
        _cleanup_close_ int top_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        _cleanup_free_ char *index = NULL;
        size_t size;

        if (top_fd < 0)
                abort();
        check_empty_dir(top_fd, "layers");
        check_empty_dir(top_fd, "image-staging");
        check_empty_dir(top_fd, "images/blobs/sha256");
        if (read_full_file_at(top_fd, "images/index.json", 4096, &index, &size) < 0 ||
            !streq(index, EMPTY_INDEX))
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *top = NULL;
        _cleanup_close_ int fd = -EBADF;
        _cleanup_strv_free_ char **loaded = NULL;
        ImageStore *s = NULL;

        if (asprintf(&top, "%s/fuzz-archive-XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0 || !mkdtemp(top))
                abort();
        fd = memfd_create("archive", MFD_CLOEXEC);
        if (fd < 0 || loop_write(fd, data, size) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
            image_store_new(top, &s) < 0)
                abort();
        image_store_set_limits(s, 1024U * 1024U, 64U * 1024U, 64U);

        if (image_store_load_archive(s, fd, &loaded) >= 0) {
                if (strv_length(loaded) == 0)
                        abort();
                STRV_FOREACH (name, loaded) {
                        Image *image = NULL;
                        if (image_store_get(s, *name, &image) < 0)
                                abort();
                        image_free(image);
                }
        } else
                check_store_empty(top);

        image_store_free(s);
        if (rm_rf(top) < 0)
                abort();
        return 0;
}
