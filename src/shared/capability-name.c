/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "capability-name.h"
#include "macro.h"

#define NAME_LETTERS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"

/* libcap takes "cap_" and the name in any case, but also plain numbers: only letters get this far. */
static int from_suffix(const char *suffix) {
        char name[CAPABILITY_NAME_MAX];
        cap_value_t cap;
        size_t n = strlen(suffix);

        if (n == 0 || n + STRLEN("cap_") >= sizeof(name) || strspn(suffix, NAME_LETTERS) != n)
                return -EINVAL;
        (void)snprintf(name, sizeof(name), "cap_%s", suffix);
        if (cap_from_name(name, &cap) < 0 || cap < 0 || cap >= 64)
                return -EINVAL;
        return (int)cap;
}

int capability_from_name(const char *name) {
        if (strncasecmp(name, "cap_", 4) == 0)
                name += 4;
        return from_suffix(name);
}

int capability_from_oci_name(const char *name) {
        if (strncmp(name, "CAP_", 4) != 0)
                return -EINVAL;
        for (const char *c = name + 4; *c; c++)
                if (islower((unsigned char)*c))
                        return -EINVAL;
        return from_suffix(name + 4);
}

int capability_to_name(int cap, char ret[static CAPABILITY_NAME_MAX]) {
        char *name;
        int r = -EINVAL;

        if (cap < 0 || cap >= 64)
                return -EINVAL;
        name = cap_to_name((cap_value_t)cap);
        if (!name)
                return -ENOMEM;
        /* An unnamed capability comes back as its number. */
        if (strncmp(name, "cap_", 4) == 0 && strlen(name) < CAPABILITY_NAME_MAX) {
                for (size_t i = 0; name[i]; i++)
                        ret[i] = (char)toupper((unsigned char)name[i]);
                ret[strlen(name)] = 0;
                r = 0;
        }
        cap_free(name);
        return r;
}
