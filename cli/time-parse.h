/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* The time arguments of logs and events (--since, --until), as Docker's timetypes.GetTimestamp takes
 * them: a Go duration before now ("10m", "1h30m", "1.5s"), an RFC 3339 time with or without fraction
 * and zone ("2024-01-02T15:04:05.123Z", "2024-01-02T15:04:05+02:00"; no zone = local time), a date or
 * a date with hour[:minute[:second]] in local time ("2024-01-02", "2024-01-02T15:04"), or a Unix
 * timestamp with an optional fraction ("1700000000", "1700000000.5"). now_usec is the reference of the
 * durations. Returns µs since the epoch, -EINVAL when s is none of these, -ERANGE before the epoch. */
int parse_timestamp_usec(const char *s, uint64_t now_usec, uint64_t *ret);

/* --tail: "all" (UINT64_MAX) or a non-negative number of lines. */
#define TAIL_ALL UINT64_MAX
int parse_tail(const char *s, uint64_t *ret);

/* Docker's jsonmessage.RFC3339NanoFixed in UTC: "2024-01-02T15:04:05.123456000Z" (always 9 digits). */
#define RFC3339_NANO_FIXED_MAX 64
const char *format_rfc3339nano_fixed(char buf[static RFC3339_NANO_FIXED_MAX], uint64_t usec);
