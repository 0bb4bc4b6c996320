/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus-errors.h"
#include "bus-options.h"
#include "bus-util.h"
#include "log.h"
#include "parse-flags.h"
#include "stream-relay.h"
#include "strv.h"
#include "verbs.h"

static int container_bool(sd_bus *bus, const char *path, const char *name, bool *ret) {
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        int b, r;

        r = sd_bus_get_property_trivial(
                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, name, &error, 'b', &b);
        if (r < 0)
                return r;
        *ret = b;
        return 0;
}

static int take_fd(sd_bus_message *reply) {
        int fd, r;

        r = sd_bus_message_read(reply, "h", &fd);
        if (r < 0)
                return r;
        fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        return fd < 0 ? -errno : fd;
}

int verb_attach(int argc, char *argv[]) {
        enum { ARG_DETACH_KEYS = 0x100, ARG_NO_STDIN, ARG_SIG_PROXY, ARG_HELP };
        static const struct option options[] = {
                {"detach-keys", required_argument, NULL, ARG_DETACH_KEYS},
                {"no-stdin", no_argument, NULL, ARG_NO_STDIN},
                {"sig-proxy", optional_argument, NULL, ARG_SIG_PROXY},
                {"help", no_argument, NULL, ARG_HELP},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int sock = -EBADF;
        const char *keys_arg = DETACH_KEYS_DEFAULT;
        bool no_stdin = false, sig_proxy = true, tty = false, open_stdin = false;
        StreamRelay relay;
        DetachKeys keys;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case ARG_DETACH_KEYS:
                        keys_arg = optarg;
                        break;
                case ARG_NO_STDIN:
                        no_stdin = true;
                        break;
                case ARG_SIG_PROXY:
                        if (!optarg || streq(optarg, "true"))
                                sig_proxy = true;
                        else if (streq(optarg, "false"))
                                sig_proxy = false;
                        else
                                return log_error("invalid argument \"%s\" for \"--sig-proxy\" flag", optarg),
                                       EXIT_FAILURE;
                        break;
                case ARG_HELP:
                        printf("Usage:  berth attach [OPTIONS] CONTAINER\n\n"
                               "Attach local standard input, output, and error streams to a running "
                               "container\n\n"
                               "Options:\n"
                               "      --detach-keys string   Override the key sequence for detaching a "
                               "container (default \"" DETACH_KEYS_DEFAULT "\"; \"\" disables it)\n"
                               "      --no-stdin             Do not attach STDIN\n"
                               "      --sig-proxy            Proxy all received signals to the process "
                               "(default true)\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_FAILURE;
                }
        if (argc - optind != 1)
                return log_error(
                               "\"berth attach\" requires exactly 1 argument.\nSee 'berth attach --help'."),
                       EXIT_FAILURE;
        if (detach_keys_parse(keys_arg, &keys) < 0)
                return log_error("Invalid detach keys (%s) provided", keys_arg), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r >= 0)
                r = container_bool(bus, path, "Tty", &tty);
        if (r >= 0)
                r = container_bool(bus, path, "OpenStdin", &open_stdin);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        if (tty && open_stdin && !no_stdin && !isatty(STDIN_FILENO))
                return log_error("the input device is not a TTY"), EXIT_FAILURE;

        r = sd_bus_call_method(
                bus,
                BERTH_BUS_NAME,
                path,
                BERTH_CONTAINER_IFACE,
                "Attach",
                &error,
                &reply,
                "a{sv}",
                3,
                "Stdin",
                "b",
                !no_stdin,
                "Stdout",
                "b",
                1,
                "Stderr",
                "b",
                1);
        if (r < 0) {
                /* Docker says these without the daemon's prefix: the client checks the state. */
                if (sd_bus_error_has_name(&error, BERTH_ERROR_CONTAINER_NOT_RUNNING))
                        log_error("%s", error.message);
                else
                        bus_log_call_error("", &error, r);
                return EXIT_FAILURE;
        }
        sock = take_fd(reply);
        if (sock < 0)
                return log_error_errno(sock, "Failed to take the attach socket: %m"), EXIT_FAILURE;

        relay = (StreamRelay){
                .sock = sock,
                .tty = tty,
                .send_stdin = !no_stdin && open_stdin,
                .keys = keys,
                .sig_proxy = sig_proxy,
                .bus = bus,
                .path = path,
        };
        if (stream_relay_run(&relay) < 0)
                return EXIT_FAILURE;
        if (relay.detached)
                return EXIT_SUCCESS;
        if (relay.got_exit || relay.exit_code > 0)
                return relay.exit_code;
        return EXIT_SUCCESS;
}

