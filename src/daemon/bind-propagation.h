/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Docker's check for a shared or slave bind: only a source on a shared mount can share with the host
 * ("shared", "rshared"), and only one on a shared or slave mount can receive from it ("slave", "rslave").
 * Other propagations pass. -EINVAL with Docker's message in *ret_error when the source's mount does not
 * fit; source must exist. */
int bind_propagation_check(const char *source, const char *propagation, char **ret_error);
