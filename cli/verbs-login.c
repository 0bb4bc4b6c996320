/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth login / logout: berthd checks the credentials against the registry (Manager.Login); the CLI
 * keeps them in the user's config.json (registry-credentials.h), as Docker's CLI does. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "bus-util.h"
#include "fileio.h"
#include "log.h"
#include "parse-flags.h"
#include "registry-credentials.h"
#include "verbs.h"

/* A password read from stdin; far more than any registry takes. */
#define PASSWORD_SIZE_MAX (64U * 1024U)
/* Checking credentials is one or two short requests, but a registry may be slow to answer. */
#define LOGIN_TIMEOUT_USEC (UINT64_C(300) * UINT64_C(1000000))

static void strip_newline(char *s) {
        size_t n = strlen(s);

        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
                s[--n] = 0;
}

/* One line from stdin after prompt; with echo off for a password. NULL at EOF. */
static int prompt_line(const char *prompt, bool secret, char **ret) {
        struct termios saved, quiet;
        _cleanup_erase_ char *line = NULL;
        size_t allocated = 0;
        bool restore = false;
        ssize_t n;

        fputs(prompt, stdout);
        fflush(stdout);
        if (secret && tcgetattr(STDIN_FILENO, &saved) >= 0) {
                quiet = saved;
                quiet.c_lflag &= ~(tcflag_t)ECHO;
                restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) >= 0;
        }
        n = getline(&line, &allocated, stdin);
        if (restore) {
                (void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
                putchar('\n');
        }
        if (n < 0) {
                *ret = NULL;
                return feof(stdin) ? 0 : -errno;
        }
        strip_newline(line);
        *ret = TAKE_PTR(line);
        return 0;
}

/* Docker trims the user name it is typed, not the password. */
static char *strip_blanks(char *s) {
        size_t n;

        s += strspn(s, " \t");
        n = strlen(s);
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
                s[--n] = 0;
        return s;
}

/* Calls Manager.Login; on success the status line and the "auth" value to store. */
static int login_call(
        sd_bus *bus,
        const char *key,
        const char *username,
        const char *password,
        const char *stored_auth,
        sd_bus_error *error,
        char **ret_status,
        char **ret_auth) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *status, *auth;
        int r;

        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "Login",
                LOGIN_TIMEOUT_USEC,
                error,
                &reply,
                "sssa{sv}",
                registry_server_domain(key),
                username,
                password,
                stored_auth ? 1 : 0,
                "auth",
                "s",
                stored_auth);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "ss", &status, &auth);
        if (r < 0)
                return r;
        *ret_status = strdup(status);
        *ret_auth = strdup(auth);
        return *ret_status && *ret_auth ? 0 : -ENOMEM;
}

static int store_and_report(const char *path, const char *key, const char *auth, const char *status) {
        int r;

        r = registry_credentials_store(path, key, auth);
        if (r < 0)
                return log_error_errno(r, "Error saving credentials: %s: %m", path), EXIT_FAILURE;
        log_warning("WARNING! Your password will be stored unencrypted in %s.", path);
        printf("%s\n", status);
        return EXIT_SUCCESS;
}

static void login_help(void) {
        printf("Usage:  berth login [OPTIONS] [SERVER]\n\n"
               "Log in to a registry.\n"
               "If no server is specified, the default is defined by the daemon.\n\n"
               "Options:\n"
               "  -p, --password string   Password\n"
               "      --password-stdin    Take the password from stdin\n"
               "  -u, --username string   Username\n");
}

