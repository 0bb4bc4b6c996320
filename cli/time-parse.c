/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "macro.h"
#include "parse-flags.h"
#include "time-parse.h"

#define USEC_PER_SEC_ UINT64_C(1000000)

/* Reads exactly n digits at *p into ret. */
static int read_digits(const char **p, size_t n, int *ret) {
        int v = 0;

        for (size_t i = 0; i < n; i++) {
                if (!isdigit((unsigned char)(*p)[i]))
                        return -EINVAL;
                v = v * 10 + ((*p)[i] - '0');
        }
        *p += n;
        *ret = v;
        return 0;
}

/* A fraction of a second ".d…" (1 to 9 digits) in µs. */
static int read_fraction(const char **p, uint64_t *ret) {
        uint64_t usec = 0, scale = 100000;
        size_t n = 0;

        if (**p != '.')
                return 0;
        for ((*p)++; isdigit((unsigned char)**p); (*p)++, n++) {
                usec += (uint64_t)(**p - '0') * scale;
                scale /= 10;
        }
        if (n == 0 || n > 9)
                return -EINVAL;
        *ret = usec;
        return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
        y -= m <= 2;
        int64_t era = (y >= 0 ? y : y - 399) / 400;
        unsigned yoe = (unsigned)(y - era * 400);
        unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + (int64_t)doe - 719468;
}

static bool date_valid(int y, int mo, int d) {
        static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1])
                return false;
        return mo != 2 || d < 29 || (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int parse_date_time(const char *s, uint64_t *ret) {
        int year, month, day, hour = 0, minute = 0, second = 0, zh, zm;
        const char *p = s;
        uint64_t frac = 0;
        int64_t t, offset = 0;
        bool zone = false;

        if (read_digits(&p, 4, &year) < 0 || *p++ != '-' || read_digits(&p, 2, &month) < 0 || *p++ != '-' ||
            read_digits(&p, 2, &day) < 0 || !date_valid(year, month, day))
                return -EINVAL;
        if (*p == 'T') {
                p++;
                /* Go's layouts: "T15", "T15:04", "T15:04:05" with an optional fraction. */
                if (read_digits(&p, 2, &hour) < 0)
                        return -EINVAL;
                if (*p == ':') {
                        p++;
                        if (read_digits(&p, 2, &minute) < 0)
                                return -EINVAL;
                        if (*p == ':') {
                                p++;
                                if (read_digits(&p, 2, &second) < 0 || read_fraction(&p, &frac) < 0)
                                        return -EINVAL;
                        }
                }
                if (hour > 23 || minute > 59 || second > 60)
                        return -EINVAL;
                if (*p == 'Z' || *p == 'z') {
                        p++;
                        zone = true;
                } else if (*p == '+' || *p == '-') {
                        int sign = *p++ == '-' ? -1 : 1;
                        if (read_digits(&p, 2, &zh) < 0 || *p++ != ':' || read_digits(&p, 2, &zm) < 0 ||
                            zh > 23 || zm > 59)
                                return -EINVAL;
                        offset = sign * ((int64_t)zh * 3600 + zm * 60);
                        zone = true;
                }
        }
        if (*p != 0)
                return -EINVAL;

        if (zone)
                t = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
                    minute * 60 + second - offset;
        else {
                /* No zone: the local time of this machine, as Docker's client reads it. */
                struct tm tm = {
                        .tm_year = year - 1900,
                        .tm_mon = month - 1,
                        .tm_mday = day,
                        .tm_hour = hour,
                        .tm_min = minute,
                        .tm_sec = second,
                        .tm_isdst = -1,
                };
                time_t l = mktime(&tm);
                if (l == (time_t)-1)
                        return -ERANGE;
                t = (int64_t)l;
        }
        if (t < 0)
                return -ERANGE;
        *ret = (uint64_t)t * USEC_PER_SEC_ + frac;
        return 0;
}

static int parse_unix_timestamp(const char *s, uint64_t *ret) {
        const char *p = s;
        uint64_t seconds = 0, frac = 0;
        size_t n = 0;

        for (; isdigit((unsigned char)*p); p++, n++) {
                if (n >= 12) /* past year 33000: not a timestamp */
                        return -ERANGE;
                seconds = seconds * 10 + (uint64_t)(*p - '0');
        }
        if (n == 0 || read_fraction(&p, &frac) < 0 || *p != 0)
                return -EINVAL;
        *ret = seconds * USEC_PER_SEC_ + frac;
        return 0;
}

int parse_timestamp_usec(const char *s, uint64_t now_usec, uint64_t *ret) {
        uint64_t d;
        int r;

        if (isempty(s))
                return -EINVAL;
        if (strspn(s, "0123456789.") == strlen(s))
                return parse_unix_timestamp(s, ret);
        if (strlen(s) >= 10 && s[4] == '-')
                return parse_date_time(s, ret);

        /* A duration back from now; parse_duration_usec() takes plain numbers as seconds, handled
         * above as timestamps. */
        r = parse_duration_usec(s, &d);
        if (r < 0)
                return -EINVAL;
        if (d > now_usec)
                return -ERANGE;
        *ret = now_usec - d;
        return 0;
}

int parse_tail(const char *s, uint64_t *ret) {
        uint64_t v = 0;

        if (isempty(s))
                return -EINVAL;
        if (streq(s, "all")) {
                *ret = TAIL_ALL;
                return 0;
        }
        for (const char *p = s; *p; p++) {
                if (!isdigit((unsigned char)*p))
                        return -EINVAL;
                if (v > (UINT64_MAX - 9) / 10)
                        return -ERANGE;
                v = v * 10 + (uint64_t)(*p - '0');
        }
        *ret = v;
        return 0;
}

const char *format_rfc3339nano_fixed(char buf[static RFC3339_NANO_FIXED_MAX], uint64_t usec) {
        time_t t = (time_t)(usec / USEC_PER_SEC_);
        char date[32];
        struct tm tm;

        if (!gmtime_r(&t, &tm) || strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
                snprintf(date, sizeof(date), "0001-01-01T00:00:00");
        snprintf(buf, RFC3339_NANO_FIXED_MAX, "%s.%06u000Z", date, (unsigned)(usec % USEC_PER_SEC_));
        return buf;
}
