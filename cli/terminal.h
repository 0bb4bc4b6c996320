/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The client side of a container's terminal: raw mode for our own terminal (restored on every way
 * out, at exit() too), its size, and Docker's detach keys. */

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"
#define DETACH_KEYS_MAX 16U

typedef struct DetachKeys {
        uint8_t keys[DETACH_KEYS_MAX];
        size_t n;       /* 0: detaching is disabled */
        size_t matched; /* how much of keys the input has matched so far (held back) */
} DetachKeys;

/* Docker's syntax: comma-separated keys, each a single character or "ctrl-<c>" with c one of a-z, @,
 * [, \, ], ^, _ (and "DEL"). The empty string disables detaching. -EINVAL for anything else. */
int detach_keys_parse(const char *s, DetachKeys *ret);

/* Passes input through the detach-key matcher: out (room for n + DETACH_KEYS_MAX bytes) gets what is
 * to be sent on; returns true when the sequence has been typed (out then holds what came before it).
 * Bytes that may start the sequence are held back until it is clear that they do not. */
bool detach_keys_filter(DetachKeys *d, const uint8_t *in, size_t n, uint8_t *out, size_t *ret_out_n);

/* Puts fd's terminal in raw mode; terminal_restore() (also run at exit) puts it back. */
int terminal_make_raw(int fd);
void terminal_restore(void);
/* The size of the terminal on fd; -ENOTTY when it is none. */
int terminal_get_size(int fd, unsigned *ret_rows, unsigned *ret_cols);
