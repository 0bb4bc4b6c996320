/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Docker's copy-up: an empty volume mounted where the image has content gets that content, with its
 * owners, modes and times, the first time it is used. */

/* Copies what the image made of layer_dirs (bottom layer first) has at path into the directory
 * destination, and gives destination the owner and mode of that directory. Nothing is copied when the
 * image has no directory at path. The image is read through a detached read-only overlay mount, so
 * berthd's mount table never sees it; path is resolved inside the image (symlinks cannot leave it). */
int volume_copy_up(char *const *layer_dirs, const char *path, const char *destination);

/* > 0 when the image has a directory with entries at path: a copy that may take long, for a worker. */
int volume_copy_up_has_content(char *const *layer_dirs, const char *path);
