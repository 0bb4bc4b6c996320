/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup-v1.h"
#include "fileio.h"
#include "freezer-cgroup.h"
#include "macro.h"
#include "proc-cgroup.h"

int cgroup_paths_parse(const char *proc_cgroup, char **ret_unit, char **ret_freezer) {
        _cleanup_free_ char *unit = NULL, *freezer = NULL;
        int r;

        r = proc_cgroup_path(proc_cgroup, "name=systemd", &unit);
        if (r == -ENODATA)
                r = proc_cgroup_path(proc_cgroup, NULL, &unit);
        if (r < 0 && r != -ENODATA)
                return r;
        r = proc_cgroup_path(proc_cgroup, "freezer", &freezer);
        if (r < 0 && r != -ENODATA)
                return r;
        *ret_unit = TAKE_PTR(unit);
        *ret_freezer = TAKE_PTR(freezer);
        return 0;
}

static int read_paths(char **ret_unit, char **ret_freezer) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = proc_cgroup_read(&text);
        if (r < 0)
                return r;
        return cgroup_paths_parse(text, ret_unit, ret_freezer);
}

/* "0" is the writing process itself. */
static int write_pid(const char *cgroup) {
        return cgroup_v1_write("freezer", cgroup, "cgroup.procs", "0");
}

int freezer_join_unit(char **ret_origin) {
        _cleanup_free_ char *unit = NULL, *origin = NULL, *dir = NULL;
        struct stat st;
        int r;

        *ret_origin = NULL;
        if (stat(FREEZER_V1_ROOT "/freezer.state", &st) < 0 &&
            stat(FREEZER_V1_ROOT "/cgroup.procs", &st) < 0)
                return 0;
        r = read_paths(&unit, &origin);
        if (r < 0)
                return r;
        if (!unit || !origin || streq(unit, "/"))
                return 0;

        if (asprintf(&dir, FREEZER_V1_ROOT "%s", unit) < 0)
                return -ENOMEM;
        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        r = write_pid(unit);
        if (r < 0)
                return r;
        *ret_origin = TAKE_PTR(origin);
        return 1;
}

int freezer_move_to(const char *origin) {
        return write_pid(origin);
}

int freezer_remove_unit(void) {
        _cleanup_free_ char *unit = NULL, *origin = NULL;
        int r;

        r = read_paths(&unit, &origin);
        if (r < 0)
                return r;
        if (!unit || !origin || streq(unit, "/"))
                return 0;
        return cgroup_v1_remove("freezer", unit);
}
