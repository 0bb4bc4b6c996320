/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "macro.h"

/* NULL-terminated string arrays, as in systemd. */
char **strv_free(char **l);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, strv_free);
#define _cleanup_strv_free_ _cleanup_(strv_freep)

size_t strv_length(char *const *l);
char **strv_copy(char *const *l);
int strv_extend(char ***l, const char *value);
/* Takes ownership of value, also on failure. */
int strv_consume(char ***l, char *value);
bool strv_contains(char *const *l, const char *s);
/* Finds "KEY=..." for the KEY part of assignment (up to '=' or the end). */
char **strv_env_find(char **l, const char *assignment);
/* Sets or replaces KEY=VALUE entries. */
int strv_env_set(char ***l, const char *assignment);
char *strv_join(char *const *l, const char *sep);

#define STRV_FOREACH(s, l) for (char **s = (l); s && *s; s++)
