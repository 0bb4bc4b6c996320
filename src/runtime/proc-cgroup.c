/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "macro.h"
#include "proc-cgroup.h"

#define PROC_CGROUP_MAX (64U * 1024U)
#define CONTROL_SUBGROUP "/.control"

/* Whether the comma-separated list [list, list + n) has name. */
static bool list_has(const char *list, size_t n, const char *name) {
        size_t len = strlen(name);

        for (const char *p = list; p < list + n;) {
                const char *comma = memchr(p, ',', (size_t)(list + n - p));
                size_t l = comma ? (size_t)(comma - p) : (size_t)(list + n - p);

                if (l == len && strncmp(p, name, len) == 0)
                        return true;
                p += l + 1;
        }
        return false;
}

int proc_cgroup_path(const char *text, const char *controller, char **ret) {
        /* "<id>:<controllers>:<path>" lines; the unified hierarchy's is "0::<path>". */
        for (const char *line = text; line && *line;) {
                const char *end = strchrnul(line, '\n'), *c1, *c2;

                c1 = memchr(line, ':', (size_t)(end - line));
                c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
                if (c2 && c2[1] == '/' &&
                    (controller ? list_has(c1 + 1, (size_t)(c2 - c1 - 1), controller)
                                : c2 == c1 + 1 && c1 - line == 1 && line[0] == '0')) {
                        const char *path = c2 + 1;
                        size_t n = (size_t)(end - path);

                        if (n > STRLEN(CONTROL_SUBGROUP) && strncmp(end - STRLEN(CONTROL_SUBGROUP),
                                                                    CONTROL_SUBGROUP,
                                                                    STRLEN(CONTROL_SUBGROUP)) == 0)
                                n -= STRLEN(CONTROL_SUBGROUP);
                        *ret = strndup(path, n);
                        return *ret ? 0 : -ENOMEM;
                }
                line = *end ? end + 1 : NULL;
        }
        return -ENODATA;
}

int proc_self_cgroup_path(const char *controller, char **ret) {
        _cleanup_free_ char *text = NULL;
        int r;

        r = proc_cgroup_read(&text);
        if (r < 0)
                return r;
        return proc_cgroup_path(text, controller, ret);
}

int proc_cgroup_read(char **ret) {
        return read_full_file_at(AT_FDCWD, "/proc/self/cgroup", PROC_CGROUP_MAX, ret, NULL);
}
