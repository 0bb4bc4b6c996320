/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ftw.h>
#include <stdio.h>

#include "container-size.h"

static uint64_t du_total;

static int du_one(const char *path, const struct stat *st, int type, struct FTW *ftw) {
        if (type == FTW_F || type == FTW_SL)
                du_total += (uint64_t)st->st_blocks * 512U;
        return 0;
}

uint64_t container_size_rw(const Container *c) {
        _cleanup_free_ char *upper = NULL;

        if (asprintf(&upper, "%s/upper", c->bundle) < 0)
                return 0;
        du_total = 0;
        (void)nftw(upper, du_one, 16, FTW_PHYS);
        return du_total;
}
