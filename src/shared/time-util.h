/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

#define USEC_PER_SEC UINT64_C(1000000)
#define NSEC_PER_SEC UINT64_C(1000000000)

/* Wall-clock time in µs since the epoch: the unit of every timestamp berth stores or sends. */
uint64_t now_realtime_usec(void);
