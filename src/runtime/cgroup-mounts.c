/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-mounts.h"
#include "fileio.h"
#include "macro.h"
#include "proc-cgroup.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME)

static int mount_at(const char *dir, const char *fstype, const char *data) {
        _cleanup_free_ char *path = NULL;

        if (asprintf(&path, CGROUP_ROOT "/%s", dir) < 0)
                return -ENOMEM;
        if (mkdir(path, 0755) < 0 && errno != EEXIST)
                return -errno;
        return mount("cgroup", path, fstype, CGROUP_FLAGS, data) < 0 ? -errno : 0;
}

/* "cpu,cpuacct" is mounted under that name, with a link per controller (runc's layout). */
static int link_controllers(const char *dir) {
        _cleanup_free_ char *list = strdup(dir);
        char *save = NULL;

        if (!list)
                return -ENOMEM;
        for (char *name = strtok_r(list, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
                _cleanup_free_ char *link = NULL;

                if (asprintf(&link, CGROUP_ROOT "/%s", name) < 0)
                        return -ENOMEM;
                if (symlink(dir, link) < 0 && errno != EEXIST)
                        return -errno;
        }
        return 0;
}

/* One "<id>:<controllers>:<path>" line of /proc/self/cgroup. */
static int mount_hierarchy(const char *line, size_t n, bool *has_unified) {
        _cleanup_free_ char *controllers = NULL;
        const char *c1 = memchr(line, ':', n), *c2;

        c2 = c1 ? memchr(c1 + 1, ':', (size_t)(line + n - c1 - 1)) : NULL;
        if (!c2)
                return -EBADMSG;
        if (c2 == c1 + 1) {
                *has_unified = true;
                return 0;
        }
        controllers = strndup(c1 + 1, (size_t)(c2 - c1 - 1));
        if (!controllers)
                return -ENOMEM;
        if (strncmp(controllers, "name=", STRLEN("name=")) == 0)
                return mount_at(controllers + STRLEN("name="), "cgroup", controllers);
        int r = mount_at(controllers, "cgroup", controllers);
        if (r < 0)
                return r;
        return strchr(controllers, ',') ? link_controllers(controllers) : 0;
}

/* A single line, "0::/": cgroup v2 only. */
static bool unified_only(const char *text) {
        const char *end = strchr(text, '\n');

        return strncmp(text, "0::", STRLEN("0::")) == 0 && (!end || end[1] == '\0');
}

int cgroup_mounts_setup(void) {
        _cleanup_free_ char *text = NULL;
        bool has_unified = false;
        int r;

        r = proc_cgroup_read(&text);
        if (r < 0)
                return r;
        if (unified_only(text))
                return mount("cgroup2", CGROUP_ROOT, "cgroup2", CGROUP_FLAGS, NULL) < 0 ? -errno : 0;

        if (mount("tmpfs", CGROUP_ROOT, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") < 0)
                return -errno;
        for (const char *line = text; *line;) {
                const char *end = strchrnul(line, '\n');

                if (end > line) {
                        r = mount_hierarchy(line, (size_t)(end - line), &has_unified);
                        if (r < 0)
                                return r;
                }
                line = *end ? end + 1 : end;
        }
        if (has_unified) {
                r = mount_at("unified", "cgroup2", NULL);
                if (r < 0)
                        return r;
        }
        if (mount(NULL, CGROUP_ROOT, NULL, MS_REMOUNT | MS_BIND | CGROUP_FLAGS, NULL) < 0)
                return -errno;
        return 0;
}
