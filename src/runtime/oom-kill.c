/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "log.h"
#include "macro.h"
#include "oom-kill.h"
#include "proc-cgroup.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define COUNTER_FILE_MAX 4096U

int oom_kill_count_parse(const char *text, uint64_t *ret) {
        for (const char *line = text; line && *line;) {
                const char *end = strchrnul(line, '\n');
                uint64_t v;
                int n = 0;

                if (sscanf(line, "oom_kill %" SCNu64 "%n", &v, &n) == 1 && line + n == end) {
                        *ret = v;
                        return 0;
                }
                line = *end ? end + 1 : NULL;
        }
        return -ENODATA;
}

int cgroup_memory_dir_parse(const char *proc_cgroup, char **ret_dir, bool *ret_v1) {
        _cleanup_free_ char *path = NULL;
        bool v1 = true;
        int r;

        r = proc_cgroup_path(proc_cgroup, "memory", &path);
        if (r == -ENODATA) {
                v1 = false;
                r = proc_cgroup_path(proc_cgroup, NULL, &path);
        }
        if (r < 0)
                return r;
        if (asprintf(ret_dir, CGROUP_ROOT "%s%s", v1 ? "/memory" : "", path) < 0)
                return -ENOMEM;
        *ret_v1 = v1;
        return 0;
}

bool unit_oom_killed(const char *service_result) {
        _cleanup_free_ char *text = NULL, *dir = NULL, *path = NULL, *counters = NULL;
        uint64_t kills = 0;
        bool v1;
        int r;

        if (streq_ptr(service_result, "oom-kill"))
                return true;
        r = proc_cgroup_read(&text);
        if (r >= 0)
                r = cgroup_memory_dir_parse(text, &dir, &v1);
        if (r >= 0 && asprintf(&path, "%s/%s", dir, v1 ? "memory.oom_control" : "memory.events") < 0)
                r = -ENOMEM;
        if (r >= 0)
                r = read_full_file_at(AT_FDCWD, path, COUNTER_FILE_MAX, &counters, NULL);
        if (r >= 0)
                r = oom_kill_count_parse(counters, &kills);
        if (r < 0) {
                log_debug_errno(r, "Cannot read the unit's OOM kills, assuming none: %m");
                return false;
        }
        return kills > 0;
}
