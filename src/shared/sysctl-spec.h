/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* --sysctl KEY=VALUE: only the sysctls that belong to a container's own namespaces, Docker's list
 * (opts.ValidateSysctl): the IPC ones (kernel.msgmax, kernel.msgmnb, kernel.msgmni, kernel.sem,
 * kernel.shmall, kernel.shmmax, kernel.shmmni, kernel.shm_rmid_forced, fs.mqueue.*), the network
 * namespace's (net.*) and the UTS namespace's kernel.domainname. */

#define SYSCTL_VALUE_MAX 4096U

/* KEY alone: dotted words of [A-Za-z0-9_-], in the list above. */
bool sysctl_key_namespaced(const char *key);

/* Splits "KEY=VALUE" (VALUE may be empty, not hold a newline). On -EINVAL ret_error has Docker's words
 * ("sysctl 'kernel.panic=1' is not whitelisted"). */
int sysctl_spec_parse(const char *s, char **ret_key, char **ret_value, char **ret_error);

/* "net.ipv4.ip_forward" → "/proc/sys/net/ipv4/ip_forward"; NULL when out of memory. */
char *sysctl_key_to_path(const char *key);
