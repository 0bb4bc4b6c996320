/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "bus-errors.h"
#include "bus-options.h"
#include "bus-util.h"
#include "container-list.h"
#include "container-ports.h"
#include "fileio.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "stream-relay.h"
#include "strv.h"
#include "verbs-health.h"
#include "verbs.h"

static int container_property_string(sd_bus *bus, const char *path, const char *name, char **ret) {
        return sd_bus_get_property_string(bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, name, NULL, ret);
}

/* "busybox" -> "busybox:latest", as Docker names what it could not find. */
static char *reference_with_tag(const char *image) {
        const char *last = strrchr(image, '/');
        char *r;

        if (strchr(image, '@') || strchr(last ? last : image, ':'))
                return strdup(image);
        if (asprintf(&r, "%s:latest", image) < 0)
                return NULL;
        return r;
}

static int append_string_option(sd_bus_message *m, const char *key, const char *value) {
        if (!value)
                return 0;
        return sd_bus_message_append(m, "{sv}", key, "s", value);
}

static int append_security_options(sd_bus_message *m, const SecurityFlags *f) {
        int r;

        r = bus_append_strv_option(m, "CapAdd", f->cap_add);
        if (r >= 0)
                r = bus_append_strv_option(m, "CapDrop", f->cap_drop);
        if (r >= 0 && f->privileged)
                r = sd_bus_message_append(m, "{sv}", "Privileged", "b", 1);
        if (r >= 0)
                r = bus_append_strv_option(m, "SecurityOpt", f->security_opt);
        if (r >= 0 && f->read_only)
                r = sd_bus_message_append(m, "{sv}", "ReadonlyRootfs", "b", 1);
        if (r >= 0)
                r = bus_append_strv_option(m, "Tmpfs", f->tmpfs);
        if (r >= 0)
                r = append_string_option(m, "UsernsMode", f->userns);
        return r;
}

static int create_container(sd_bus *bus, const RunOptions *o, char **ret_path) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        r = sd_bus_message_new_method_call(
                bus, &m, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "CreateContainer");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", o->image);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, o->command);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = append_string_option(m, "Name", o->name);
        if (r >= 0)
                r = bus_append_strv_option(m, "Env", o->env);
        if (r >= 0)
                r = append_string_option(m, "WorkingDir", o->workdir);
        if (r >= 0 && o->entrypoint) {
                /* Docker's --entrypoint is one word; "" clears the image's. */
                if (isempty(o->entrypoint))
                        r = sd_bus_message_append(m, "{sv}", "Entrypoint", "as", 0);
                else
                        r = sd_bus_message_append(m, "{sv}", "Entrypoint", "as", 1, o->entrypoint);
        }
        if (r >= 0)
                r = append_string_option(m, "Hostname", o->hostname);
        if (r >= 0)
                r = append_string_option(m, "User", o->user);
        if (r >= 0 && o->auto_remove)
                r = sd_bus_message_append(m, "{sv}", "AutoRemove", "b", 1);
        if (r >= 0 && o->tty)
                r = sd_bus_message_append(m, "{sv}", "Tty", "b", 1);
        if (r >= 0 && o->interactive)
                r = sd_bus_message_append(m, "{sv}", "OpenStdin", "b", 1);
        if (r >= 0)
                r = append_string_option(m, "RestartPolicy", o->restart);
        if (r >= 0)
                r = health_append_create_options(m, &o->health);
        if (r >= 0)
                r = append_security_options(m, &o->security);
        if (r >= 0)
                r = resource_flags_append(m, &o->resources);
        if (r >= 0)
                r = mount_flags_append(m, &o->mounts);
        if (r >= 0)
                r = device_flags_append(m, &o->devices);
        if (r >= 0)
                r = port_flags_append(m, &o->ports);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to build the create call: %m");

        /* The copy of an image's content into new volumes may take long. */
        r = sd_bus_call(bus, m, BUS_TIMEOUT_LONG_USEC, &error, &reply);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_IMAGE)) {
                        _cleanup_free_ char *ref = reference_with_tag(o->image), *line = NULL;

                        /* Docker's first line; the daemon's own words follow unless they say the same. */
                        if (asprintf(&line, "Unable to find image '%s' locally", ref ?: o->image) < 0)
                                return log_oom();
                        log_error("%s", line);
                        if (streq_ptr(error.message, line))
                                return r;
                }
                bus_log_call_error("berth: ", &error, r);
                return r;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to parse the create reply: %m");
        container_print_resource_warnings(bus, path);
        *ret_path = strdup(path);
        return *ret_path ? 0 : log_oom();
}

