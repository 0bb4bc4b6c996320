/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* Docker's size syntax for memory and /dev/shm (go-units RAMInBytes): a number, optionally with a
 * fraction, then an optional unit k, m, g, t or p (any case, powers of 1024), optionally followed by "i"
 * and/or "b": "512m", "1g", "1.5GiB", "100" (bytes). -EINVAL for anything else, -ERANGE past INT64_MAX. */
int parse_size(const char *s, uint64_t *ret);
