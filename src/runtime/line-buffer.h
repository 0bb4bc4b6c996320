/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>

/* Cuts a byte stream into journal records "<N>line\n": N is the syslog priority that systemd's
 * SyslogLevelPrefix= (and sd_journal_stream_fd(…, level_prefix=1)) turns into the entry's PRIORITY.
 * "\r\n" ends a line like "\n"; a line longer than LINE_BUFFER_MAX is cut into several records; an
 * unterminated tail is emitted by line_buffer_flush(). Pure: no I/O, so it is tested on byte chunks. */

#define LINE_BUFFER_MAX 16384U

typedef int (*line_record_func_t)(const char *record, size_t size, void *userdata);

typedef struct LineBuffer {
        int priority;
        size_t n;
        char buf[4 + LINE_BUFFER_MAX + 1]; /* "<N>" + payload + "\n" */
} LineBuffer;

void line_buffer_init(LineBuffer *b, int priority);
int line_buffer_feed(LineBuffer *b, const char *data, size_t size, line_record_func_t f, void *userdata);
int line_buffer_flush(LineBuffer *b, line_record_func_t f, void *userdata);
