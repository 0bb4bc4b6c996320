/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Runs commands as one transaction through libnftables. On failure ret_error gets nft's message.
 * libnftables is loaded on first use: it brings libnftnl, libxtables, libjansson and libgmp, which cost
 * every start and stop about half a millisecond to map and relocate, and most need no nftables at all. */
int nft_run(const char *commands, char **ret_error);
