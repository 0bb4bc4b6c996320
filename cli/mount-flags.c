/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "mount-flags.h"
#include "bus-options.h"
#include "log.h"
#include "strv.h"

void mount_flags_done(MountFlags *f) {
        strv_free(f->volumes);
        strv_free(f->mounts);
        strv_free(f->volumes_from);
        *f = (MountFlags){};
}

int mount_flags_parse(MountFlags *f, int flag, const char *arg) {
        char ***l = flag == MOUNT_FLAG_VOLUME         ? &f->volumes
                    : flag == MOUNT_FLAG_MOUNT        ? &f->mounts
                    : flag == MOUNT_FLAG_VOLUMES_FROM ? &f->volumes_from
                                                      : NULL;

        if (!l)
                return -EINVAL;
        return strv_extend(l, arg) < 0 ? log_oom() : 0;
}

int mount_flags_append(sd_bus_message *m, const MountFlags *f) {
        int r;

        r = bus_append_strv_option(m, "Binds", f->volumes);
        if (r >= 0)
                r = bus_append_strv_option(m, "Mounts", f->mounts);
        if (r >= 0)
                r = bus_append_strv_option(m, "VolumesFrom", f->volumes_from);
        return r;
}
