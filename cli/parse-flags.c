/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "parse-flags.h"
#include "strv.h"

/* An env file larger than this is a mistake, not configuration. */
#define ENV_FILE_MAX_LINE (64U * 1024U)
#define ENV_FILE_MAX_LINES 65536U

static const char *const signal_names[] = {
        [SIGHUP] = "HUP",   [SIGINT] = "INT",       [SIGQUIT] = "QUIT", [SIGILL] = "ILL",
        [SIGTRAP] = "TRAP", [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",   [SIGFPE] = "FPE",
        [SIGKILL] = "KILL", [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV", [SIGUSR2] = "USR2",
        [SIGPIPE] = "PIPE", [SIGALRM] = "ALRM",     [SIGTERM] = "TERM", [SIGSTKFLT] = "STKFLT",
        [SIGCHLD] = "CHLD", [SIGCONT] = "CONT",     [SIGSTOP] = "STOP", [SIGTSTP] = "TSTP",
        [SIGTTIN] = "TTIN", [SIGTTOU] = "TTOU",     [SIGURG] = "URG",   [SIGXCPU] = "XCPU",
        [SIGXFSZ] = "XFSZ", [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF", [SIGWINCH] = "WINCH",
        [SIGIO] = "IO",     [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
};

const char *signal_to_string(int sig) {
        if (sig <= 0 || (size_t)sig >= ELEMENTSOF(signal_names))
                return NULL;
        return signal_names[sig];
}

static int parse_int_bounded(const char *s, long min, long max, int *ret) {
        char *end;
        long v;

        if (isempty(s) || !isdigit((unsigned char)s[0]))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (errno != 0 || *end != 0 || v < min || v > max)
                return -EINVAL;
        *ret = (int)v;
        return 0;
}

int parse_signal(const char *s, int *ret) {
        char name[32];
        const char *n;
        int v;

        if (isempty(s) || strlen(s) >= sizeof(name))
                return -EINVAL;
        if (isdigit((unsigned char)s[0]))
                return parse_int_bounded(s, 1, SIGRTMAX, ret);

        for (size_t i = 0; s[i]; i++)
                name[i] = (char)toupper((unsigned char)s[i]), name[i + 1] = 0;
        n = strncmp(name, "SIG", 3) == 0 ? name + 3 : name;

        for (size_t i = 1; i < ELEMENTSOF(signal_names); i++)
                if (signal_names[i] && streq(n, signal_names[i])) {
                        *ret = (int)i;
                        return 0;
                }
        /* Aliases Go's table knows too. */
        if (streq(n, "IOT")) {
                *ret = SIGABRT;
                return 0;
        }
        if (streq(n, "POLL")) {
                *ret = SIGIO;
                return 0;
        }
        if (streq(n, "RTMIN") || streq(n, "RTMAX")) {
                *ret = streq(n, "RTMIN") ? SIGRTMIN : SIGRTMAX;
                return 0;
        }
        if (strncmp(n, "RTMIN+", 6) == 0 && parse_int_bounded(n + 6, 1, SIGRTMAX - SIGRTMIN, &v) >= 0) {
                *ret = SIGRTMIN + v;
                return 0;
        }
        if (strncmp(n, "RTMAX-", 6) == 0 && parse_int_bounded(n + 6, 1, SIGRTMAX - SIGRTMIN, &v) >= 0) {
                *ret = SIGRTMAX - v;
                return 0;
        }
        return -EINVAL;
}

static int duration_unit(const char **p, uint64_t *ret_ns) {
        static const struct {
                const char *suffix;
                uint64_t ns;
        } units[] = {
                /* Longer suffixes first: "ms" must not match as "m". */
                {"ns", 1ULL},
                {"us", 1000ULL},
                {"\xc2\xb5s", 1000ULL},
                {"ms", 1000000ULL},
                {"s", 1000000000ULL},
                {"m", 60000000000ULL},
                {"h", 3600000000000ULL},
        };
        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                size_t k = strlen(units[i].suffix);
                if (strncmp(*p, units[i].suffix, k) == 0) {
                        *p += k;
                        *ret_ns = units[i].ns;
                        return 0;
                }
        }
        return -EINVAL;
}

int parse_duration_usec(const char *s, uint64_t *ret) {
        const char *p = s;
        double total_ns = 0;

        if (isempty(s))
                return -EINVAL;

        /* A plain integer is seconds, as docker stop -t takes it. */
        if (strspn(s, "0123456789") == strlen(s)) {
                int v;
                if (parse_int_bounded(s, 0, INT_MAX, &v) < 0)
                        return -ERANGE;
                *ret = (uint64_t)v * 1000000ULL;
                return 0;
        }

        while (*p) {
                double value = 0, scale = 1;
                uint64_t unit;
                bool digits = false;

                for (; isdigit((unsigned char)*p); p++, digits = true)
                        value = value * 10 + (*p - '0');
                if (*p == '.')
                        for (p++; isdigit((unsigned char)*p); p++, digits = true)
                                value += (*p - '0') * (scale /= 10);
                if (!digits || duration_unit(&p, &unit) < 0)
                        return -EINVAL;
                total_ns += value * (double)unit;
                if (total_ns > 9.2e18)
                        return -ERANGE;
        }
        *ret = (uint64_t)(total_ns / 1000.0);
        return 0;
}

int env_add_argument(char ***env, const char *arg) {
        if (isempty(arg) || arg[0] == '=')
                return -EINVAL;
        if (!strchr(arg, '=')) {
                const char *v = getenv(arg);
                _cleanup_free_ char *a = NULL;

                if (!v)
                        return 0;
                if (asprintf(&a, "%s=%s", arg, v) < 0)
                        return -ENOMEM;
                return strv_env_set(env, a);
        }
        return strv_env_set(env, arg);
}

/* Reads one line, newline included, into buf (ENV_FILE_MAX_LINE + 1 bytes). Returns its length, 0 at the
 * end of the file, -E2BIG for a longer line (without reading further: /dev/zero is no env file) and
 * -EINVAL for an embedded NUL. */
static ssize_t read_env_line(FILE *f, char *buf) {
        bool nul = false;
        size_t n = 0;
        int ch;

        while ((ch = getc(f)) != EOF) {
                if (n >= ENV_FILE_MAX_LINE)
                        return -E2BIG;
                nul = nul || ch == 0;
                buf[n++] = (char)ch;
                if (ch == '\n')
                        break;
        }
        if (ferror(f))
                return -EIO;
        buf[n] = 0;
        return nul ? -EINVAL : (ssize_t)n;
}

int env_parse_file(FILE *f, char ***env, unsigned *ret_line) {
        _cleanup_free_ char *line = malloc(ENV_FILE_MAX_LINE + 1);
        unsigned n = 0;
        ssize_t k;

        if (!line)
                return -ENOMEM;
        for (;;) {
                char *s = line, *eq;
                int r;

                k = read_env_line(f, line);
                if (k == 0)
                        break;
                n++;
                if (k == -EIO)
                        return -EIO;
                if (k < 0 || n > ENV_FILE_MAX_LINES)
                        goto invalid;
                /* A UTF-8 byte order mark on the first line is not part of the name. */
                if (n == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
                        s += 3;
                s[strcspn(s, "\r\n")] = 0;
                s += strspn(s, " \t\v\f");
                if (*s == 0 || *s == '#')
                        continue;

                eq = strchr(s, '=');
                /* Docker refuses names with white space and lines with no name. */
                if (eq == s || strcspn(s, " \t\v\f") < (size_t)(eq ? eq - s : (ptrdiff_t)strlen(s)))
                        goto invalid;
                r = env_add_argument(env, s);
                if (r < 0)
                        return r;
        }
        return 0;

invalid:
        if (ret_line)
                *ret_line = n;
        return -EINVAL;
}

int env_parse_file_path(const char *path, char ***env) {
        _cleanup_fclose_ FILE *f = NULL;
        unsigned line = 0;
        int r;

        f = fopen(path, "re");
        if (!f)
                return log_error_errno(errno, "open %s: %m", path);
        r = env_parse_file(f, env, &line);
        if (r == -EINVAL)
                return log_error_errno(r, "%s:%u: invalid environment variable line", path, line);
        if (r < 0)
                return log_error_errno(r, "read %s: %m", path);
        return 0;
}

void run_options_done(RunOptions *o) {
        free(o->name);
        strv_free(o->env);
        free(o->workdir);
        free(o->entrypoint);
        free(o->hostname);
        free(o->user);
        free(o->restart);
        free(o->detach_keys);
        health_flags_done(&o->health);
        security_flags_done(&o->security);
        port_flags_done(&o->ports);
        device_flags_done(&o->devices);
        resource_flags_done(&o->resources);
        mount_flags_done(&o->mounts);
        free(o->image);
        strv_free(o->command);
        *o = (RunOptions){};
}

int next_option(int argc, char *argv[], const char *shortopts, const struct option *longopts) {
        int c = getopt_long(argc, argv, shortopts, longopts, NULL);
        if (c == '?')
                log_error("See 'berth %s --help'.", argv[0]);
        return c;
}

static int replace_string(char **p, const char *v) {
        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*p);
        *p = c;
        return 0;
}

static void run_help(const char *verb) {
        printf("Usage:  berth %s [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
               "%s\n\n"
               "Options:\n"
               "  -a, --attach list          Attach to STDIN, STDOUT or STDERR\n"
               "  -d, --detach               Run container in background and print container ID\n"
               "      --detach-keys string   Override the key sequence for detaching a container\n"
               "      --entrypoint string    Overwrite the default ENTRYPOINT of the image\n"
               "  -e, --env list             Set environment variables\n"
               "      --env-file list        Read in a file of environment variables\n" HEALTH_FLAG_HELP
               "  -h, --hostname string      Container host name\n"
               "  -i, --interactive          Keep STDIN open\n"
               "      --name string          Assign a name to the container\n"
               "      --restart string       Restart policy to apply when a container exits (default "
               "\"no\")\n"
               "      --rm                   Automatically remove the container when it exits\n"
               "  -t, --tty                  Allocate a pseudo-TTY\n"
               "  -u, --user string          Username or UID (format: <name|uid>[:<group|gid>])\n"
               "  -w, --workdir string       Working directory inside the container\n" SECURITY_FLAG_HELP
                       RESOURCE_FLAG_HELP MOUNT_FLAG_HELP DEVICE_FLAG_HELP PORT_FLAG_HELP,
               verb,
               streq(verb, "create") ? "Create a new container"
                                     : "Create and run a new container from an image");
}

int parse_run_options(int argc, char *argv[], RunOptions *ret) {
        enum {
                ARG_RM = 0x100,
                ARG_NAME,
                ARG_ENV_FILE,
                ARG_ENTRYPOINT,
                ARG_HELP,
                ARG_RESTART,
                ARG_DETACH_KEYS,
        };
        static const struct option options[] = {
                {"attach", required_argument, NULL, 'a'},
                {"detach", no_argument, NULL, 'd'},
                {"detach-keys", required_argument, NULL, ARG_DETACH_KEYS},
                {"entrypoint", required_argument, NULL, ARG_ENTRYPOINT},
                {"env", required_argument, NULL, 'e'},
                {"env-file", required_argument, NULL, ARG_ENV_FILE},
                {"hostname", required_argument, NULL, 'h'},
                {"interactive", no_argument, NULL, 'i'},
                {"name", required_argument, NULL, ARG_NAME},
                {"restart", required_argument, NULL, ARG_RESTART},
                {"rm", no_argument, NULL, ARG_RM},
                {"tty", no_argument, NULL, 't'},
                {"user", required_argument, NULL, 'u'},
                {"workdir", required_argument, NULL, 'w'},
                {"help", no_argument, NULL, ARG_HELP},
                HEALTH_FLAG_OPTIONS,
                SECURITY_FLAG_OPTIONS,
                RESOURCE_FLAG_OPTIONS,
                MOUNT_FLAG_OPTIONS,
                DEVICE_FLAG_OPTIONS,
                PORT_FLAG_OPTIONS,
                {},
        };
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_strv_free_ char **env_args = NULL, **env_files = NULL;
        bool create = streq(argv[0], "create"), attach = false;
        int c, r;

        optind = 0; /* full reset: parsers may run more than once in a process (tests) */
        while ((c = next_option(argc, argv, "+a:c:de:h:im:p:Ptu:v:w:", options)) >= 0) {
                r = 0;
                switch (c) {
                case 'a':
                        if (strcasecmp(optarg, "stdin") == 0)
                                o.interactive = true;
                        else if (strcasecmp(optarg, "stdout") == 0)
                                o.attach_stdout = true;
                        else if (strcasecmp(optarg, "stderr") == 0)
                                o.attach_stderr = true;
                        else
                                return log_error_errno(
                                        EINVAL,
                                        "invalid argument \"%s\" for \"-a, --attach\" flag: valid streams "
                                        "are "
                                        "STDIN, STDOUT, STDERR",
                                        optarg);
                        attach = true;
                        break;
                case 'd':
                        if (create)
                                return log_error_errno(EINVAL, "unknown shorthand flag: 'd' in -d");
                        o.detach = true;
                        break;
                case 'e':
                        r = strv_extend(&env_args, optarg);
                        if (r < 0)
                                return log_oom();
                        break;
                case ARG_ENV_FILE:
                        r = strv_extend(&env_files, optarg);
                        if (r < 0)
                                return log_oom();
                        break;
                case ARG_ENTRYPOINT:
                        r = replace_string(&o.entrypoint, optarg);
                        break;
                case 'h':
                        r = replace_string(&o.hostname, optarg);
                        break;
                case 'i':
                        o.interactive = true;
                        break;
                case 't':
                        o.tty = true;
                        break;
                case ARG_DETACH_KEYS:
                        r = replace_string(&o.detach_keys, optarg);
                        break;
                case ARG_NAME:
                        r = replace_string(&o.name, optarg);
                        break;
                case ARG_RM:
                        o.auto_remove = true;
                        break;
                case ARG_RESTART:
                        r = replace_string(&o.restart, optarg);
                        break;
                case 'u':
                        r = replace_string(&o.user, optarg);
                        break;
                case 'w':
                        r = replace_string(&o.workdir, optarg);
                        break;
                case ARG_HELP:
                        run_help(argv[0]);
                        return 1;
                case HEALTH_FLAG_CMD ... _HEALTH_FLAG_LAST:
                        r = health_flags_parse(&o.health, c, optarg);
                        if (r < 0)
                                return r;
                        break;
                case SECURITY_FLAG_CAP_ADD ... _SECURITY_FLAG_LAST:
                        r = security_flags_parse(&o.security, c, optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'p':
                case 'P':
                case PORT_FLAG_PUBLISH ... _PORT_FLAG_LAST:
                        r = port_flags_parse(
                                &o.ports,
                                c == 'p'   ? PORT_FLAG_PUBLISH
                                : c == 'P' ? PORT_FLAG_PUBLISH_ALL
                                           : c,
                                optarg);
                        if (r < 0)
                                return r;
                        break;
                case DEVICE_FLAG_DEVICE ... _DEVICE_FLAG_LAST:
                        r = device_flags_parse(&o.devices, c, optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'v':
                case MOUNT_FLAG_VOLUME ... _MOUNT_FLAG_LAST:
                        r = mount_flags_parse(&o.mounts, c == 'v' ? MOUNT_FLAG_VOLUME : c, optarg);
                        if (r < 0)
                                return r;
                        break;
                case 'm':
                case 'c':
                case RESOURCE_FLAG_MEMORY ... _RESOURCE_FLAG_LAST:
                        r = resource_flags_parse(
                                &o.resources,
                                c == 'm'   ? RESOURCE_FLAG_MEMORY
                                : c == 'c' ? RESOURCE_FLAG_CPU_SHARES
                                           : c,
                                optarg);
                        if (r < 0)
                                return r;
                        break;
                default:
                        return -EINVAL;
                }
                if (r < 0)
                        return log_oom();
        }
        r = health_flags_check(&o.health);
        if (r < 0)
                return r;

        if (o.detach && attach)
                return log_error_errno(EINVAL, "Conflicting options: -a and -d");
        if (!attach)
                o.attach_stdout = o.attach_stderr = true;
        if (o.auto_remove && o.restart && !streq(o.restart, "no"))
                return log_error_errno(EINVAL, "Conflicting options: --restart and --rm");
        if (optind >= argc)
                return log_error_errno(
                        EINVAL,
                        "\"berth %s\" requires at least 1 argument.\nSee 'berth %s --help'.",
                        argv[0],
                        argv[0]);

        /* Docker reads the env files first; -e wins over them. */
        STRV_FOREACH (f, env_files) {
                r = env_parse_file_path(*f, &o.env);
                if (r < 0)
                        return r;
        }
        STRV_FOREACH (e, env_args) {
                r = env_add_argument(&o.env, *e);
                if (r == -EINVAL)
                        return log_error_errno(r, "invalid argument \"%s\" for \"-e, --env\" flag", *e);
                if (r < 0)
                        return log_oom();
        }

        o.image = strdup(argv[optind]);
        if (!o.image)
                return log_oom();
        for (int i = optind + 1; i < argc; i++)
                if (strv_extend(&o.command, argv[i]) < 0)
                        return log_oom();

        *ret = o;
        o = (RunOptions){};
        return 0;
}

int parse_stop_timeout(const char *s, uint64_t *ret) {
        char *end;
        long long v;

        if (s && s[0] == '-') {
                errno = 0;
                v = strtoll(s, &end, 10);
                if (errno != 0 || *end || v >= 0)
                        return -EINVAL;
                *ret = STOP_TIMEOUT_INFINITY;
                return 0;
        }
        return parse_duration_usec(s, ret);
}
