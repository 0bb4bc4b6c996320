/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>
#include <sys/mount.h>

#include "macro.h"
#include "mount-options.h"

static const struct {
        const char *name;
        bool clear;
        unsigned long flag;
} flag_table[] = {
        {"ro", false, MS_RDONLY},
        {"rw", true, MS_RDONLY},
        {"nosuid", false, MS_NOSUID},
        {"suid", true, MS_NOSUID},
        {"nodev", false, MS_NODEV},
        {"dev", true, MS_NODEV},
        {"noexec", false, MS_NOEXEC},
        {"exec", true, MS_NOEXEC},
        {"sync", false, MS_SYNCHRONOUS},
        {"async", true, MS_SYNCHRONOUS},
        {"noatime", false, MS_NOATIME},
        {"atime", true, MS_NOATIME},
        {"nodiratime", false, MS_NODIRATIME},
        {"diratime", true, MS_NODIRATIME},
        {"relatime", false, MS_RELATIME},
        {"norelatime", true, MS_RELATIME},
        {"strictatime", false, MS_STRICTATIME},
        {"nostrictatime", true, MS_STRICTATIME},
};

static const struct {
        const char *name;
        unsigned long propagation;
} propagation_table[] = {
        {"private", MS_PRIVATE},
        {"rprivate", MS_PRIVATE | MS_REC},
        {"shared", MS_SHARED},
        {"rshared", MS_SHARED | MS_REC},
        {"slave", MS_SLAVE},
        {"rslave", MS_SLAVE | MS_REC},
        {"unbindable", MS_UNBINDABLE},
        {"runbindable", MS_UNBINDABLE | MS_REC},
};

void mount_options_done(MountOptions *o) {
        free(o->data);
        o->data = NULL;
}

static int append_data(char **data, const char *opt) {
        size_t old = *data ? strlen(*data) : 0, add = strlen(opt);
        char *n;

        if (old + add + 2 > 64 * 1024)
                return -E2BIG;
        n = realloc(*data, old + add + 2);
        if (!n)
                return -ENOMEM;
        if (old > 0)
                n[old++] = ',';
        memcpy(n + old, opt, add + 1);
        *data = n;
        return 0;
}

int mount_options_parse(char *const *options, MountOptions *ret) {
        MountOptions o = {};
        int r;

        for (size_t i = 0; options && options[i]; i++) {
                const char *opt = options[i];
                bool known = false;

                if (streq(opt, "bind") || streq(opt, "rbind")) {
                        o.bind = true;
                        o.recursive = o.recursive || streq(opt, "rbind");
                        continue;
                }
                if (streq(opt, "idmap")) {
                        o.idmap = true;
                        continue;
                }
                for (size_t j = 0; j < ELEMENTSOF(flag_table) && !known; j++)
                        if (streq(opt, flag_table[j].name)) {
                                if (flag_table[j].clear)
                                        o.flags &= ~flag_table[j].flag;
                                else
                                        o.flags |= flag_table[j].flag;
                                known = true;
                        }
                for (size_t j = 0; j < ELEMENTSOF(propagation_table) && !known; j++)
                        if (streq(opt, propagation_table[j].name)) {
                                o.propagation = propagation_table[j].propagation;
                                known = true;
                        }
                if (known || isempty(opt))
                        continue;

                r = append_data(&o.data, opt);
                if (r < 0) {
                        mount_options_done(&o);
                        return r;
                }
        }
        *ret = o;
        return 0;
}

unsigned long mount_options_attr(unsigned long flags) {
        unsigned long attr = 0;

        if (flags & MS_RDONLY)
                attr |= MOUNT_ATTR_RDONLY;
        if (flags & MS_NOSUID)
                attr |= MOUNT_ATTR_NOSUID;
        if (flags & MS_NODEV)
                attr |= MOUNT_ATTR_NODEV;
        if (flags & MS_NOEXEC)
                attr |= MOUNT_ATTR_NOEXEC;
        return attr;
}
