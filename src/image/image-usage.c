/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "image-usage.h"
#include "strv.h"

/* How many of the first n images use the layer in dir. Within one image every layer directory is
 * distinct: it is named by the chain id, which differs with the position. */
static size_t layer_users(Image *const *images, size_t n, const char *dir) {
        size_t users = 0;

        for (size_t i = 0; i < n; i++)
                users += strv_contains(images[i]->layer_dirs, dir);
        return users;
}

void image_usage_compute(Image *const *images, size_t n, uint64_t *ret_shared, uint64_t *ret_total) {
        uint64_t total = 0;

        for (size_t i = 0; i < n; i++) {
                ret_shared[i] = 0;
                STRV_FOREACH (dir, images[i]->layer_dirs) {
                        uint64_t size = images[i]->layer_sizes[dir - images[i]->layer_dirs];

                        if (layer_users(images, n, *dir) > 1)
                                ret_shared[i] += size;
                        /* Counted with the first image that has it. */
                        if (layer_users(images, i, *dir) == 0)
                                total += size;
                }
        }
        *ret_total = total;
}
