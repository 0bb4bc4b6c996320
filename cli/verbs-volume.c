/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth volume create|ls|inspect|rm|prune, rm -v, and the mounts of container inspect. */
#include <getopt.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus-errors.h"
#include "bus-options.h"
#include "bus-util.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "prune.h"
#include "strv.h"
#include "verbs.h"

#define BERTH_VOLUME_IFACE "org.berth.berth1.Volume"
#define VOLUME_LABEL_ANONYMOUS "com.docker.volume.anonymous"

/* Docker's volume CreatedAt: RFC 3339 to the second. */
static const char *format_rfc3339(char buf[static FORMAT_BUF], uint64_t usec) {
        time_t t = (time_t)(usec / USEC_PER_SEC);
        struct tm tm;

        if (!gmtime_r(&t, &tm) || strftime(buf, FORMAT_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                buf[0] = 0;
        return buf;
}

/* "KEY=VALUE" into the key, value pairs of a{ss}. */
static int add_pair(char ***pairs, const char *arg, const char *flag) {
        const char *eq = strchr(arg, '=');

        if (!eq && streq(flag, "opt"))
                return log_error_errno(
                        EINVAL,
                        "invalid argument \"%s\" for \"-o, --opt\" flag: invalid key value pair format in "
                        "driver options",
                        arg);
        if (strv_consume(pairs, eq ? strndup(arg, (size_t)(eq - arg)) : strdup(arg)) < 0 ||
            strv_extend(pairs, eq ? eq + 1 : "") < 0)
                return log_oom();
        return 0;
}

static int append_pairs_option(sd_bus_message *m, const char *key, char **pairs) {
        int r;

        if (!pairs)
                return 0;
        r = sd_bus_message_open_container(m, 'e', "sv");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", key);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'v', "a{ss}");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{ss}");
        for (char **p = pairs; r >= 0 && p[0] && p[1]; p += 2)
                r = sd_bus_message_append(m, "{ss}", p[0], p[1]);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int verb_volume_create(int argc, char *argv[]) {
        static const struct option options[] = {
                {"driver", required_argument, NULL, 'd'},
                {"label", required_argument, NULL, 'l'},
                {"opt", required_argument, NULL, 'o'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **labels = NULL, **opts = NULL;
        _cleanup_free_ char *name = NULL;
        const char *driver = NULL, *path;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+d:o:", options)) >= 0)
                switch (c) {
                case 'd':
                        driver = optarg;
                        break;
                case 'l':
                        if (add_pair(&labels, optarg, "label") < 0)
                                return EXIT_FAILURE;
                        break;
                case 'o':
                        if (add_pair(&opts, optarg, "opt") < 0)
                                return EXIT_BERTH_ERROR;
                        break;
                case 'H':
                        printf("Usage:  berth volume create [OPTIONS] [VOLUME]\n\nCreate a volume\n\n"
                               "Options:\n"
                               "  -d, --driver string   Specify volume driver name (default \"local\")\n"
                               "      --label list      Set metadata for a volume\n"
                               "  -o, --opt map         Set driver specific options (default map[])\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind > 1)
                return log_error("\"berth volume create\" requires at most 1 argument.\nSee 'berth volume "
                                 "create --help'."),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_new_method_call(
                bus, &m, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "CreateVolume");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", optind < argc ? argv[optind] : "");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && driver)
                r = sd_bus_message_append(m, "{sv}", "Driver", "s", driver);
        if (r >= 0)
                r = append_pairs_option(m, "Labels", labels);
        if (r >= 0)
                r = append_pairs_option(m, "DriverOpts", opts);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_error_errno(r, "Failed to build the call: %m"), EXIT_FAILURE;
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0) {
                bus_log_call_error("", &error, r);
                return EXIT_FAILURE;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_path_decode(path, "/org/berth/berth1/volume", &name);
        if (r <= 0)
                return log_error_errno(r < 0 ? r : EBADMSG, "Failed to parse the reply: %m"), EXIT_FAILURE;
        puts(name);
        return EXIT_SUCCESS;
}

/* "k=v,k2=v2" of an a{ss} JSON object, as Docker's Labels column. */
static char *labels_string(const cJSON *labels) {
        _cleanup_strv_free_ char **l = NULL;
        const cJSON *e;

        cJSON_ArrayForEach (e, labels) {
                char *s;
                if (asprintf(&s, "%s=%s", e->string, cJSON_GetStringValue(e) ?: "") < 0 ||
                    strv_consume(&l, s) < 0)
                        return NULL;
        }
        return strv_join(l, ",");
}

typedef struct VolumeFilters {
        char **names;  /* regular expressions, any may match */
        char **labels; /* "key" or "key=value", all must match */
        int dangling;  /* -1: not filtered */
        char **drivers;
} VolumeFilters;

static void volume_filters_done(VolumeFilters *f) {
        strv_free(f->names);
        strv_free(f->labels);
        strv_free(f->drivers);
}

static int volume_filter_add(VolumeFilters *f, const char *arg) {
        const char *eq = strchr(arg, '=');
        size_t k = eq ? (size_t)(eq - arg) : strlen(arg);
        const char *value = eq ? eq + 1 : "";

        if (!eq)
                return log_error_errno(EINVAL, "bad format of filter (expected name=value)");
        if (k == 4 && strncmp(arg, "name", 4) == 0) {
                regex_t re;
                if (regcomp(&re, value, REG_EXTENDED | REG_NOSUB) != 0)
                        return log_error_errno(
                                EINVAL, "Error response from daemon: invalid filter 'name=%s'", value);
                regfree(&re);
                return strv_extend(&f->names, value) < 0 ? log_oom() : 0;
        }
        if (k == 5 && strncmp(arg, "label", 5) == 0)
                return strv_extend(&f->labels, value) < 0 ? log_oom() : 0;
        if (k == 6 && strncmp(arg, "driver", 6) == 0)
                return strv_extend(&f->drivers, value) < 0 ? log_oom() : 0;
        if (k == 8 && strncmp(arg, "dangling", 8) == 0) {
                if (streq(value, "true") || streq(value, "1"))
                        f->dangling = 1;
                else if (streq(value, "false") || streq(value, "0"))
                        f->dangling = 0;
                else
                        return log_error_errno(
                                EINVAL, "Error response from daemon: invalid filter 'dangling=%s'", value);
                return 0;
        }
        return log_error_errno(EINVAL, "Error response from daemon: invalid filter '%.*s'", (int)k, arg);
}

static bool volume_filters_match(const VolumeFilters *f, const cJSON *row, uint32_t users) {
        const char *name = json_get_string(row, "Name");
        const cJSON *labels = cJSON_GetObjectItemCaseSensitive(row, "LabelMap");
        bool any = !f->names;

        STRV_FOREACH (n, f->names) {
                regex_t re;
                if (regcomp(&re, *n, REG_EXTENDED | REG_NOSUB) != 0)
                        continue;
                any = any || regexec(&re, name, 0, NULL, 0) == 0;
                regfree(&re);
        }
        if (!any)
                return false;
        if (f->drivers && !strv_contains(f->drivers, "local"))
                return false;
        if (f->dangling >= 0 && (users == 0) != (f->dangling == 1))
                return false;
        STRV_FOREACH (l, f->labels) {
                const char *eq = strchr(*l, '=');
                _cleanup_free_ char *key = eq ? strndup(*l, (size_t)(eq - *l)) : strdup(*l);
                const char *value = key ? json_get_string(labels, key) : NULL;

                if (!value || (eq && !streq(value, eq + 1)))
                        return false;
        }
        return true;
}

static const Column volume_columns[] = {
        {"Driver", "DRIVER", true},
        {"Name", "VOLUME NAME", true},
        {"Availability", "AVAILABILITY", false},
        {"Group", "GROUP", false},
        {"Labels", "LABELS", false},
        {"Links", "LINKS", false},
        {"Mountpoint", "MOUNTPOINT", false},
        {"Scope", "SCOPE", false},
        {"Size", "SIZE", false},
        {"Status", "STATUS", false},
};

/* One ListVolumes row as Docker's volume ls --format json prints it (LabelMap is removed before). */
static int read_volume_row(sd_bus_message *reply, cJSON **ret, uint32_t *ret_users) {
        _cleanup_json_ cJSON *o = cJSON_CreateObject(), *labels = NULL, *opts = NULL;
        _cleanup_free_ char *label_text = NULL;
        const char *name, *mountpoint, *path;
        uint64_t created;
        int r;

        if (!o)
                return -ENOMEM;
        r = sd_bus_message_enter_container(reply, 'r', "ssta{ss}a{ss}uo");
        if (r <= 0)
                return r;
        r = sd_bus_message_read(reply, "sst", &name, &mountpoint, &created);
        if (r >= 0)
                r = bus_message_read_string_map(reply, &labels);
        if (r >= 0)
                r = bus_message_read_string_map(reply, &opts);
        if (r >= 0)
                r = sd_bus_message_read(reply, "uo", ret_users, &path);
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r < 0)
                return r;
        label_text = labels_string(labels);
        if (!label_text)
                return -ENOMEM;
        if (!cJSON_AddStringToObject(o, "Availability", "N/A") ||
            !cJSON_AddStringToObject(o, "Driver", "local") || !cJSON_AddStringToObject(o, "Group", "N/A") ||
            !cJSON_AddStringToObject(o, "Labels", label_text) ||
            !cJSON_AddStringToObject(o, "Links", "N/A") ||
            !cJSON_AddStringToObject(o, "Mountpoint", mountpoint) ||
            !cJSON_AddStringToObject(o, "Name", name) || !cJSON_AddStringToObject(o, "Scope", "local") ||
            !cJSON_AddStringToObject(o, "Size", "N/A") || !cJSON_AddStringToObject(o, "Status", "N/A"))
                return -ENOMEM;
        cJSON_AddItemToObject(o, "LabelMap", TAKE_PTR(labels));
        *ret = TAKE_PTR(o);
        return 1;
}

int verb_volume_ls(int argc, char *argv[]) {
        static const struct option options[] = {
                {"quiet", no_argument, NULL, 'q'},
                {"filter", required_argument, NULL, 'f'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(volume_filters_done) VolumeFilters filters = {.dangling = -1};
        _cleanup_json_ cJSON *rows = cJSON_CreateArray();
        _cleanup_free_ char *body = NULL;
        const char *format_arg = NULL;
        OutputFormat format;
        bool quiet = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+qf:", options)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'f':
                        if (volume_filter_add(&filters, optarg) < 0)
                                return EXIT_FAILURE;
                        break;
                case 'F':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth volume ls [OPTIONS]\n\nList volumes\n\n"
                               "Options:\n"
                               "  -f, --filter filter   Provide filter values (e.g. \"dangling=true\")\n"
                               "      --format string   Format output using a custom template:\n"
                               "                        'json':             Print in JSON format\n"
                               "                        'TEMPLATE':         Print output using the given Go "
                               "template\n"
                               "  -q, --quiet           Only display volume names\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth volume ls\" accepts no arguments."), EXIT_FAILURE;
        if (!rows || output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ListVolumes", 0, NULL, &reply, NULL);
        if (r < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_enter_container(reply, 'a', "(ssta{ss}a{ss}uo)");
        for (;;) {
                cJSON *row = NULL;
                uint32_t users;

                if (r < 0)
                        break;
                r = read_volume_row(reply, &row, &users);
                if (r <= 0)
                        break;
                if (!volume_filters_match(&filters, row, users)) {
                        cJSON_Delete(row);
                        continue;
                }
                cJSON_DeleteItemFromObjectCaseSensitive(row, "LabelMap");
                cJSON_AddItemToArray(rows, row);
        }
        if (r < 0)
                return log_error_errno(r, "Failed to parse the reply: %m"), EXIT_FAILURE;
        if (quiet) {
                const cJSON *row;
                cJSON_ArrayForEach (row, rows)
                        puts(json_get_string(row, "Name"));
                return EXIT_SUCCESS;
        }
        return print_formatted_rows(rows, format, body, volume_columns, ELEMENTSOF(volume_columns)) < 0
                       ? EXIT_FAILURE
                       : EXIT_SUCCESS;
}

/* docker volume inspect's object. */
static int volume_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret) {
        _cleanup_json_ cJSON *p = NULL, *o = cJSON_CreateObject();
        char created[FORMAT_BUF];
        int r;

        if (!o)
                return -ENOMEM;
        r = bus_get_all_properties(bus, path, BERTH_VOLUME_IFACE, error, &p);
        if (r < 0)
                return r;
        if (!cJSON_AddStringToObject(
                    o,
                    "CreatedAt",
                    format_rfc3339(created, (uint64_t)json_get_integer(p, "CreatedAt", 0))) ||
            !cJSON_AddStringToObject(o, "Driver", json_get_string(p, "Driver") ?: "local"))
                return -ENOMEM;
        cJSON_AddItemToObject(
                o,
                "Labels",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "Labels"), true)
                        ?: cJSON_CreateObject());
        if (!cJSON_AddStringToObject(o, "Mountpoint", json_get_string(p, "Mountpoint") ?: "") ||
            !cJSON_AddStringToObject(o, "Name", json_get_string(p, "Name") ?: ""))
                return -ENOMEM;
        cJSON_AddItemToObject(
                o,
                "Options",
                cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(p, "Options"), true)
                        ?: cJSON_CreateObject());
        if (!cJSON_AddStringToObject(o, "Scope", json_get_string(p, "Scope") ?: "local"))
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

int verb_volume_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                {"format", required_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ cJSON *array = cJSON_CreateArray();
        _cleanup_free_ char *body = NULL;
        const char *format_arg = NULL;
        OutputFormat format;
        int c, r, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+f:", options)) >= 0)
                switch (c) {
                case 'f':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth volume inspect [OPTIONS] VOLUME [VOLUME...]\n\nDisplay "
                               "detailed "
                               "information on one or more volumes\n\n"
                               "Options:\n  -f, --format string   Format output using a custom template\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "[OPTIONS] VOLUME [VOLUME...]") < 0)
                return EXIT_FAILURE;
        if (!array || output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;
                cJSON *o = NULL;

                r = bus_get_volume(bus, argv[i], &error, &path);
                if (r >= 0)
                        r = volume_inspect_json(bus, path, &error, &o);
                if (r < 0) {
                        if (sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_VOLUME))
                                log_error("Error: No such volume: %s", argv[i]);
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

int verb_volume_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int force = 0, c, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = 1;
                        break;
                case 'H':
                        printf("Usage:  berth volume rm [OPTIONS] VOLUME [VOLUME...]\n\nRemove one or more "
                               "volumes. You cannot remove a volume that is in use by a container.\n\n"
                               "Options:\n  -f, --force   Force the removal of one or more volumes (not one "
                               "a "
                               "running container uses)\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "[OPTIONS] VOLUME [VOLUME...]") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                int r = bus_call(
                        bus,
                        BERTH_MANAGER_PATH,
                        BERTH_MANAGER_IFACE,
                        "RemoveVolume",
                        0,
                        &error,
                        NULL,
                        "sb",
                        argv[i],
                        force);

                /* Docker's -f: a volume that is not there is no error. */
                if (r < 0 && !(force && sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_VOLUME))) {
                        bus_log_call_error("", &error, r);
                        status = EXIT_FAILURE;
                        continue;
                }
                puts(argv[i]);
        }
        return status;
}

int verb_volume_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"force", no_argument, NULL, 'f'},
                {"filter", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **labels = NULL, **labels_not = NULL;
        bool all = false, force = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+af", options)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f':
                        force = true;
                        break;
                case 'F':
                        if (strncmp(optarg, "label=", 6) == 0)
                                r = strv_extend(&labels, optarg + 6);
                        else if (strncmp(optarg, "label!=", 7) == 0)
                                r = strv_extend(&labels_not, optarg + 7);
                        else if (streq(optarg, "all=true") || streq(optarg, "all=1")) {
                                all = true;
                                r = 0;
                        } else
                                return log_error("Error response from daemon: invalid filter '%s'", optarg),
                                       EXIT_FAILURE;
                        if (r < 0)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case 'H':
                        printf("Usage:  berth volume prune [OPTIONS]\n\nRemove unused local volumes\n\n"
                               "Options:\n"
                               "  -a, --all             Remove all unused volumes, not just anonymous ones\n"
                               "      --filter filter   Provide filter values (e.g. \"label=<label>\")\n"
                               "  -f, --force           Do not prompt for confirmation\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth volume prune\" accepts no arguments."), EXIT_FAILURE;
        if (!force && !prune_confirmed(
                              all ? "local volumes not used by at least one container"
                                  : "anonymous local volumes not used by at least one container"))
                return EXIT_SUCCESS;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_new_method_call(
                bus, &m, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "PruneVolumes");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && all)
                r = sd_bus_message_append(m, "{sv}", "All", "b", 1);
        if (r >= 0)
                r = bus_append_strv_option(m, "Label", labels);
        if (r >= 0)
                r = bus_append_strv_option(m, "LabelNot", labels_not);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_error_errno(r, "Failed to build the call: %m"), EXIT_FAILURE;
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0) {
                bus_log_call_error("", &error, r);
                return EXIT_FAILURE;
        }
        return prune_print_reply(reply, "Deleted Volumes:");
}

/* The names of the container's anonymous volumes: those made for it, not those it got with
 * --volumes-from. */
static int anonymous_volumes(sd_bus *bus, const char *path, char ***ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_strv_free_ char **names = NULL;
        const char *type, *name, *origin;
        int r;

        r = sd_bus_get_property(
                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Mounts", NULL, &reply, "a(ssssssbsstu)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssbsstu)");
        while (r >= 0 && (r = sd_bus_message_read(
                                  reply,
                                  "(ssssssbsstu)",
                                  &type,
                                  &name,
                                  NULL,
                                  NULL,
                                  NULL,
                                  NULL,
                                  NULL,
                                  &origin,
                                  NULL,
                                  NULL,
                                  NULL)) > 0) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *vpath = NULL;
                _cleanup_json_ cJSON *p = NULL;

                if (!streq(type, "volume") || isempty(name) || streq(origin, "volumes-from"))
                        continue;
                if (bus_get_volume(bus, name, &error, &vpath) < 0 ||
                    bus_get_all_properties(bus, vpath, BERTH_VOLUME_IFACE, &error, &p) < 0)
                        continue;
                if (json_get_string(cJSON_GetObjectItemCaseSensitive(p, "Labels"), VOLUME_LABEL_ANONYMOUS) &&
                    strv_extend(&names, name) < 0)
                        return -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(names);
        return 0;
}

int verb_rm_with_volumes(int argc, char *argv[], bool force) {
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int status = EXIT_SUCCESS;

        if (require_args(argc, argv, 1, false, "[OPTIONS] CONTAINER [CONTAINER...]") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_strv_free_ char **volumes = NULL;
                _cleanup_free_ char *path = NULL;
                int r;

                r = bus_get_container(bus, argv[i], &error, &path);
                if (r >= 0)
                        r = anonymous_volumes(bus, path, &volumes);
                if (r >= 0)
                        r = bus_call(
                                bus,
                                path,
                                BERTH_CONTAINER_IFACE,
                                "Remove",
                                2 * 60 * USEC_PER_SEC,
                                &error,
                                NULL,
                                "b",
                                force);
                if (r < 0) {
                        bus_log_call_error("", &error, r);
                        status = EXIT_FAILURE;
                        continue;
                }
                /* Another container may still use one: that one stays, as in Docker. */
                STRV_FOREACH (v, volumes) {
                        _cleanup_bus_error_ sd_bus_error in_use = SD_BUS_ERROR_NULL;

                        (void)bus_call(
                                bus,
                                BERTH_MANAGER_PATH,
                                BERTH_MANAGER_IFACE,
                                "RemoveVolume",
                                0,
                                &in_use,
                                NULL,
                                "sb",
                                *v,
                                0);
                }
                puts(argv[i]);
        }
        return status;
}

/* Docker's container inspect "Mounts", HostConfig.Binds, HostConfig.Mounts and HostConfig.VolumesFrom. */
int container_mounts_inspect_json(sd_bus *bus, const char *path, cJSON *o, cJSON *host) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_json_ cJSON *mounts = cJSON_CreateArray(), *binds = cJSON_CreateArray(),
                             *host_mounts = cJSON_CreateArray(), *volumes_from = cJSON_CreateArray();
        _cleanup_strv_free_ char **from = NULL;
        const char *type, *name, *source, *destination, *mode, *propagation, *origin, *text;
        uint64_t tmpfs_size;
        uint32_t tmpfs_mode;
        int rw, r;

        if (!mounts || !binds || !host_mounts || !volumes_from)
                return -ENOMEM;
        r = sd_bus_get_property(
                bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Mounts", NULL, &reply, "a(ssssssbsstu)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssssbsstu)");
        while (r >= 0 && (r = sd_bus_message_read(
                                  reply,
                                  "(ssssssbsstu)",
                                  &type,
                                  &name,
                                  &source,
                                  &destination,
                                  &mode,
                                  &propagation,
                                  &rw,
                                  &origin,
                                  &text,
                                  &tmpfs_size,
                                  &tmpfs_mode)) > 0) {
                cJSON *m = cJSON_CreateObject(), *h;
                bool volume = streq(type, "volume");

                if (!m)
                        return -ENOMEM;
                cJSON_AddItemToArray(mounts, m);
                if (!cJSON_AddStringToObject(m, "Type", type) ||
                    (volume && !cJSON_AddStringToObject(m, "Name", name)) ||
                    !cJSON_AddStringToObject(m, "Source", source) ||
                    !cJSON_AddStringToObject(m, "Destination", destination) ||
                    (volume && !cJSON_AddStringToObject(m, "Driver", "local")) ||
                    !cJSON_AddStringToObject(m, "Mode", mode) || !cJSON_AddBoolToObject(m, "RW", rw) ||
                    !cJSON_AddStringToObject(m, "Propagation", propagation))
                        return -ENOMEM;

                if (streq(origin, "binds")) {
                        cJSON_AddItemToArray(binds, cJSON_CreateString(text));
                        continue;
                }
                if (streq(origin, "volumes-from")) {
                        if (!strv_contains(from, text) && strv_extend(&from, text) < 0)
                                return -ENOMEM;
                        continue;
                }
                if (!streq(origin, "mount"))
                        continue;
                h = cJSON_CreateObject();
                if (!h)
                        return -ENOMEM;
                cJSON_AddItemToArray(host_mounts, h);
                if (!cJSON_AddStringToObject(h, "Type", type) ||
                    (!streq(type, "tmpfs") &&
                     !cJSON_AddStringToObject(h, "Source", volume ? name : source)) ||
                    !cJSON_AddStringToObject(h, "Target", destination) ||
                    (!rw && !cJSON_AddBoolToObject(h, "ReadOnly", true)))
                        return -ENOMEM;
                if (streq(type, "bind") && !streq(propagation, "rprivate")) {
                        cJSON *b = cJSON_AddObjectToObject(h, "BindOptions");
                        if (!b || !cJSON_AddStringToObject(b, "Propagation", propagation))
                                return -ENOMEM;
                }
                if (streq(type, "tmpfs") && (tmpfs_size > 0 || tmpfs_mode > 0)) {
                        cJSON *t = cJSON_AddObjectToObject(h, "TmpfsOptions");
                        if (!t ||
                            (tmpfs_size > 0 &&
                             !cJSON_AddNumberToObject(t, "SizeBytes", (double)tmpfs_size)) ||
                            (tmpfs_mode > 0 && !cJSON_AddNumberToObject(t, "Mode", tmpfs_mode)))
                                return -ENOMEM;
                }
        }
        if (r < 0)
                return r;
        cJSON_AddItemToObject(o, "Mounts", TAKE_PTR(mounts));
        if (cJSON_GetArraySize(binds) > 0)
                cJSON_AddItemToObject(host, "Binds", TAKE_PTR(binds));
        else
                cJSON_AddNullToObject(host, "Binds");
        if (cJSON_GetArraySize(host_mounts) > 0)
                cJSON_AddItemToObject(host, "Mounts", TAKE_PTR(host_mounts));
        cJSON_AddItemToObject(host, "VolumesFrom", from ? json_from_strv(from) : cJSON_CreateNull());
        return 0;
}
