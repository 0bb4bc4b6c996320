/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "log.h"
#include "output.h"
#include "prune.h"
#include "strv.h"

bool prune_confirmed(const char *what) {
        char answer[16] = "";

        printf("WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ", what);
        fflush(stdout);
        return fgets(answer, sizeof(answer), stdin) &&
               (strcasecmp(answer, "y\n") == 0 || strcasecmp(answer, "yes\n") == 0);
}

int prune_print_reply(sd_bus_message *reply, const char *title) {
        _cleanup_strv_free_ char **removed = NULL;
        char size[FORMAT_BUF];
        uint64_t space;
        int r;

        r = sd_bus_message_read_strv(reply, &removed);
        if (r >= 0)
                r = sd_bus_message_read(reply, "t", &space);
        if (r < 0)
                return log_error_errno(r, "Failed to parse the reply: %m"), EXIT_FAILURE;
        if (removed) {
                puts(title);
                STRV_FOREACH (l, removed)
                        puts(*l);
                puts("");
        }
        printf("Total reclaimed space: %s\n", format_size(size, space));
        return EXIT_SUCCESS;
}
