/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "security-flags.h"
#include "strv.h"

/* berthd's limit for a seccomp profile (seccomp-profile.h). */
#define SECCOMP_PROFILE_FILE_MAX (1024U * 1024U)

void security_flags_done(SecurityFlags *f) {
        strv_free(f->cap_add);
        strv_free(f->cap_drop);
        strv_free(f->security_opt);
        strv_free(f->tmpfs);
        free(f->userns);
        *f = (SecurityFlags){};
}

/* "seccomp=FILE" becomes "seccomp=<FILE's JSON without white space>", as Docker's CLI sends it. */
static int seccomp_option(const char *path, char **ret) {
        _cleanup_free_ char *text = NULL, *compact = NULL;
        _cleanup_json_ cJSON *o = NULL;
        size_t size;
        int r;

        r = read_full_file_at(AT_FDCWD, path, SECCOMP_PROFILE_FILE_MAX, &text, &size);
        if (r < 0)
                return log_error_errno(r, "opening seccomp profile (%s) failed: %m", path);
        o = cJSON_ParseWithLength(text, size);
        if (!o)
                return log_error_errno(
                        EINVAL, "compacting json for seccomp profile (%s) failed: not valid JSON", path);
        compact = cJSON_PrintUnformatted(o);
        if (!compact || asprintf(ret, "seccomp=%s", compact) < 0)
                return log_oom();
        return 0;
}

static int add_security_opt(SecurityFlags *f, const char *opt) {
        _cleanup_free_ char *key = NULL, *with_profile = NULL;
        const char *value;
        size_t n;
        int r;

        /* Docker's CLI: "key=value" or the older "key:value"; only no-new-privileges stands alone. */
        n = strcspn(opt, "=");
        if (opt[n] == 0 && !streq(opt, "no-new-privileges"))
                n = strcspn(opt, ":");
        if ((opt[n] == 0 || opt[n + 1] == 0) && !streq(opt, "no-new-privileges"))
                return log_error_errno(EINVAL, "Invalid --security-opt: \"%s\"", opt);
        key = strndup(opt, n);
        if (!key)
                return log_oom();
        value = opt[n] ? opt + n + 1 : "";

        if (streq(key, "seccomp") && !streq(value, "unconfined") && !streq(value, "builtin")) {
                r = seccomp_option(value, &with_profile);
                if (r < 0)
                        return r;
                return strv_consume(&f->security_opt, TAKE_PTR(with_profile)) < 0 ? log_oom() : 0;
        }
        return strv_extend(&f->security_opt, opt) < 0 ? log_oom() : 0;
}

int security_flags_parse(SecurityFlags *f, int flag, const char *arg) {
        switch (flag) {
        case SECURITY_FLAG_CAP_ADD:
                return strv_extend(&f->cap_add, arg) < 0 ? log_oom() : 0;
        case SECURITY_FLAG_CAP_DROP:
                return strv_extend(&f->cap_drop, arg) < 0 ? log_oom() : 0;
        case SECURITY_FLAG_PRIVILEGED:
                f->privileged = true;
                return 0;
        case SECURITY_FLAG_SECURITY_OPT:
                return add_security_opt(f, arg);
        case SECURITY_FLAG_READ_ONLY:
                f->read_only = true;
                return 0;
        case SECURITY_FLAG_TMPFS:
                return strv_extend(&f->tmpfs, arg) < 0 ? log_oom() : 0;
        case SECURITY_FLAG_USERNS:
                free(f->userns);
                f->userns = strdup(arg);
                return f->userns ? 0 : log_oom();
        default:
                return -EINVAL;
        }
}
