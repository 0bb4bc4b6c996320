/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

/* For parsers and validators that hand a message to their caller: records the first one (the first bad
 * field is the one to show) and returns r, so that callers can "return error_set(error, -EINVAL, …)".
 * error may be NULL. */
_printf_(3, 4) int error_set(char **error, int r, const char *format, ...);