static void exec_help(void) {
        printf("Usage:  berth exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
               "Execute a command in a running container\n\n"
               "Options:\n"
               "  -d, --detach               Detached mode: run command in the background\n"
               "      --detach-keys string   Override the key sequence for detaching a container\n"
               "  -e, --env list             Set environment variables\n"
               "      --env-file list        Read in a file of environment variables\n"
               "  -i, --interactive          Keep STDIN open even if not attached\n"
               "  -t, --tty                  Allocate a pseudo-TTY\n"
               "  -u, --user string          Username or UID (format: \"<name|uid>[:<group|gid>]\")\n"
               "  -w, --workdir string       Working directory inside the container\n");
}

static int append_exec_options(
        sd_bus_message *m, char **env, const char *workdir, const char *user, bool tty, bool interactive) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = bus_append_strv_option(m, "Env", env);
        if (r >= 0 && workdir)
                r = sd_bus_message_append(m, "{sv}", "WorkingDir", "s", workdir);
        if (r >= 0 && user)
                r = sd_bus_message_append(m, "{sv}", "User", "s", user);
        if (r >= 0)
                r = sd_bus_message_append(m, "{sv}", "Tty", "b", tty);
        if (r >= 0)
                r = sd_bus_message_append(m, "{sv}", "Interactive", "b", interactive);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int verb_exec(int argc, char *argv[]) {
        enum { ARG_DETACH_KEYS = 0x100, ARG_ENV_FILE, ARG_HELP };
        static const struct option options[] = {
                {"detach", no_argument, NULL, 'd'},
                {"detach-keys", required_argument, NULL, ARG_DETACH_KEYS},
                {"env", required_argument, NULL, 'e'},
                {"env-file", required_argument, NULL, ARG_ENV_FILE},
                {"interactive", no_argument, NULL, 'i'},
                {"tty", no_argument, NULL, 't'},
                {"user", required_argument, NULL, 'u'},
                {"workdir", required_argument, NULL, 'w'},
                {"help", no_argument, NULL, ARG_HELP},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **env = NULL, **env_args = NULL, **env_files = NULL;
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int sock = -EBADF;
        const char *keys_arg = DETACH_KEYS_DEFAULT, *workdir = NULL, *user = NULL;
        bool detach = false, interactive = false, tty = false;
        StreamRelay relay;
        DetachKeys keys;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+de:itu:w:", options)) >= 0)
                switch (c) {
                case 'd':
                        detach = true;
                        break;
                case ARG_DETACH_KEYS:
                        keys_arg = optarg;
                        break;
                case 'e':
                        if (strv_extend(&env_args, optarg) < 0)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case ARG_ENV_FILE:
                        if (strv_extend(&env_files, optarg) < 0)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case 'i':
                        interactive = true;
                        break;
                case 't':
                        tty = true;
                        break;
                case 'u':
                        user = optarg;
                        break;
                case 'w':
                        workdir = optarg;
                        break;
                case ARG_HELP:
                        exec_help();
                        return EXIT_SUCCESS;
                default:
                        return EXIT_FAILURE;
                }
        if (argc - optind < 2)
                return log_error(
                               "\"berth exec\" requires at least 2 arguments.\nSee 'berth exec --help'.\n\n"
                               "Usage:  berth exec [OPTIONS] CONTAINER COMMAND [ARG...]"),
                       EXIT_FAILURE;
        if (detach_keys_parse(keys_arg, &keys) < 0)
                return log_error("Invalid detach keys (%s) provided", keys_arg), EXIT_FAILURE;
        /* Docker reads the env files first; -e wins over them. */
        STRV_FOREACH (f, env_files)
                if (env_parse_file_path(*f, &env) < 0)
                        return EXIT_FAILURE;
        STRV_FOREACH (e, env_args) {
                r = env_add_argument(&env, *e);
                if (r == -EINVAL)
                        return log_error("invalid argument \"%s\" for \"-e, --env\" flag", *e), EXIT_FAILURE;
                if (r < 0)
                        return log_oom(), EXIT_FAILURE;
        }
        if (detach)
                interactive = false;
        if (tty && interactive && !isatty(STDIN_FILENO))
                return log_error("the input device is not a TTY"), EXIT_FAILURE;

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;

        r = sd_bus_message_new_method_call(bus, &m, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Exec");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv + optind + 1);
        if (r >= 0)
                r = append_exec_options(m, env, workdir, user, tty, interactive);
        if (r < 0)
                return log_error_errno(r, "Failed to build the exec call: %m"), EXIT_FAILURE;
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        sock = take_fd(reply);
        if (sock < 0)
                return log_error_errno(sock, "Failed to take the exec socket: %m"), EXIT_FAILURE;

        relay = (StreamRelay){
                .sock = sock,
                .tty = tty && !detach,
                .send_stdin = interactive,
                .keys = keys,
                .until_started = detach,
        };
        if (stream_relay_run(&relay) < 0)
                return EXIT_BERTH_ERROR;
        if (relay.detached || (detach && relay.started))
                return EXIT_SUCCESS;
        if (relay.got_exit || relay.exit_code > 0)
                return relay.exit_code;
        log_error("Error: the exec session ended without an exit code");
        return EXIT_BERTH_ERROR;
}
