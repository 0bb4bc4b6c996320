/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parse-flags.h"
#include "strv.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
        log_set_max_level(LOG_CRIT); /* the parser's refusals are expected, not news */
        return 0;
}

/* Whatever the --env-file parser accepts is a list of KEY=VALUE with distinct, non-empty keys; what it
 * refuses as malformed names the line. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_strv_free_ char **env = NULL;
        _cleanup_fclose_ FILE *f = NULL;
        unsigned line = 0;
        int r;

        if (size == 0)
                return 0;
        f = fmemopen((void *)data, size, "r");
        if (!f)
                return 0;
        r = env_parse_file(f, &env, &line);
        if (r == -EINVAL && line == 0)
                abort();
        if (r < 0)
                return 0;
        STRV_FOREACH (e, env) {
                const char *eq = strchr(*e, '=');

                if (!eq || eq == *e)
                        abort();
                for (char **o = env; o < e; o++)
                        if (strncmp(*o, *e, (size_t)(eq - *e) + 1) == 0)
                                abort();
        }
        return 0;
}
