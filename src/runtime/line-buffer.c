/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>

#include "line-buffer.h"
#include "macro.h"

void line_buffer_init(LineBuffer *b, int priority) {
        b->priority = priority;
        b->n = 0;
}

static int emit(LineBuffer *b, line_record_func_t f, void *userdata) {
        char prefix[4];
        size_t plen, len = b->n;
        int r;

        plen = (size_t)snprintf(prefix, sizeof(prefix), "<%i>", b->priority & 7);
        /* The payload sits at offset 4 so that the prefix (3 bytes) can be put right before it. */
        memcpy(b->buf + 4 - plen, prefix, plen);
        b->buf[4 + len] = '\n';
        r = f(b->buf + 4 - plen, plen + len + 1, userdata);
        b->n = 0;
        return r;
}

int line_buffer_feed(LineBuffer *b, const char *data, size_t size, line_record_func_t f, void *userdata) {
        while (size > 0) {
                const char *nl = memchr(data, '\n', size);
                size_t take = nl ? (size_t)(nl - data) : size;
                size_t room = LINE_BUFFER_MAX - b->n;
                int r;

                if (take > room) {
                        /* Too long: fill up and cut here; the rest starts a new record. */
                        memcpy(b->buf + 4 + b->n, data, room);
                        b->n += room;
                        data += room;
                        size -= room;
                        r = emit(b, f, userdata);
                        if (r < 0)
                                return r;
                        continue;
                }

                memcpy(b->buf + 4 + b->n, data, take);
                b->n += take;
                data += take;
                size -= take;
                if (!nl)
                        break;

                data++, size--; /* the '\n' */
                if (b->n > 0 && b->buf[4 + b->n - 1] == '\r')
                        b->n--;
                r = emit(b, f, userdata);
                if (r < 0)
                        return r;
        }
        return 0;
}

int line_buffer_flush(LineBuffer *b, line_record_func_t f, void *userdata) {
        if (b->n == 0)
                return 0;
        return emit(b, f, userdata);
}
