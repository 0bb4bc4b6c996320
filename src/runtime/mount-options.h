/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* OCI mount options → mount(2) flags + the filesystem's data string ("mode=755,size=65536k") + a bind's
 * propagation. */
typedef struct MountOptions {
        unsigned long flags;
        char *data; /* NULL when empty */
        unsigned long
                propagation; /* MS_PRIVATE|MS_SHARED|MS_SLAVE|MS_UNBINDABLE, with MS_REC for "r…"; 0: none */
        bool bind, recursive;
        bool idmap; /* "idmap": through the container's user namespace (userns.h) */
} MountOptions;

int mount_options_parse(char *const *options, MountOptions *ret);
void mount_options_done(MountOptions *o);
/* The MOUNT_ATTR_* equivalent of flags, for mount_setattr() on a cloned bind tree. */
unsigned long mount_options_attr(unsigned long flags);
