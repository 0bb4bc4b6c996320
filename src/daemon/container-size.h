/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#include "container.h"

/* The disk the container's writable layer (the overlay's upper directory) takes: Docker's SizeRw, and what
 * removing the container frees. Walks the directory; single-threaded. */
uint64_t container_size_rw(const Container *c);
