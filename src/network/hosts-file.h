/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container's /etc/hosts and /etc/resolv.conf, as Docker writes them. */

#include <stdarg.h>
#include <stdbool.h>

#include "macro.h"

/* --add-host NAME:IP (IP v4 or v6; "host-gateway" is the network's gateway). 0 or -EINVAL. */
int extra_host_validate(const char *s);
/* A name for /etc/hosts (--add-host's NAME, --network-alias). 0 or -EINVAL. */
int extra_host_validate_name(const char *s);
/* --dns IP. 0 or -EINVAL. */
int dns_server_validate(const char *s);

/* localhost lines, the extra hosts (host-gateway replaced by gateway, or dropped without one), then
 * "IP\thostname [name aliases…]" with ip, or 127.0.0.1 for the hostname when ip is NULL. */
int hosts_file_build(
        const char *ip,
        const char *gateway,
        const char *hostname,
        char *const *names,
        char *const *extra_hosts,
        char **ret);

/* The host's resolv.conf without its loopback nameservers (unreachable from the container's network
 * namespace), all nameservers replaced by dns when given, and Google's public ones when none is left,
 * as Docker does. keep_loopback: the container shares the host's network (--network host). */
int resolv_conf_build(const char *host_text, char *const *dns, bool keep_loopback, char **ret);
