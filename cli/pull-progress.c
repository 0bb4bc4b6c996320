/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "pull-progress.h"

void pull_progress_done(PullProgress *p) {
        for (size_t i = 0; i < p->n_layers; i++)
                free(p->layers[i].status);
        free(p->layers);
        p->layers = NULL;
        p->n_layers = 0;
}

int pull_progress_format(uint64_t done, uint64_t total, char **ret) {
        char bar[PULL_BAR_WIDTH + 4] = "", current[FORMAT_BUF], all[FORMAT_BUF];
        unsigned filled;
        int r;

        if (done == 0 && total == 0) {
                *ret = strdup("");
                return *ret ? 0 : -ENOMEM;
        }
        format_size(current, done);
        if (total == 0)
                r = asprintf(ret, "%8s", current);
        else {
                /* As Docker: "=" per 2 %, then ">", padded to the width. */
                filled = (unsigned)MIN((double)done / (double)total * 100.0 / 2.0, (double)PULL_BAR_WIDTH);
                bar[0] = '[';
                memset(bar + 1, '=', filled);
                bar[1 + filled] = '>';
                memset(bar + 2 + filled, ' ', PULL_BAR_WIDTH - filled);
                bar[2 + PULL_BAR_WIDTH] = ']';
                bar[3 + PULL_BAR_WIDTH] = 0;
                format_size(all, total);
                r = done > total ? asprintf(ret, "%s %8s", bar, current)
                                 : asprintf(ret, "%s %8s/%s", bar, current, all);
        }
        return r < 0 ? -ENOMEM : 0;
}

static PullProgressLayer *find_layer(PullProgress *p, const char *id, size_t *ret_index) {
        PullProgressLayer *l;

        for (size_t i = 0; i < p->n_layers; i++)
                if (streq(p->layers[i].id, id)) {
                        *ret_index = i;
                        return &p->layers[i];
                }
        l = realloc(p->layers, (p->n_layers + 1) * sizeof(PullProgressLayer));
        if (!l)
                return NULL;
        p->layers = l;
        l = &p->layers[p->n_layers];
        *l = (PullProgressLayer){};
        snprintf(l->id, sizeof(l->id), "%s", id);
        *ret_index = p->n_layers++;
        return l;
}

int pull_progress_update(
        PullProgress *p, const char *digest, const char *status, uint64_t done, uint64_t total) {
        _cleanup_free_ char *text = NULL;
        const char *hex = strchr(digest, ':');
        char id[13];
        PullProgressLayer *l;
        size_t i, n_before = p->n_layers;
        bool changed;

        snprintf(id, sizeof(id), "%s", hex ? hex + 1 : digest);
        l = find_layer(p, id, &i);
        if (!l)
                return -ENOMEM;
        changed = !l->status || !streq(l->status, status);
        if (changed) {
                char *s = strdup(status);
                if (!s)
                        return -ENOMEM;
                free(l->status);
                l->status = s;
        }

        if (!p->tty) {
                if (changed)
                        fprintf(p->out, "%s: %s\n", l->id, l->status);
                return 0;
        }
        /* Only bytes still moving get a bar. */
        if (streq(status, "Downloading") || streq(status, "Extracting") || streq(status, "Pushing")) {
                if (pull_progress_format(done, total, &text) < 0)
                        return -ENOMEM;
        }
        if (p->n_layers > n_before)
                /* A new layer gets a new line at the bottom. */
                fprintf(p->out, "%s: %s %s\n", l->id, l->status, text ?: "");
        else {
                size_t up = p->n_layers - i;
                fprintf(p->out, "\x1b[%zuA\x1b[2K\r%s: %s %s\n", up, l->id, l->status, text ?: "");
                if (up > 1)
                        fprintf(p->out, "\x1b[%zuB", up - 1);
        }
        return 0;
}
