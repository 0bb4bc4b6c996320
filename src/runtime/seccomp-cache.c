/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "seccomp-cache.h"
#include "seccomp-profile.h"

#define CACHE_MAGIC "berthbpf"

typedef struct CacheHeader {
        char magic[8];
        uint32_t text_size;
        uint32_t len; /* instructions */
        uint32_t flags;
        uint32_t reserved;
} CacheHeader;

#define CACHE_FILE_MAX                                                                                      \
        (sizeof(CacheHeader) + SECCOMP_PROFILE_MAX_SIZE + BPF_MAXINSNS * sizeof(struct sock_filter))

/* "sha256:<hex>" → "<hex>", the file's name; NULL for anything else. */
static const char *file_name(const char *digest) {
        const char *hex = digest + STRLEN("sha256:");

        if (strncmp(digest, "sha256:", STRLEN("sha256:")) != 0)
                return NULL;
        return strlen(hex) == 64 && strspn(hex, "0123456789abcdef") == 64 ? hex : NULL;
}

int seccomp_cache_load(const char *dir, const char *digest, const char *text, SeccompProgram *ret) {
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name = file_name(digest);
        size_t size, text_size = strlen(text);
        CacheHeader h;
        int r;

        if (!name)
                return -EINVAL;
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return errno == ENOENT ? 0 : -errno;
        r = read_full_file_at(dir_fd, name, CACHE_FILE_MAX, &data, &size);
        if (r == -ENOENT || r == -EFBIG)
                return 0;
        if (r < 0)
                return r;
        if (size < sizeof(h))
                return 0;
        memcpy(&h, data, sizeof(h));
        if (memcmp(h.magic, CACHE_MAGIC, sizeof(h.magic)) != 0 || h.text_size != text_size || h.len == 0 ||
            h.len > BPF_MAXINSNS || size != sizeof(h) + text_size + h.len * sizeof(struct sock_filter) ||
            memcmp(data + sizeof(h), text, text_size) != 0)
                return 0;

        ret->filter = malloc(h.len * sizeof(struct sock_filter));
        if (!ret->filter)
                return -ENOMEM;
        memcpy(ret->filter, data + sizeof(h) + text_size, h.len * sizeof(struct sock_filter));
        ret->len = (unsigned short)h.len;
        ret->flags = h.flags;
        return 1;
}

int seccomp_cache_store(const char *dir, const char *digest, const char *text, const SeccompProgram *p) {
        _cleanup_free_ char *data = NULL;
        _cleanup_close_ int dir_fd = -EBADF;
        const char *name = file_name(digest);
        size_t text_size = strlen(text), program_size = p->len * sizeof(struct sock_filter);
        CacheHeader h = {.text_size = (uint32_t)text_size, .len = p->len, .flags = p->flags};
        int r;

        if (!name || text_size > SECCOMP_PROFILE_MAX_SIZE)
                return -EINVAL;
        r = mkdir_p(dir, 0700);
        if (r < 0)
                return r;
        dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir_fd < 0)
                return -errno;
        data = malloc(sizeof(h) + text_size + program_size);
        if (!data)
                return -ENOMEM;
        memcpy(h.magic, CACHE_MAGIC, sizeof(h.magic));
        memcpy(data, &h, sizeof(h));
        memcpy(data + sizeof(h), text, text_size);
        memcpy(data + sizeof(h) + text_size, p->filter, program_size);
        return write_file_atomic_at(dir_fd, name, data, sizeof(h) + text_size + program_size, 0600);
}
