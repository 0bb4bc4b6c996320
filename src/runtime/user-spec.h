/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Docker's user spec ("name", "uid", "name:group", "uid:gid") resolved against the container's own
 * /etc/passwd and /etc/group text, with Docker's rules and error words. */

#define USER_MAX_GROUPS 64U

typedef struct UserCreds {
        uid_t uid;
        gid_t gid;
        gid_t groups[USER_MAX_GROUPS]; /* supplementary groups */
        size_t n_groups;
        char *home; /* from passwd, NULL when the user has no entry */
} UserCreds;

void user_creds_done(UserCreds *c);

/* Splits "user[:group]"; ret_group is NULL when no group is given. -EINVAL for an empty part. */
int user_spec_split(const char *spec, char **ret_user, char **ret_group);

/* passwd/group may be NULL (no such file). On failure ret_error gets Docker's message. */
int user_resolve(const char *spec, const char *passwd, const char *group, UserCreds *ret, char **ret_error);

/* Docker's --group-add: each of groups (a name from the group text or a numeric id) is appended to
 * c->groups. On failure ret_error gets Docker's message ("Unable to find group NAME: …"). */
int user_add_groups(char *const *groups, const char *group, UserCreds *c, char **ret_error);
