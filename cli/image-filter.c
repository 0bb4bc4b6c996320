/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image-filter.h"
#include "log.h"
#include "strv.h"

void image_filter_done(ImageFilter *f) {
        f->references = strv_free(f->references);
        f->labels = strv_free(f->labels);
        free(f->before);
        free(f->since);
        *f = IMAGE_FILTER_INIT;
}

int filter_parse_bool(const char *value, int *ret) {
        if (strcasecmp(value, "true") == 0 || streq(value, "1"))
                *ret = 1;
        else if (strcasecmp(value, "false") == 0 || streq(value, "0"))
                *ret = 0;
        else
                return -EINVAL;
        return 0;
}

static int replace_string(char **s, const char *value) {
        char *copy = strdup(value);

        if (!copy)
                return -ENOMEM;
        free(*s);
        *s = copy;
        return 0;
}

/* Go's path.Match refuses an unterminated class or a trailing backslash; fnmatch() would take them as
 * literal characters. */
static bool pattern_is_valid(const char *p) {
        for (; *p; p++) {
                if (*p == '\\') {
                        if (!*++p)
                                return false;
                } else if (*p == '[') {
                        p++;
                        if (*p == '^' || *p == '!')
                                p++;
                        if (*p == ']')
                                p++;
                        while (*p && *p != ']')
                                if (*p++ == '\\' && !*p++)
                                        return false;
                        if (!*p)
                                return false;
                }
        }
        return true;
}

int image_filter_add(ImageFilter *f, const char *arg) {
        const char *eq = strchr(arg, '='), *value;
        size_t k;
        int r;

        if (!eq || eq == arg)
                return log_error_errno(
                        EINVAL,
                        "invalid argument \"%s\" for \"-f, --filter\" flag: bad format of filter (expected "
                        "name=value)",
                        arg);
        k = (size_t)(eq - arg);
        value = eq + 1;

        if (k == 8 && strncmp(arg, "dangling", k) == 0) {
                if (filter_parse_bool(value, &f->dangling) < 0)
                        return log_error_errno(
                                EINVAL, "Error response from daemon: invalid filter 'dangling=%s'", value);
                return 0;
        }
        if (k == 9 && strncmp(arg, "reference", k) == 0) {
                if (!pattern_is_valid(value))
                        return log_error_errno(
                                EINVAL, "Error response from daemon: syntax error in pattern: %s", value);
                r = strv_extend(&f->references, value);
        } else if (k == 5 && strncmp(arg, "label", k) == 0)
                r = strv_extend(&f->labels, value);
        else if (k == 6 && strncmp(arg, "before", k) == 0)
                r = replace_string(&f->before, value);
        else if (k == 5 && strncmp(arg, "since", k) == 0)
                r = replace_string(&f->since, value);
        else
                return log_error_errno(
                        EINVAL, "Error response from daemon: invalid filter '%.*s'", (int)k, arg);
        return r < 0 ? log_oom() : 0;
}

int reference_pattern_match(const char *pattern, const char *familiar_ref) {
        _cleanup_free_ char *name = NULL;
        const char *slash, *end;

        if (!pattern_is_valid(pattern))
                return -EINVAL;
        if (fnmatch(pattern, familiar_ref, FNM_PATHNAME) == 0)
                return 1;
        /* The name: without the tag (the last ':' after the last '/') or the digest. */
        end = strchr(familiar_ref, '@');
        if (!end) {
                slash = strrchr(familiar_ref, '/');
                end = strrchr(slash ?: familiar_ref, ':');
        }
        if (!end)
                return 0;
        name = strndup(familiar_ref, (size_t)(end - familiar_ref));
        if (!name)
                return -ENOMEM;
        return fnmatch(pattern, name, FNM_PATHNAME) == 0;
}

int image_filter_references(const ImageFilter *f, char **refs, char ***ret) {
        _cleanup_strv_free_ char **kept = NULL;
        int r;

        STRV_FOREACH (ref, refs) {
                bool match = !f->references;

                STRV_FOREACH (p, f->references) {
                        r = reference_pattern_match(*p, *ref);
                        if (r < 0)
                                return r;
                        if (r > 0) {
                                match = true;
                                break;
                        }
                }
                if (match && strv_extend(&kept, *ref) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(kept);
        return 0;
}

bool image_filter_labels_match(const ImageFilter *f, char **labels) {
        STRV_FOREACH (want, f->labels) {
                const char *eq = strchr(*want, '=');
                size_t k = eq ? (size_t)(eq - *want) : strlen(*want);
                bool found = false;

                for (char **p = labels; p && p[0] && p[1] && !found; p += 2)
                        found = strlen(p[0]) == k && strncmp(p[0], *want, k) == 0 &&
                                (!eq || streq(p[1], eq + 1));
                if (!found)
                        return false;
        }
        return true;
}
