/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The confinement flags of run/create: --cap-add, --cap-drop, --privileged, --security-opt, --read-only,
 * --tmpfs and --userns. As Docker's CLI, it reads the file of --security-opt seccomp=FILE and sends its
 * JSON. */

#include <getopt.h>
#include <stdbool.h>

enum {
        SECURITY_FLAG_CAP_ADD = 0x300,
        SECURITY_FLAG_CAP_DROP,
        SECURITY_FLAG_PRIVILEGED,
        SECURITY_FLAG_SECURITY_OPT,
        SECURITY_FLAG_READ_ONLY,
        SECURITY_FLAG_TMPFS,
        SECURITY_FLAG_USERNS,
        _SECURITY_FLAG_LAST = SECURITY_FLAG_USERNS,
};

/* Entries for a getopt_long table. */
#define SECURITY_FLAG_OPTIONS                                                                               \
        {"cap-add", required_argument, NULL, SECURITY_FLAG_CAP_ADD},                                        \
                {"cap-drop", required_argument, NULL, SECURITY_FLAG_CAP_DROP},                              \
                {"privileged", no_argument, NULL, SECURITY_FLAG_PRIVILEGED},                                \
                {"security-opt", required_argument, NULL, SECURITY_FLAG_SECURITY_OPT},                      \
                {"read-only", no_argument, NULL, SECURITY_FLAG_READ_ONLY},                                  \
                {"tmpfs", required_argument, NULL, SECURITY_FLAG_TMPFS}, {                                  \
                "userns", required_argument, NULL, SECURITY_FLAG_USERNS                                     \
        }

#define SECURITY_FLAG_HELP                                                                                  \
        "      --cap-add list         Add Linux capabilities\n"                                             \
        "      --cap-drop list        Drop Linux capabilities\n"                                            \
        "      --privileged           Give extended privileges to this container\n"                         \
        "      --read-only            Mount the container's root filesystem as read only\n"                 \
        "      --security-opt list    Security Options (no-new-privileges, seccomp=unconfined, "            \
        "seccomp=PROFILE.json)\n"                                                                           \
        "      --tmpfs list           Mount a tmpfs directory (PATH[:OPTIONS])\n"                           \
        "      --userns string        User namespace to use (host, auto, auto:size=N)\n"

typedef struct SecurityFlags {
        char **cap_add, **cap_drop;
        bool privileged;
        char **security_opt; /* seccomp=FILE already replaced by seccomp=<its JSON> */
        bool read_only;
        char **tmpfs;
        char *userns; /* --userns as given; the daemon checks it */
} SecurityFlags;

void security_flags_done(SecurityFlags *f);
/* One flag (flag is one of SECURITY_FLAG_*). Prints Docker's error and returns -EINVAL for a bad value. */
int security_flags_parse(SecurityFlags *f, int flag, const char *arg);
