/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>

/* Capability names through libcap's table, in the two forms berth meets: as users write them to
 * --cap-add/--cap-drop (any case, with or without "CAP_") and as the OCI spec does ("CAP_NET_ADMIN"). A
 * set of capabilities is a uint64_t mask, bit n for capability n. */

#define CAPABILITY_NAME_MAX 32U
#define CAPABILITY_MASK(cap) (UINT64_C(1) << (cap))

/* "net_admin", "CAP_NET_ADMIN", "Cap_Net_Admin"; numbers are not names. -EINVAL when unknown. */
int capability_from_name(const char *name);
/* Exactly "CAP_" and the upper-case name. */
int capability_from_oci_name(const char *name);
/* "CAP_NET_ADMIN"; -EINVAL for a capability libcap has no name for. */
int capability_to_name(int cap, char ret[static CAPABILITY_NAME_MAX]);
