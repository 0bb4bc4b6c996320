/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <libmount.h>
#include <stdlib.h>
#include <sys/mount.h>

#include "bind-propagation.h"
#include "error-set.h"
#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_table *, mnt_unref_table);

int bind_propagation_check(const char *source, const char *propagation, char **ret_error) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *table = NULL;
        _cleanup_free_ char *path = NULL;
        bool shared, slave;
        unsigned long flags = 0;
        struct libmnt_fs *fs;

        if (isempty(propagation))
                return 0;
        shared = streq(propagation, "shared") || streq(propagation, "rshared");
        slave = streq(propagation, "slave") || streq(propagation, "rslave");
        if (!shared && !slave)
                return 0;
        /* Symlinks resolved as the kernel does for the bind. */
        path = realpath(source, NULL);
        if (!path)
                return -errno;
        table = mnt_new_table();
        if (!table)
                return -ENOMEM;
        if (mnt_table_parse_file(table, "/proc/self/mountinfo") < 0)
                return -EIO;
        fs = mnt_table_find_mountpoint(table, path, MNT_ITER_BACKWARD);
        if (!fs || mnt_fs_get_propagation(fs, &flags) < 0)
                return -EIO;
        if (shared && !(flags & MS_SHARED))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "path %.300s is mounted on %.300s but it is not a shared mount",
                        source,
                        mnt_fs_get_target(fs));
        if (!shared && !(flags & (MS_SHARED | MS_SLAVE)))
                return error_set(
                        ret_error,
                        -EINVAL,
                        "path %.300s is mounted on %.300s but it is not a shared or slave mount",
                        source,
                        mnt_fs_get_target(fs));
        return 0;
}
