/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "macro.h"
#include "terminal.h"

/* moby/term's table: ctrl-@ is 0, ctrl-a 1, …, ctrl-_ 31. */
static int ctrl_code(const char *name) {
        static const char tail[] = "[\\]^_";
        char c;

        if (strncmp(name, "ctrl-", 5) != 0 || strlen(name) != 6)
                return -EINVAL;
        c = name[5];
        if (c == '@')
                return 0;
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 1;
        if (strchr(tail, c))
                return 27 + (int)(strchr(tail, c) - tail);
        return -EINVAL;
}

int detach_keys_parse(const char *s, DetachKeys *ret) {
        DetachKeys d = {};

        if (isempty(s)) {
                *ret = d;
                return 0;
        }
        for (const char *p = s;;) {
                const char *end = strchrnul(p, ',');
                size_t len = (size_t)(end - p);
                char key[8];
                int code;

                if (len == 1)
                        code = (unsigned char)p[0];
                else if (len < sizeof(key)) {
                        memcpy(key, p, len);
                        key[len] = 0;
                        code = streq(key, "DEL") ? 127 : ctrl_code(key);
                } else
                        code = -EINVAL;
                if (code < 0 || d.n >= DETACH_KEYS_MAX)
                        return -EINVAL;
                d.keys[d.n++] = (uint8_t)code;
                if (*end == 0)
                        break;
                p = end + 1;
        }
        *ret = d;
        return 0;
}

bool detach_keys_filter(DetachKeys *d, const uint8_t *in, size_t n, uint8_t *out, size_t *ret_out_n) {
        size_t o = 0;

        if (d->n == 0) {
                memcpy(out, in, n);
                *ret_out_n = n;
                return false;
        }
        for (size_t i = 0; i < n; i++) {
                if (in[i] == d->keys[d->matched]) {
                        if (++d->matched == d->n) {
                                d->matched = 0;
                                *ret_out_n = o;
                                return true;
                        }
                        continue;
                }
                /* Not the sequence after all: what was held goes on, and this byte may start it anew. */
                memcpy(out + o, d->keys, d->matched);
                o += d->matched;
                d->matched = 0;
                if (in[i] == d->keys[0])
                        d->matched = 1;
                else
                        out[o++] = in[i];
        }
        *ret_out_n = o;
        return false;
}

static struct termios saved_termios;
static int saved_fd = -1;

void terminal_restore(void) {
        if (saved_fd < 0)
                return;
        (void)tcsetattr(saved_fd, TCSADRAIN, &saved_termios);
        saved_fd = -1;
}

int terminal_make_raw(int fd) {
        static bool registered = false;
        struct termios t;

        if (tcgetattr(fd, &t) < 0)
                return -errno;
        if (!registered) {
                if (atexit(terminal_restore) != 0)
                        return -ENOMEM;
                registered = true;
        }
        saved_termios = t;
        saved_fd = fd;
        cfmakeraw(&t);
        t.c_cc[VMIN] = 1;
        t.c_cc[VTIME] = 0;
        if (tcsetattr(fd, TCSADRAIN, &t) < 0) {
                saved_fd = -1;
                return -errno;
        }
        return 0;
}

int terminal_get_size(int fd, unsigned *ret_rows, unsigned *ret_cols) {
        struct winsize w;

        if (ioctl(fd, TIOCGWINSZ, &w) < 0)
                return -errno;
        if (w.ws_row == 0 || w.ws_col == 0)
                return -ENOTTY;
        *ret_rows = w.ws_row;
        *ret_cols = w.ws_col;
        return 0;
}
