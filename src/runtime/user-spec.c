/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "macro.h"
#include "user-spec.h"

void user_creds_done(UserCreds *c) {
        free(c->home);
        c->home = NULL;
}

int user_spec_split(const char *spec, char **ret_user, char **ret_group) {
        _cleanup_free_ char *user = NULL, *group = NULL;
        const char *colon;

        if (isempty(spec))
                return -EINVAL;
        colon = strchr(spec, ':');
        if (colon) {
                if (colon == spec || colon[1] == 0 || strchr(colon + 1, ':'))
                        return -EINVAL;
                user = strndup(spec, colon - spec);
                group = strdup(colon + 1);
                if (!user || !group)
                        return -ENOMEM;
        } else {
                user = strdup(spec);
                if (!user)
                        return -ENOMEM;
        }
        *ret_user = TAKE_PTR(user);
        *ret_group = TAKE_PTR(group);
        return 0;
}

static int parse_id(const char *s, uint32_t *ret) {
        char *end;
        unsigned long n;

        if (isempty(s) || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        n = strtoul(s, &end, 10);
        if (errno != 0 || *end != 0 || n >= 4294967295UL)
                return -EINVAL;
        *ret = (uint32_t)n;
        return 0;
}

/* Splits one colon-separated line in place into at most n fields; returns the number found. */
static size_t split_fields(char *line, char **fields, size_t n) {
        size_t i = 0;

        fields[i++] = line;
        for (char *c = line; *c && i < n; c++)
                if (*c == ':') {
                        *c = 0;
                        fields[i++] = c + 1;
                }
        return i;
}

/* Calls f for each line of a passwd/group file with its fields; stops when f returns non-zero. */
static int
foreach_entry(const char *text, size_t n_fields, int (*f)(char **fields, void *userdata), void *userdata) {
        _cleanup_free_ char *copy = NULL;
        char *line, *save = NULL;

        if (!text)
                return 0;
        copy = strdup(text);
        if (!copy)
                return -ENOMEM;
        for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *fields[8];
                int r;

                if (line[0] == '#' || split_fields(line, fields, n_fields) < n_fields)
                        continue;
                r = f(fields, userdata);
                if (r != 0)
                        return r;
        }
        return 0;
}

typedef struct PasswdMatch {
        const char *name; /* match by name, or … */
        uint32_t uid;     /* … by uid when name is NULL */
        char *matched_name;
        uint32_t matched_uid, matched_gid;
        char *home;
} PasswdMatch;

static int passwd_match(char **f, void *userdata) {
        PasswdMatch *m = userdata;
        uint32_t uid, gid;

        /* name:password:uid:gid:gecos:home:shell */
        if (parse_id(f[2], &uid) < 0 || parse_id(f[3], &gid) < 0)
                return 0;
        if (m->name ? !streq(f[0], m->name) : uid != m->uid)
                return 0;
        m->matched_name = strdup(f[0]);
        m->home = strdup(f[5]);
        if (!m->matched_name || !m->home)
                return -ENOMEM;
        m->matched_uid = uid;
        m->matched_gid = gid;
        return 1;
}

typedef struct GroupMatch {
        const char *name;
        uint32_t gid;
        bool found;
        const char *member; /* collect the groups this user is listed in */
        UserCreds *creds;
} GroupMatch;

static int group_match_name(char **f, void *userdata) {
        GroupMatch *m = userdata;
        uint32_t gid;

        /* name:password:gid:members */
        if (!streq(f[0], m->name) || parse_id(f[2], &gid) < 0)
                return 0;
        m->gid = gid;
        m->found = true;
        return 1;
}

static int group_collect_member(char **f, void *userdata) {
        GroupMatch *m = userdata;
        char *save = NULL;
        uint32_t gid;

        if (parse_id(f[2], &gid) < 0)
                return 0;
        for (char *u = strtok_r(f[3], ",", &save); u; u = strtok_r(NULL, ",", &save))
                if (streq(u, m->member)) {
                        if (m->creds->n_groups >= USER_MAX_GROUPS)
                                return -E2BIG;
                        m->creds->groups[m->creds->n_groups++] = gid;
                        break;
                }
        return 0;
}

_printf_(2, 3) static int set_error(char **ret_error, const char *format, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, format);
                if (vasprintf(ret_error, format, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return -ESRCH;
}

int user_resolve(const char *spec, const char *passwd, const char *group, UserCreds *ret, char **ret_error) {
        _cleanup_free_ char *user_part = NULL, *group_part = NULL;
        PasswdMatch pm = {};
        UserCreds c = {};
        uint32_t id;
        bool numeric;
        int r;

        r = user_spec_split(spec, &user_part, &group_part);
        if (r == -EINVAL)
                return set_error(ret_error, "invalid user specification \"%s\"", spec);
        if (r < 0)
                return r;

        numeric = parse_id(user_part, &id) >= 0;
        if (numeric)
                pm.uid = id;
        else
                pm.name = user_part;
        r = foreach_entry(passwd, 7, passwd_match, &pm);
        if (r < 0)
                goto finish;
        if (r == 0 && !numeric) {
                r = set_error(
                        ret_error, "unable to find user %s: no matching entries in passwd file", user_part);
                goto finish;
        }
        c.uid = numeric ? id : pm.matched_uid;
        c.gid = r > 0 ? pm.matched_gid : 0;
        c.home = TAKE_PTR(pm.home);

        if (group_part) {
                if (parse_id(group_part, &id) >= 0)
                        c.gid = id;
                else {
                        GroupMatch gm = {.name = group_part};
                        r = foreach_entry(group, 4, group_match_name, &gm);
                        if (r < 0)
                                goto finish;
                        if (!gm.found) {
                                r = set_error(
                                        ret_error,
                                        "unable to find group %s: no matching entries in group file",
                                        group_part);
                                goto finish;
                        }
                        c.gid = gm.gid;
                }
        } else if (pm.matched_name) {
                GroupMatch gm = {.member = pm.matched_name, .creds = &c};
                r = foreach_entry(group, 4, group_collect_member, &gm);
                if (r < 0)
                        goto finish;
        }

        *ret = c;
        c.home = NULL;
        r = 0;
finish:
        free(pm.matched_name);
        free(pm.home);
        user_creds_done(&c);
        return r;
}

int user_add_groups(char *const *groups, const char *group, UserCreds *c, char **ret_error) {
        for (char *const *g = groups; g && *g; g++) {
                GroupMatch gm = {.name = *g};
                uint32_t id;
                int r;

                r = foreach_entry(group, 4, group_match_name, &gm);
                if (r < 0)
                        return r;
                if (!gm.found) {
                        if (parse_id(*g, &id) < 0)
                                return set_error(
                                        ret_error,
                                        "Unable to find group %s: no matching entries in group file",
                                        *g);
                        gm.gid = id;
                }
                if (c->n_groups >= USER_MAX_GROUPS)
                        return set_error(ret_error, "more than %u supplementary groups", USER_MAX_GROUPS);
                c->groups[c->n_groups++] = gm.gid;
        }
        return 0;
}
