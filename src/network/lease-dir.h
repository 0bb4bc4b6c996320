/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Leases as files in a directory (under /run/berth, so a reboot frees them all): one file per leased
 * thing (an address, a host port), named after it and holding its owner's id. Callers serialize with
 * a lock of their own; O_EXCL keeps even unserialized callers from sharing a lease. */

#include <stdint.h>

#include "network-config.h"

/* 0 when name is now (or already was) owner's; -EADDRINUSE when another owner holds it. */
int lease_acquire(int dir_fd, const char *name, const char *owner);
/* Removes every lease of owner; missing ones are fine. */
int lease_release_owner(int dir_fd, const char *owner);

/* Leases the lowest free host address of the subnet (not its network, broadcast or gateway address) to
 * owner. -ENOSPC when the subnet is full. */
int ipam_allocate(int dir_fd, const Subnet *subnet, const char *owner, uint32_t *ret);
