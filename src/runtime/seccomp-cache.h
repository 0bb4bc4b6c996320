/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "seccomp-filter.h"

/* Compiled seccomp filters, kept across containers: libseccomp takes milliseconds for a profile
 * covering three architectures (Docker's default on x86-64), more than the rest of a container's
 * start. berthd names each linux.seccomp by the SHA-256 of its text (annotation
 * org.berth.seccomp-digest); the file <dir>/<hex> holds that text and the program compiled from it. The
 * name only finds the file: a program is used only when the text stored with it is the spec's own, so
 * the spec stays the one truth. */

#define SECCOMP_CACHE_DIR BERTH_RUN_DIR "/seccomp"

/* 1 and the program when the cache has it, 0 when not (or the file is damaged), < 0 on errors. */
int seccomp_cache_load(const char *dir, const char *digest, const char *text, SeccompProgram *ret);
/* Best effort: the next container compiles again when this fails. */
int seccomp_cache_store(const char *dir, const char *digest, const char *text, const SeccompProgram *p);