int verb_login(int argc, char *argv[]) {
        static const struct option options[] = {
                {"username", required_argument, NULL, 'u'},
                {"password", required_argument, NULL, 'p'},
                {"password-stdin", no_argument, NULL, 'S'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_free_ char *key = NULL, *path = NULL, *stored = NULL, *status = NULL, *username = NULL;
        _cleanup_erase_ char *password = NULL, *auth = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        bool password_stdin = false;
        const char *user;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+u:p:", options)) >= 0)
                switch (c) {
                case 'u':
                        free(username);
                        username = strdup(optarg);
                        if (!username)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case 'p':
                        password = erase_and_free(password);
                        password = strdup(optarg);
                        if (!password)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case 'S':
                        password_stdin = true;
                        break;
                case 'H':
                        login_help();
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind > 1)
                return log_error(
                               "\"berth login\" requires at most 1 argument.\nSee 'berth login --help'.\n\n"
                               "Usage:  berth login [OPTIONS] [SERVER]\n\n"
                               "Log in to a registry"),
                       EXIT_FAILURE;

        if (password && password_stdin)
                return log_error("--password and --password-stdin are mutually exclusive"), EXIT_FAILURE;
        if (password_stdin) {
                size_t size;

                if (!username)
                        return log_error("Must provide --username with --password-stdin"), EXIT_FAILURE;
                r = read_full_fd(STDIN_FILENO, PASSWORD_SIZE_MAX, &password, &size);
                if (r < 0)
                        return log_error_errno(r, "Cannot read the password from stdin: %m"), EXIT_FAILURE;
                if (memchr(password, 0, size))
                        return log_error("Error: the password holds a NUL byte."), EXIT_FAILURE;
                strip_newline(password);
        } else if (password)
                log_warning("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");

        r = registry_server_key(argc > optind ? argv[optind] : NULL, &key);
        if (r == -EINVAL)
                return log_error("Error: invalid registry address: %s", argv[optind]), EXIT_FAILURE;
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
        r = registry_config_path(&path);
        if (r < 0)
                return log_error_errno(
                               r, "Cannot find the config file: neither DOCKER_CONFIG nor HOME is set."),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        /* No flags and credentials stored already: try those first, as Docker does. */
        if (!username && !password) {
                r = registry_credentials_lookup(path, key, &stored);
                if (r < 0)
                        log_warning_errno(r, "WARNING: Error loading config file: %s: %m", path);
                if (stored) {
                        printf("Authenticating with existing credentials...\n");
                        fflush(stdout);
                        r = login_call(bus, key, "", "", stored, &error, &status, &auth);
                        if (r >= 0)
                                return store_and_report(path, key, auth, status);
                        if (r == -ENOMEM)
                                return log_oom(), EXIT_FAILURE;
                        printf("Login did not succeed, error: %s\n",
                               sd_bus_error_is_set(&error) ? error.message : strerror(-r));
                        sd_bus_error_free(&error);
                }
        }

        if (!username || !password) {
                if (!isatty(STDIN_FILENO))
                        return log_error("Error: Cannot perform an interactive login from a non TTY device"),
                               EXIT_FAILURE;
        }
        if (!username) {
                r = prompt_line("Username: ", false, &username);
                if (r < 0)
                        return log_error_errno(r, "Cannot read the user name: %m"), EXIT_FAILURE;
        }
        user = username ? strip_blanks(username) : "";
        if (isempty(user))
                return log_error("Error: Non-null Username Required"), EXIT_FAILURE;
        if (!password) {
                r = prompt_line("Password: ", true, &password);
                if (r < 0)
                        return log_error_errno(r, "Cannot read the password: %m"), EXIT_FAILURE;
        }
        if (isempty(password))
                return log_error("Error: Password Required"), EXIT_FAILURE;

        r = login_call(bus, key, user, password, NULL, &error, &status, &auth);
        if (r == -ENOMEM)
                return log_oom(), EXIT_FAILURE;
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        return store_and_report(path, key, auth, status);
}

int verb_logout(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_free_ char *key = NULL, *path = NULL;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage:  berth logout [SERVER]\n\n"
                               "Log out from a registry.\n"
                               "If no server is specified, the default is defined by the daemon.\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind > 1)
                return log_error("\"berth logout\" requires at most 1 argument.\nSee 'berth logout "
                                 "--help'.\n\n"
                                 "Usage:  berth logout [SERVER]\n\n"
                                 "Log out from a registry"),
                       EXIT_FAILURE;

        r = registry_server_key(argc > optind ? argv[optind] : NULL, &key);
        if (r == -EINVAL)
                return log_error("Error: invalid registry address: %s", argv[optind]), EXIT_FAILURE;
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
        r = registry_config_path(&path);
        if (r < 0)
                return log_error_errno(
                               r, "Cannot find the config file: neither DOCKER_CONFIG nor HOME is set."),
                       EXIT_FAILURE;

        r = registry_credentials_erase(path, key);
        if (r == -ENOENT) {
                printf("Not logged in to %s\n", key);
                return EXIT_SUCCESS;
        }
        printf("Removing login credentials for %s\n", key);
        if (r < 0)
                return log_error_errno(r, "WARNING: could not erase credentials: %s: %m", path),
                       EXIT_FAILURE;
        return EXIT_SUCCESS;
}
