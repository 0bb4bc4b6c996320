/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* -v and --mount arguments (CreateContainer's Binds and Mounts) and the Mounts list of state.json: each
 * input line is one argument, "-v " or "--mount " in front saying which; a line "{json}" is a state.json
 * Mounts array. Whatever parses must survive the trip through state.json unchanged. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-util.h"
#include "strv.h"
#include "volume-mount-spec.h"

#define MAX_LINES 64

/* A clean absolute path: no "." or ".." component, no "//", no trailing "/". */
static bool path_clean(const char *p) {
        size_t n = strlen(p);

        if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") || strstr(p, "/../") ||
            (n > 1 && p[n - 1] == '/'))
                return false;
        return !(n >= 2 && strcmp(p + n - 2, "/.") == 0) && !(n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

static void roundtrip(const MountSpec *m, size_t n) {
        _cleanup_json_ cJSON *a = NULL, *b = NULL;
        MountSpec *back = NULL;
        size_t n_back = 0;
        char *s1, *s2;

        if (mount_specs_to_json(m, n, &a) < 0)
                return;
        if (mount_specs_from_json(a, &back, &n_back) < 0)
                abort();
        if (n_back != n || mount_specs_to_json(back, n_back, &b) < 0)
                abort();
        s1 = cJSON_PrintUnformatted(a);
        s2 = cJSON_PrintUnformatted(b);
        if (s1 && s2 && strcmp(s1, s2) != 0)
                abort();
        free(s1);
        free(s2);
        mount_specs_free(back, n_back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_strv_free_ char **binds = NULL, **mounts = NULL;
        _cleanup_free_ char *text = strndup((const char *)data, size);
        MountSpec *m = NULL;
        size_t n = 0, lines = 0;
        char *error = NULL, *save = NULL;

        if (!text)
                return 0;
        for (char *line = strtok_r(text, "\n", &save); line && lines < MAX_LINES;
             line = strtok_r(NULL, "\n", &save), lines++) {
                if (line[0] == '{' || line[0] == '[') {
                        _cleanup_json_ cJSON *j = cJSON_Parse(line);
                        MountSpec *parsed = NULL;
                        size_t n_parsed = 0;

                        if (j && mount_specs_from_json(j, &parsed, &n_parsed) >= 0) {
                                roundtrip(parsed, n_parsed);
                                mount_specs_free(parsed, n_parsed);
                        }
                } else if (strncmp(line, "-v ", 3) == 0)
                        (void)strv_extend(&binds, line + 3);
                else if (strncmp(line, "--mount ", 8) == 0)
                        (void)strv_extend(&mounts, line + 8);
        }

        if (mount_specs_parse(binds, mounts, &m, &n, &error) >= 0) {
                for (size_t i = 0; i < n; i++)
                        if (!m[i].destination || !path_clean(m[i].destination) ||
                            (m[i].type == MOUNT_TYPE_BIND && (!m[i].source || !path_clean(m[i].source))))
                                abort();
                roundtrip(m, n);
                mount_specs_free(m, n);
        }
        free(error);
        return 0;
}
