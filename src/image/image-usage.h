/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What the images' unpacked layers take on disk, for docker system df: a layer shared by several images
 * is stored once and counted once. */

#include <stddef.h>
#include <stdint.h>

#include "image-store.h"

/* ret_shared[i]: the bytes of images[i]'s layers that another of the images uses too (Docker's
 * SharedSize); ret_total: the bytes of all their layers, each counted once (Docker's LayersSize). The
 * images need layer_dirs and layer_sizes, as image_store_list() gives them. */
void image_usage_compute(Image *const *images, size_t n, uint64_t *ret_shared, uint64_t *ret_total);