static int print_container_id(sd_bus *bus, const char *path) {
        _cleanup_free_ char *id = NULL;
        int r = container_property_string(bus, path, "Id", &id);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to read the container id: %m");
        puts(id);
        return 0;
}

static int run_or_create(int argc, char *argv[], bool start) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_free_ char *path = NULL;
        DetachKeys keys;
        int r;

        r = parse_run_options(argc, argv, &o);
        if (r != 0)
                return r > 0 ? EXIT_SUCCESS : EXIT_BERTH_ERROR;
        if (detach_keys_parse(o.detach_keys ?: DETACH_KEYS_DEFAULT, &keys) < 0)
                return log_error("Invalid detach keys (%s) provided", o.detach_keys), EXIT_BERTH_ERROR;
        if (start && o.tty && o.interactive && !o.detach && !isatty(STDIN_FILENO))
                return log_error("the input device is not a TTY"), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_BERTH_ERROR;
        if (create_container(bus, &o, &path) < 0)
                return EXIT_BERTH_ERROR;

        if (!start)
                return print_container_id(bus, path) < 0 ? EXIT_BERTH_ERROR : EXIT_SUCCESS;

        if (o.detach) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                r = bus_call(bus, path, BERTH_CONTAINER_IFACE, "Start", 0, &error, NULL, NULL);
                if (r < 0) {
                        bus_log_call_error("berth: ", &error, r);
                        return bus_error_exit_status(&error);
                }
                return print_container_id(bus, path) < 0 ? EXIT_BERTH_ERROR : EXIT_SUCCESS;
        }

        fflush(stdout);
        if (o.tty)
                return attach_container_terminal(bus, path, true, o.interactive, &keys);
        return attach_start_and_wait(bus, path, o.interactive, o.attach_stdout, o.attach_stderr);
}

int verb_run(int argc, char *argv[]) {
        return run_or_create(argc, argv, true);
}

int verb_create(int argc, char *argv[]) {
        return run_or_create(argc, argv, false);
}

