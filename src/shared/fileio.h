/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Writes the file at dir_fd/path atomically: temp file in the same directory, fsync, rename, fsync dir.
 * A crash leaves either the old or the new content. */
int write_file_atomic_at(int dir_fd, const char *path, const void *data, size_t size, mode_t mode);
/* The same without the fsyncs (two journal commits on a disk), for files made again before every use:
 * readers see the old or the new content, a crash may leave either or an empty file. */
int write_file_replace_at(int dir_fd, const char *path, const void *data, size_t size, mode_t mode);
int write_string_file_atomic(const char *path, const char *s);

/* Reads a whole file (at most max_size bytes, else -EFBIG); the buffer is NUL-terminated. */
int read_full_file_at(int dir_fd, const char *path, size_t max_size, char **ret, size_t *ret_size);
int read_full_fd(int fd, size_t max_size, char **ret, size_t *ret_size);

int mkdir_p(const char *path, mode_t mode);
/* Removes a directory tree without following symlinks and without crossing mount points. */
int rm_rf(const char *path);
int loop_write(int fd, const void *buf, size_t n);
