/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reference.h"

/* Whatever normalizes must normalize to itself, split and shorten without error. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        char *s, *n = NULL, *again = NULL, *f = NULL, *repo = NULL, *tag = NULL, *digest = NULL;

        s = strndup((const char *)data, size);
        if (!s)
                return 0;
        if (reference_normalize(s, &n) >= 0) {
                if (reference_normalize(n, &again) < 0 || strcmp(n, again) != 0)
                        abort();
                if (reference_familiar(n, &f) < 0 || reference_split(n, &repo, &tag, &digest) < 0)
                        abort();
                if (!tag && !digest)
                        abort();
        }
        free(s);
        free(n);
        free(again);
        free(f);
        free(repo);
        free(tag);
        free(digest);
        return 0;
}
