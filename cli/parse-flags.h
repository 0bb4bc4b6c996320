/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device-flags.h"
#include "health-flags.h"
#include "macro.h"
#include "mount-flags.h"
#include "port-flags.h"
#include "resource-flags.h"
#include "security-flags.h"

/* Exit status for errors of berth itself or of the daemon, as Docker's 125. */
#define EXIT_BERTH_ERROR 125

/* getopt_long over a verb's argv (argv[0] = the verb); prints Docker's hint on a bad flag. */
int next_option(int argc, char *argv[], const char *shortopts, const struct option *longopts);

/* Docker's signal syntax: "KILL", "SIGKILL", "kill", "9". 0 and unknown names are -EINVAL. */
int parse_signal(const char *s, int *ret);
/* "KILL" for SIGKILL; NULL when unknown. */
const char *signal_to_string(int sig);

/* Seconds as an integer ("10"), or a Go duration ("1.5s", "2m", "100ms", "1h30m"). */
int parse_duration_usec(const char *s, uint64_t *ret);

/* Stop(timeout_usec) of a running unit with no timeout at all: it waits for the container forever. */
#define STOP_TIMEOUT_INFINITY (UINT64_MAX - 1)
/* stop/restart -t: as parse_duration_usec(), and a negative number of seconds means no timeout
 * (Docker's rule since API 1.42): STOP_TIMEOUT_INFINITY. */
int parse_stop_timeout(const char *s, uint64_t *ret);

/* One -e argument: "KEY=VAL" is taken as is; "KEY" takes the value from this process's environment and
 * is dropped when unset. Later assignments of the same KEY replace earlier ones. */
int env_add_argument(char ***env, const char *arg);
/* Docker's --env-file format: KEY=VAL lines, "#" comments, blank lines, "KEY" alone as for -e.
 * ret_line gets the offending line number on -EINVAL. */
int env_parse_file(FILE *f, char ***env, unsigned *ret_line);
int env_parse_file_path(const char *path, char ***env);

typedef struct RunOptions {
        char *name;
        char **env;
        char *workdir;
        char *entrypoint; /* NULL: the image's; "": none */
        char *hostname;
        char *user;
        bool auto_remove;
        char *restart; /* --restart as given; the daemon checks it */
        bool detach;
        bool interactive;
        bool tty;
        char *detach_keys;                 /* --detach-keys as given; NULL: the default */
        bool attach_stdout, attach_stderr; /* -a (both when -a is not given) */
        HealthFlags health;
        SecurityFlags security;
        DeviceFlags devices;
        ResourceFlags resources;
        MountFlags mounts;
        PortFlags ports;
        char *image;
        char **command;
} RunOptions;

void run_options_done(RunOptions *o);
/* Flags of run/create, argv[0] being the verb. Flags end at the image: what follows is the command.
 * Returns 0, 1 when --help was printed, or a negative errno after printing the error. */
int parse_run_options(int argc, char *argv[], RunOptions *ret);