int verb_start(int argc, char *argv[]) {
        static const struct option options[] = {
                {"attach", no_argument, NULL, 'a'},
                {"detach-keys", required_argument, NULL, 'K'},
                {"interactive", no_argument, NULL, 'i'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **failed = NULL;
        bool attach = false, interactive = false;
        const char *keys_arg = DETACH_KEYS_DEFAULT;
        DetachKeys keys;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+ai", options)) >= 0)
                switch (c) {
                case 'a':
                        attach = true;
                        break;
                case 'K':
                        keys_arg = optarg;
                        break;
                case 'i':
                        interactive = true;
                        break;
                case 'H':
                        printf("Usage:  berth start [OPTIONS] CONTAINER [CONTAINER...]\n\nStart one or more "
                               "stopped containers\n\n"
                               "Options:\n  -a, --attach        Attach STDOUT/STDERR and forward signals\n"
                               "      --detach-keys string   Override the key sequence for detaching a "
                               "container\n"
                               "  -i, --interactive   Attach container's STDIN\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "[OPTIONS] CONTAINER [CONTAINER...]") < 0)
                return EXIT_FAILURE;
        if (detach_keys_parse(keys_arg, &keys) < 0)
                return log_error("Invalid detach keys (%s) provided", keys_arg), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        if (attach || interactive) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;
                int r, tty = false;

                if (argc - optind > 1)
                        return log_error("you cannot start and attach multiple containers at once"),
                               EXIT_FAILURE;
                r = bus_get_container(bus, argv[optind], &error, &path);
                if (r >= 0)
                        r = sd_bus_get_property_trivial(
                                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Tty", &error, 'b', &tty);
                if (r < 0)
                        return bus_log_call_error("", &error, r), EXIT_FAILURE;
                fflush(stdout);
                if (tty) {
                        if (interactive && !isatty(STDIN_FILENO))
                                return log_error("the input device is not a TTY"), EXIT_FAILURE;
                        return attach_container_terminal(bus, path, true, interactive, &keys);
                }
                /* Docker's start -a attaches both outputs, whatever create's -a said. */
                return attach_start_and_wait(bus, path, interactive, true, true);
        }

        if (call_on_containers(bus, argv + optind, "Start", 0, false, &failed, NULL) != EXIT_SUCCESS) {
                _cleanup_free_ char *l = strv_join(failed, ", ");
                log_error("Error: failed to start containers: %s", l ?: "");
                return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
}

int verb_stop(int argc, char *argv[]) {
        return verb_stop_or_restart(
                argc,
                argv,
                "Stop",
                "Usage:  berth stop [OPTIONS] CONTAINER [CONTAINER...]\n\nStop one or more "
                "running containers\n\n"
                "Options:\n  -t, --time int   Seconds to wait before killing the "
                "container (negative: wait forever)\n");
}

int verb_kill(int argc, char *argv[]) {
        static const struct option options[] = {
                {"signal", required_argument, NULL, 's'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        int c, sig = SIGKILL;

        optind = 0;
        while ((c = next_option(argc, argv, "+s:", options)) >= 0)
                switch (c) {
                case 's':
                        if (parse_signal(optarg, &sig) < 0)
                                return log_error("invalid signal: %s", optarg), EXIT_FAILURE;
                        break;
                case 'H':
                        printf("Usage:  berth kill [OPTIONS] CONTAINER [CONTAINER...]\n\nKill one or more "
                               "running containers\n\n"
                               "Options:\n  -s, --signal string   Signal to send to the container (default "
                               "\"KILL\")\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        return verb_call_on_containers(
                argc, argv, "[OPTIONS] CONTAINER [CONTAINER...]", "Kill", 0, false, "i", sig);
}

int verb_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"volumes", no_argument, NULL, 'v'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        bool force = false, volumes = false;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+fv", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'v':
                        volumes = true;
                        break;
                case 'H':
                        printf("Usage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nRemove one or more "
                               "containers\n\n"
                               "Options:\n  -f, --force     Force the removal of a running container (uses "
                               "SIGKILL)\n"
                               "  -v, --volumes   Remove anonymous volumes associated with the container\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (volumes)
                return verb_rm_with_volumes(argc, argv, force);
        return verb_call_on_containers(
                argc,
                argv,
                "[OPTIONS] CONTAINER [CONTAINER...]",
                "Remove",
                2 * 60 * USEC_PER_SEC,
                false,
                "b",
                force);
}

static int compare_rows(const void *a, const void *b) {
        const ContainerRow *x = a, *y = b;
        /* Newest first, as Docker lists. */
        return x->created < y->created ? 1 : x->created > y->created ? -1 : 0;
}

cJSON *container_row_json(const ContainerRow *c, bool trunc, uint64_t now) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject();
        _cleanup_free_ char *cmd = NULL, *quoted = NULL, *id = NULL;
        char created[FORMAT_BUF], ago[FORMAT_BUF], status[FORMAT_BUF];
        const char *name = c->name[0] == '/' ? c->name + 1 : c->name;

        cmd = trunc ? ellipsize(c->command, 20) : strdup(c->command);
        quoted = cmd ? quote_string(cmd) : NULL;
        id = strndup(c->id, trunc ? SHORT_ID_LEN : strlen(c->id));
        if (!o || !quoted || !id)
                return NULL;
        format_container_status(status, c->state, c->exit_code, c->started, c->finished, now);
        if (streq(c->state, "running"))
                health_append_status(status, c->health);
        if (!cJSON_AddStringToObject(o, "Command", quoted) ||
            !cJSON_AddStringToObject(o, "CreatedAt", format_go_time(created, c->created)) ||
            !cJSON_AddStringToObject(o, "ID", id) || !cJSON_AddStringToObject(o, "Image", c->image) ||
            !cJSON_AddStringToObject(o, "Labels", "") || !cJSON_AddStringToObject(o, "LocalVolumes", "0") ||
            !cJSON_AddStringToObject(o, "Mounts", "") || !cJSON_AddStringToObject(o, "Names", name) ||
            !cJSON_AddStringToObject(o, "Networks", "") || !cJSON_AddStringToObject(o, "Ports", "") ||
            !cJSON_AddStringToObject(o, "RunningFor", format_ago(ago, c->created, now)) ||
            !cJSON_AddStringToObject(o, "Size", "0B") || !cJSON_AddStringToObject(o, "State", c->state) ||
            !cJSON_AddStringToObject(o, "Status", status))
                return NULL;
        return TAKE_PTR(o);
}

/* The PORTS column of a running container. */
static int ps_add_ports(sd_bus *bus, const char *path, cJSON *o) {
        _cleanup_free_ PortMapping *ports = NULL;
        _cleanup_free_ char *s = NULL;
        size_t n = 0;
        cJSON *v;

        /* A container that just stopped has none. */
        if (container_ports_fetch(bus, path, &ports, &n) < 0 || n == 0)
                return 0;
        if (ports_summary(ports, n, &s) < 0)
                return -ENOMEM;
        v = cJSON_CreateString(s);
        if (!v)
                return -ENOMEM;
        cJSON_ReplaceItemInObjectCaseSensitive(o, "Ports", v);
        return 0;
}

/* The fields of a ps row; the default table shows ID, Image, Command, RunningFor, Status, Ports, Names. */
static const Column ps_columns[] = {
        {"ID", "CONTAINER ID", true},
        {"Image", "IMAGE", true},
        {"Command", "COMMAND", true},
        {"CreatedAt", "CREATED AT", false},
        {"RunningFor", "CREATED", true},
        {"Status", "STATUS", true},
        {"Ports", "PORTS", true},
        {"State", "STATE", false},
        {"Size", "SIZE", false},
        {"Names", "NAMES", true},
        {"Labels", "LABELS", false},
        {"Mounts", "MOUNTS", false},
        {"Networks", "NETWORKS", false},
        {"LocalVolumes", "LOCAL VOLUMES", false},
};

int verb_ps(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"quiet", no_argument, NULL, 'q'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_free_ ContainerRow *rows = NULL;
        _cleanup_free_ char *body = NULL;
        _cleanup_json_ cJSON *list = NULL;
        const char *format_arg = NULL;
        bool all = false, quiet = false, trunc = true;
        OutputFormat format;
        size_t n = 0;
        uint64_t now = now_realtime_usec();
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+aq", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'N':
                        trunc = false;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth ps [OPTIONS]\n\nList containers\n\nAliases:\n  berth "
                               "container ls, berth container list, berth container ps, berth ps\n\n"
                               "Options:\n  -a, --all             Show all containers (default shows just "
                               "running)\n"
                               "      --format string   Format output: table, json, or a template such as "
                               "'{{.ID}} {{.Names}}'\n"
                               "      --no-trunc        Don't truncate output\n"
                               "  -q, --quiet           Only display container IDs\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth %s\" accepts no arguments.", argv[0]), EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        if (container_list_fetch(bus, all, &reply, &rows, &n) < 0)
                return EXIT_FAILURE;
        if (n > 0)
                qsort(rows, n, sizeof(ContainerRow), compare_rows);

        if (quiet) {
                for (size_t i = 0; i < n; i++)
                        printf("%.*s\n", trunc ? SHORT_ID_LEN : (int)strlen(rows[i].id), rows[i].id);
                return EXIT_SUCCESS;
        }

        list = cJSON_CreateArray();
        if (!list)
                return log_oom(), EXIT_FAILURE;
        for (size_t i = 0; i < n; i++) {
                cJSON *o = container_row_json(&rows[i], trunc, now);
                if (!o)
                        return log_oom(), EXIT_FAILURE;
                cJSON_AddItemToArray(list, o);
                if (streq(rows[i].state, "running") && ps_add_ports(bus, rows[i].path, o) < 0)
                        return log_oom(), EXIT_FAILURE;
        }
        return print_formatted_rows(list, format, body, ps_columns, ELEMENTSOF(ps_columns)) < 0
                       ? EXIT_FAILURE
                       : EXIT_SUCCESS;
}

static int strv_tail_json(const cJSON *strv, size_t skip, cJSON **ret) {
        cJSON *a = cJSON_CreateArray(), *e;
        size_t i = 0;

        if (!a)
                return -ENOMEM;
        cJSON_ArrayForEach (e, strv)
                if (i++ >= skip)
                        cJSON_AddItemToArray(a, cJSON_Duplicate(e, false));
        *ret = a;
        return 0;
}

#define STR_RUNNING(s) (streq(s, "running") || streq(s, "paused") || streq(s, "restarting"))

/* HostConfig.RestartPolicy: {"Name": "on-failure", "MaximumRetryCount": 3}. */
static cJSON *inspect_restart_policy(const char *policy) {
        cJSON *o = cJSON_CreateObject();
        const char *colon;

        policy = policy ?: "no";
        colon = strchr(policy, ':');
        if (!o)
                return NULL;
        if (!cJSON_AddStringToObject(o, "Name", "") ||
            !cJSON_AddNumberToObject(o, "MaximumRetryCount", colon ? atoi(colon + 1) : 0)) {
                cJSON_Delete(o);
                return NULL;
        }
        cJSON_SetValuestring(cJSON_GetObjectItem(o, "Name"), policy);
        if (colon)
                cJSON_GetObjectItem(o, "Name")->valuestring[colon - policy] = 0;
        return o;
}

static int container_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret) {
        _cleanup_json_ cJSON *p = NULL, *o = NULL;
        cJSON *state, *config, *host, *args, *restart;
        const cJSON *command;
        char t1[FORMAT_BUF], t2[FORMAT_BUF], t3[FORMAT_BUF];
        _cleanup_free_ char *image_id = NULL, *name = NULL;
        const char *status;
        int r;

        r = bus_get_all_properties(bus, path, BERTH_CONTAINER_IFACE, error, &p);
        if (r < 0)
                return r;
        command = cJSON_GetObjectItemCaseSensitive(p, "Command");
        status = json_get_string(p, "State") ?: "";
        image_id = image_id_full(json_get_string(p, "ImageId") ?: "");
        if (asprintf(&name, "/%s", json_get_string(p, "Name") ?: "") < 0 || !image_id)
                return -ENOMEM;

        o = cJSON_CreateObject();
        state = cJSON_CreateObject();
        config = cJSON_CreateObject();
        host = cJSON_CreateObject();
        if (!o || !state || !config || !host) {
                cJSON_Delete(state), cJSON_Delete(config), cJSON_Delete(host);
                return -ENOMEM;
        }
        r = strv_tail_json(command, 1, &args);
        if (r < 0) {
                cJSON_Delete(state), cJSON_Delete(config), cJSON_Delete(host);
                return r;
        }

        cJSON_AddStringToObject(o, "Id", json_get_string(p, "Id") ?: "");
        cJSON_AddStringToObject(
                o, "Created", format_rfc3339nano(t1, (uint64_t)json_get_integer(p, "CreatedAt", 0)));
        cJSON_AddStringToObject(o, "Path", cJSON_GetStringValue(cJSON_GetArrayItem(command, 0)) ?: "");
        cJSON_AddItemToObject(o, "Args", args);

        cJSON_AddStringToObject(state, "Status", status);
        /* Docker: a paused or restarting container is running too. */
        cJSON_AddBoolToObject(state, "Running", STR_RUNNING(status));
        cJSON_AddBoolToObject(state, "Paused", streq(status, "paused"));
        cJSON_AddBoolToObject(state, "Restarting", streq(status, "restarting"));
        cJSON_AddBoolToObject(state, "OOMKilled", false);
        cJSON_AddBoolToObject(state, "Dead", false);
        cJSON_AddNumberToObject(
                state, "Pid", STR_RUNNING(status) ? (double)json_get_integer(p, "Pid", 0) : 0);
        cJSON_AddNumberToObject(state, "ExitCode", (double)json_get_integer(p, "ExitCode", 0));
        cJSON_AddStringToObject(state, "Error", "");
        cJSON_AddStringToObject(
                state, "StartedAt", format_rfc3339nano(t2, (uint64_t)json_get_integer(p, "StartedAt", 0)));
        cJSON_AddStringToObject(
                state, "FinishedAt", format_rfc3339nano(t3, (uint64_t)json_get_integer(p, "FinishedAt", 0)));
        cJSON_AddItemToObject(o, "State", state);

        cJSON_AddStringToObject(o, "Image", image_id);
        cJSON_AddStringToObject(o, "Name", name);
        cJSON_AddNumberToObject(o, "RestartCount", (double)json_get_integer(p, "RestartCount", 0));

        cJSON_AddStringToObject(config, "Hostname", json_get_string(p, "Hostname") ?: "");
        cJSON_AddStringToObject(config, "User", json_get_string(p, "User") ?: "");
        cJSON_AddItemToObject(
                config,
                "Env",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "Env"), true) ?: cJSON_CreateArray());
        cJSON_AddItemToObject(config, "Cmd", cJSON_Duplicate(command, true) ?: cJSON_CreateArray());
        cJSON_AddStringToObject(config, "Image", json_get_string(p, "Image") ?: "");
        cJSON_AddStringToObject(config, "WorkingDir", json_get_string(p, "WorkingDir") ?: "");
        cJSON_AddBoolToObject(config, "Tty", json_get_bool(p, "Tty", false));
        cJSON_AddBoolToObject(config, "OpenStdin", json_get_bool(p, "OpenStdin", false));
        /* The daemon reports the resolved command line; the entrypoint is part of Cmd. */
        cJSON_AddNullToObject(config, "Entrypoint");
        r = health_inspect_json(bus, path, p, state, config);
        if (r < 0) {
                cJSON_Delete(config), cJSON_Delete(host);
                return r;
        }
        cJSON_AddItemToObject(o, "Config", config);

        cJSON_AddBoolToObject(host, "AutoRemove", json_get_bool(p, "AutoRemove", false));
        restart = inspect_restart_policy(json_get_string(p, "RestartPolicy"));
        if (!restart)
                return -ENOMEM;
        cJSON_AddItemToObject(host, "RestartPolicy", restart);
        r = container_network_inspect_json(bus, path, p, o, host);
        if (r < 0) {
                cJSON_Delete(host);
                return r;
        }
        r = container_mounts_inspect_json(bus, path, o, host);
        if (r < 0) {
                cJSON_Delete(host);
                return r;
        }
        cJSON_AddItemToObject(o, "HostConfig", host);
        if (!cJSON_AddStringToObject(host, "UsernsMode", json_get_string(p, "UsernsMode") ?: ""))
                return -ENOMEM;
        r = resource_inspect_json(p, state, host);
        if (r < 0)
                return r;
        r = device_inspect_json(p, host);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(o);
        return 0;
}

int verb_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                {"format", required_argument, NULL, 'f'},
                {"type", required_argument, NULL, 'T'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ cJSON *array = NULL;
        _cleanup_free_ char *body = NULL;
        const char *format_arg = NULL, *type = NULL;
        OutputFormat format;
        int c, r, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+f:", options)) >= 0)
                switch (c) {
                case 'f':
                        format_arg = optarg;
                        break;
                case 'T':
                        if (!streq(optarg, "container") && !streq(optarg, "image"))
                                return log_error("\"%s\" is not a valid value for --type", optarg),
                                       EXIT_FAILURE;
                        type = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth inspect [OPTIONS] NAME|ID [NAME|ID...]\n\nReturn low-level "
                               "information on containers and images\n\n"
                               "Options:\n  -f, --format string   Format output using a template such as "
                               "'{{.State.ExitCode}}'\n"
                               "      --type string     Only inspect objects of this type (container or "
                               "image)\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (streq(argv[0], "image-inspect"))
                type = "image";
        if (require_args(argc, argv, 1, false, "[OPTIONS] NAME|ID [NAME|ID...]") < 0)
                return EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        array = cJSON_CreateArray();
        if (!array)
                return log_oom(), EXIT_FAILURE;

        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;
                cJSON *o = NULL;

                r = -ENOENT;
                if (!streq_ptr(type, "image")) {
                        r = bus_get_container(bus, argv[i], &error, &path);
                        if (r >= 0)
                                r = container_inspect_json(bus, path, &error, &o);
                }
                if (r < 0 && !streq_ptr(type, "container") &&
                    (!sd_bus_error_is_set(&error) ||
                     sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_CONTAINER))) {
                        sd_bus_error_free(&error);
                        free(path);
                        path = NULL;
                        r = bus_get_image(bus, argv[i], &error, &path);
                        if (r >= 0)
                                r = image_inspect_json(bus, path, &error, &o);
                }
                if (r < 0) {
                        if (sd_bus_error_has_names(
                                    &error, BERTH_ERROR_NO_SUCH_CONTAINER, BERTH_ERROR_NO_SUCH_IMAGE))
                                log_error("Error: No such object: %s", argv[i]);
                        else
                                bus_log_call_error("", &error, r);
                        status = EXIT_FAILURE;
                        continue;
                }
                cJSON_AddItemToArray(array, o);
        }

        if (print_inspected(array, format, body) < 0)
                return EXIT_FAILURE;
        return status;
}
