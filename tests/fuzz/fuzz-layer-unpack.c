/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
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

/* The input is a layer blob. As the store does, it is unpacked only when its DiffID could be computed
 * within the limits (which bounds the work), into root/ of a fresh directory that also holds the file
 * canary: afterwards that directory must hold exactly these two, the canary unchanged and not linked.
 * Run it where an escape cannot harm (a private mount namespace with / read-only, TMPDIR on a tmpfs). */

#define CANARY "canary"

static const LayerLimits limits = {
        .max_unpacked_size = 64U * 1024U,
        .max_entries = 64U,
};

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        log_set_max_level(LOG_EMERG);
        return 0;
}

static void check_outside(int top_fd) {
        _cleanup_closedir_ DIR *d = NULL;
        _cleanup_free_ char *data = NULL;
        struct dirent *de;
        struct stat st;
        size_t size, n = 0;
        int fd;

        fd = openat(top_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0 || !(d = fdopendir(fd)))
                abort();
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        if (!streq(de->d_name, "root") && !streq(de->d_name, CANARY))
                                abort();
                        n++;
                }
        if (n != 2 || fstatat(top_fd, "root", &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
                abort();
        if (fstatat(top_fd, CANARY, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
            st.st_nlink != 1)
                abort();
        if (read_full_file_at(top_fd, CANARY, 64, &data, &size) < 0 || size != STRLEN(CANARY) ||
            memcmp(data, CANARY, size) != 0)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_free_ char *top = NULL;
        _cleanup_close_ int blob_fd = -EBADF, top_fd = -EBADF, root_fd = -EBADF, canary_fd = -EBADF;
        char diff_id[DIGEST_STRING_LEN + 1];

        if (asprintf(&top, "%s/fuzz-layer-XXXXXX", getenv("TMPDIR") ?: "/tmp") < 0 || !mkdtemp(top))
                abort();
        top_fd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        blob_fd = memfd_create("layer", MFD_CLOEXEC);
        if (top_fd < 0 || blob_fd < 0 || loop_write(blob_fd, data, size) < 0 ||
            mkdirat(top_fd, "root", 0755) < 0)
                abort();
        canary_fd = openat(top_fd, CANARY, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        root_fd = openat(top_fd, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (canary_fd < 0 || root_fd < 0 || loop_write(canary_fd, CANARY, STRLEN(CANARY)) < 0)
                abort();

        if (layer_diff_id(blob_fd, -EBADF, &limits, diff_id) >= 0)
                (void)layer_unpack(blob_fd, root_fd, &limits, NULL);

        check_outside(top_fd);
        if (rm_rf(top) < 0)
                abort();
        return 0;
}
