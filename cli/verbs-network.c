/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <stdlib.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "container-ports.h"
#include "json-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "prune.h"
#include "strv.h"
#include "verbs.h"

int verb_port(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL, *out = NULL;
        _cleanup_free_ PortMapping *ports = NULL;
        const char *filter;
        size_t n = 0;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage:  berth port CONTAINER [PRIVATE_PORT[/PROTO]]\n\n"
                               "List port mappings or a specific mapping for the container\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "CONTAINER [PRIVATE_PORT[/PROTO]]") < 0 || argc - optind > 2)
                return EXIT_FAILURE;
        filter = argc - optind == 2 ? argv[optind + 1] : NULL;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        r = bus_get_container(bus, argv[optind], &error, &path);
        if (r >= 0)
                r = container_ports_fetch(bus, path, &ports, &n);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;

        r = ports_format_port_verb(ports, n, filter, &out);
        if (r == -ENOENT || r == -EINVAL) {
                _cleanup_free_ char *key = NULL;

                /* Docker names the port with its protocol. */
                if (asprintf(&key, "%s%s", filter, strchr(filter, '/') ? "" : "/tcp") < 0)
                        return log_oom(), EXIT_FAILURE;
                return log_error("Error: No public port '%s' published for %s", key, argv[optind]),
                       EXIT_FAILURE;
        }
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
        fputs(out, stdout);
        return EXIT_SUCCESS;
}

/* berth network …: user networks over Manager.CreateNetwork, ListNetworks, GetNetwork, RemoveNetwork and
 * PruneNetworks; connect and disconnect over the network's Connect and Disconnect. */

int verb_network_create(int argc, char *argv[]) {
        static const struct option options[] = {
                {"driver", required_argument, NULL, 'd'},
                {"subnet", required_argument, NULL, 'S'},
                {"gateway", required_argument, NULL, 'G'},
                {"opt", required_argument, NULL, 'o'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **opts = NULL;
        _cleanup_free_ char *id = NULL;
        const char *driver = NULL, *subnet = NULL, *gateway = NULL, *path;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+d:o:", options)) >= 0)
                switch (c) {
                case 'd':
                        driver = optarg;
                        break;
                case 'o': {
                        /* Docker's map option: key=value, a key alone is an empty value. */
                        size_t key = strcspn(optarg, "=");

                        if (strv_consume(&opts, strndup(optarg, key)) < 0 ||
                            strv_extend(&opts, optarg[key] ? optarg + key + 1 : "") < 0)
                                return log_oom(), EXIT_FAILURE;
                        break;
                }
                case 'S':
                        subnet = optarg;
                        break;
                case 'G':
                        gateway = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth network create [OPTIONS] NETWORK\n\nCreate a network\n\n"
                               "Options:\n"
                               "  -d, --driver string    Driver to manage the Network (default \"bridge\")\n"
                               "      --gateway string   IPv4 Gateway for the master subnet\n"
                               "  -o, --opt map          Set driver specific options (default map[])\n"
                               "      --subnet string    Subnet in CIDR format that represents a network "
                               "segment\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, true, "[OPTIONS] NETWORK") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_new_method_call(
                bus, &m, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "CreateNetwork");
        if (r >= 0)
                r = sd_bus_message_append(m, "s", argv[optind]);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && driver)
                r = sd_bus_message_append(m, "{sv}", "Driver", "s", driver);
        if (r >= 0 && subnet)
                r = sd_bus_message_append(m, "{sv}", "Subnet", "s", subnet);
        if (r >= 0 && gateway)
                r = sd_bus_message_append(m, "{sv}", "Gateway", "s", gateway);
        if (r >= 0 && opts) {
                r = sd_bus_message_open_container(m, 'e', "sv");
                if (r >= 0)
                        r = sd_bus_message_append(m, "s", "Options");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'v', "a{ss}");
                if (r >= 0)
                        r = sd_bus_message_open_container(m, 'a', "{ss}");
                for (char **p = opts; r >= 0 && *p; p += 2)
                        r = sd_bus_message_append(m, "{ss}", p[0], p[1]);
                for (int i = 0; r >= 0 && i < 3; i++)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_oom(), EXIT_FAILURE;
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r >= 0)
                r = sd_bus_message_read(reply, "o", &path);
        if (r >= 0)
                r = sd_bus_get_property_string(
                        bus, BERTH_BUS_NAME, path, "org.berth.berth1.Network", "Id", &error, &id);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        puts(id);
        return EXIT_SUCCESS;
}

static int network_rows(sd_bus *bus, cJSON **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_json_ cJSON *rows = cJSON_CreateArray();
        const char *name, *id, *driver, *subnet, *gateway, *scope, *path;
        uint64_t created;
        int r;

        if (!rows)
                return log_oom();
        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "ListNetworks", 0, &error, &reply, NULL);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        r = sd_bus_message_enter_container(reply, 'a', "(ssssstso)");
        while (r >= 0 && (r = sd_bus_message_read(
                                  reply,
                                  "(ssssstso)",
                                  &name,
                                  &id,
                                  &driver,
                                  &subnet,
                                  &gateway,
                                  &created,
                                  &scope,
                                  &path)) > 0) {
                cJSON *o = cJSON_CreateObject();
                char t[FORMAT_BUF];

                if (!o)
                        return log_oom();
                cJSON_AddItemToArray(rows, o);
                if (!cJSON_AddStringToObject(o, "ID", id) || !cJSON_AddStringToObject(o, "Name", name) ||
                    !cJSON_AddStringToObject(o, "Driver", driver) ||
                    !cJSON_AddStringToObject(o, "Scope", scope) ||
                    !cJSON_AddStringToObject(o, "Subnet", subnet) ||
                    !cJSON_AddStringToObject(o, "Gateway", gateway) ||
                    !cJSON_AddStringToObject(o, "CreatedAt", format_go_time(t, created)) ||
                    !cJSON_AddStringToObject(o, "IPv6", "false") ||
                    !cJSON_AddStringToObject(o, "Internal", "false") ||
                    !cJSON_AddStringToObject(o, "Labels", ""))
                        return log_oom();
        }
        if (r < 0)
                return log_error_errno(r, "Failed to read the networks: %m");
        *ret = TAKE_PTR(rows);
        return 0;
}

static const Column network_columns[] = {
        {"ID", "NETWORK ID", true},
        {"Name", "NAME", true},
        {"Driver", "DRIVER", true},
        {"Scope", "SCOPE", true},
        {"IPv6", "IPV6", false},
        {"Internal", "INTERNAL", false},
        {"Labels", "LABELS", false},
        {"CreatedAt", "CREATED AT", false},
};

int verb_network_ls(int argc, char *argv[]) {
        static const struct option options[] = {
                {"quiet", no_argument, NULL, 'q'},
                {"no-trunc", no_argument, NULL, 'N'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_json_ cJSON *rows = NULL;
        _cleanup_free_ char *body = NULL;
        const char *format_arg = NULL;
        bool quiet = false, trunc = true;
        OutputFormat format;
        cJSON *o;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+q", options)) >= 0)
                switch (c) {
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
                        printf("Usage:  berth network ls [OPTIONS]\n\nList networks\n\nAliases:\n  ls, "
                               "list\n\n"
                               "Options:\n"
                               "      --format string   Format output: table, json, or a template\n"
                               "      --no-trunc        Do not truncate the output\n"
                               "  -q, --quiet           Only display network IDs\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth network ls\" accepts no arguments."), EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0 || network_rows(bus, &rows) < 0)
                return EXIT_FAILURE;
        if (trunc)
                cJSON_ArrayForEach (o, rows)
                        cJSON_GetObjectItem(o, "ID")->valuestring[12] = 0;
        if (quiet) {
                cJSON_ArrayForEach (o, rows)
                        puts(json_get_string(o, "ID"));
                return EXIT_SUCCESS;
        }
        return print_formatted_rows(rows, format, body, network_columns, ELEMENTSOF(network_columns)) < 0
                       ? EXIT_FAILURE
                       : EXIT_SUCCESS;
}

/* Docker's shape of `network inspect`. */
static int network_inspect_json(sd_bus *bus, const char *path, sd_bus_error *error, cJSON **ret) {
        _cleanup_json_ cJSON *p = NULL, *o = NULL;
        cJSON *ipam, *config, *containers, *ids, *e;
        char t[FORMAT_BUF];
        int r;

        r = bus_get_all_properties(bus, path, "org.berth.berth1.Network", error, &p);
        if (r < 0)
                return r;
        o = cJSON_CreateObject();
        if (!o)
                return -ENOMEM;
        cJSON_AddStringToObject(o, "Name", json_get_string(p, "Name") ?: "");
        cJSON_AddStringToObject(o, "Id", json_get_string(p, "Id") ?: "");
        cJSON_AddStringToObject(
                o, "Created", format_rfc3339nano(t, (uint64_t)json_get_integer(p, "Created", 0)));
        cJSON_AddStringToObject(o, "Scope", json_get_string(p, "Scope") ?: "local");
        cJSON_AddStringToObject(o, "Driver", json_get_string(p, "Driver") ?: "");
        cJSON_AddBoolToObject(o, "EnableIPv6", false);
        ipam = cJSON_AddObjectToObject(o, "IPAM");
        if (!ipam)
                return -ENOMEM;
        cJSON_AddStringToObject(ipam, "Driver", "default");
        cJSON_AddNullToObject(ipam, "Options");
        config = cJSON_AddArrayToObject(ipam, "Config");
        if (!config)
                return -ENOMEM;
        if (!isempty(json_get_string(p, "Subnet"))) {
                e = cJSON_CreateObject();
                if (!e)
                        return -ENOMEM;
                cJSON_AddItemToArray(config, e);
                cJSON_AddStringToObject(e, "Subnet", json_get_string(p, "Subnet"));
                cJSON_AddStringToObject(e, "Gateway", json_get_string(p, "Gateway") ?: "");
        }
        cJSON_AddBoolToObject(o, "Internal", false);
        cJSON_AddBoolToObject(o, "Attachable", false);
        containers = cJSON_AddObjectToObject(o, "Containers");
        if (!containers)
                return -ENOMEM;
        ids = cJSON_GetObjectItemCaseSensitive(p, "Containers");
        cJSON_ArrayForEach (e, ids)
                if (cJSON_IsString(e) && !cJSON_AddObjectToObject(containers, e->valuestring))
                        return -ENOMEM;
        e = cJSON_DetachItemFromObjectCaseSensitive(p, "Options");
        cJSON_AddItemToObject(o, "Options", e ?: cJSON_CreateObject());
        cJSON_AddItemToObject(o, "Labels", cJSON_CreateObject());
        *ret = TAKE_PTR(o);
        return 0;
}

int verb_network_inspect(int argc, char *argv[]) {
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
        cJSON *o;

        optind = 0;
        while ((c = next_option(argc, argv, "+f:", options)) >= 0)
                switch (c) {
                case 'f':
                        format_arg = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth network inspect [OPTIONS] NETWORK [NETWORK...]\n\n"
                               "Display detailed information on one or more networks\n\n"
                               "Options:\n  -f, --format string   Format the output using the given Go "
                               "template\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (!array)
                return log_oom(), EXIT_FAILURE;
        if (require_args(argc, argv, 1, false, "[OPTIONS] NETWORK [NETWORK...]") < 0)
                return EXIT_FAILURE;
        if (output_format_parse(format_arg, &format, &body) < 0)
                return log_oom(), EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_free_ char *path = NULL;

                o = NULL;
                r = bus_get_network(bus, argv[i], &error, &path);
                if (r >= 0)
                        r = network_inspect_json(bus, path, &error, &o);
                if (r < 0) {
                        if (sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_NETWORK))
                                log_error("Error: No such network: %s", argv[i]);
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

int verb_network_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        int c, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage:  berth network rm NETWORK [NETWORK...]\n\nRemove one or more "
                               "networks\n\n"
                               "Aliases:\n  rm, remove\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "NETWORK [NETWORK...]") < 0)
                return EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
                int r;

                r = bus_call(
                        bus,
                        BERTH_MANAGER_PATH,
                        BERTH_MANAGER_IFACE,
                        "RemoveNetwork",
                        0,
                        &error,
                        NULL,
                        "s",
                        argv[i]);
                if (r < 0) {
                        bus_log_call_error("", &error, r);
                        status = EXIT_FAILURE;
                        continue;
                }
                puts(argv[i]);
        }
        return status;
}

int verb_network_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **deleted = NULL;
        bool force = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'H':
                        printf("Usage:  berth network prune [OPTIONS]\n\nRemove all unused networks\n\n"
                               "Options:\n  -f, --force   Do not prompt for confirmation\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (!force && !prune_confirmed("custom networks not used by at least one container"))
                return EXIT_SUCCESS;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(bus, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "PruneNetworks", 0, &error, &reply, NULL);
        if (r >= 0)
                r = sd_bus_message_read_strv(reply, &deleted);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        if (deleted) {
                puts("Deleted Networks:");
                STRV_FOREACH (d, deleted)
                        puts(*d);
        }
        return EXIT_SUCCESS;
}

/* Network.Connect and Disconnect on the network's object. */
static int network_call(
        sd_bus *bus,
        const char *network,
        const char *container,
        const char *member,
        char **aliases,
        const char *ip,
        bool force) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_get_network(bus, network, &error, &path);
        if (r < 0) {
                if (sd_bus_error_has_name(&error, BERTH_ERROR_NO_SUCH_NETWORK))
                        return log_error("Error response from daemon: network %s not found", network), r;
                return bus_log_call_error("", &error, r), r;
        }
        r = sd_bus_message_new_method_call(
                bus, &m, BERTH_BUS_NAME, path, "org.berth.berth1.Network", member);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", container);
        if (r >= 0 && streq(member, "Connect")) {
                r = sd_bus_message_open_container(m, 'a', "{sv}");
                if (r >= 0 && aliases) {
                        r = sd_bus_message_open_container(m, 'e', "sv");
                        if (r >= 0)
                                r = sd_bus_message_append(m, "s", "Aliases");
                        if (r >= 0)
                                r = sd_bus_message_open_container(m, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_append_strv(m, aliases);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                        if (r >= 0)
                                r = sd_bus_message_close_container(m);
                }
                if (r >= 0 && ip)
                        r = sd_bus_message_append(m, "{sv}", "IPv4Address", "s", ip);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
        } else if (r >= 0)
                r = sd_bus_message_append(m, "b", force);
        if (r < 0)
                return log_oom();
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        return 0;
}

int verb_network_connect(int argc, char *argv[]) {
        static const struct option options[] = {
                {"alias", required_argument, NULL, 'a'},
                {"ip", required_argument, NULL, 'i'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_strv_free_ char **aliases = NULL;
        const char *ip = NULL;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'a':
                        if (strv_extend(&aliases, optarg) < 0)
                                return log_oom(), EXIT_FAILURE;
                        break;
                case 'i':
                        ip = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth network connect [OPTIONS] NETWORK CONTAINER\n\n"
                               "Connect a container to a network\n\n"
                               "Options:\n"
                               "      --alias strings   Add network-scoped alias for the container\n"
                               "      --ip string       IPv4 address (e.g., \"172.30.100.104\")\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 2) {
                log_error("\"berth network connect\" requires exactly 2 arguments.\n"
                          "See 'berth network connect --help'.\n\n"
                          "Usage:  berth network connect [OPTIONS] NETWORK CONTAINER\n\n"
                          "Connect a container to a network");
                return EXIT_FAILURE;
        }
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        return network_call(bus, argv[optind], argv[optind + 1], "Connect", aliases, ip, false) < 0
                       ? EXIT_FAILURE
                       : EXIT_SUCCESS;
}

int verb_network_disconnect(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        bool force = false;
        int c;

        optind = 0;
        while ((c = next_option(argc, argv, "+f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'H':
                        printf("Usage:  berth network disconnect [OPTIONS] NETWORK CONTAINER\n\n"
                               "Disconnect a container from a network\n\n"
                               "Options:\n"
                               "  -f, --force   Force the container to disconnect from a network\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 2) {
                log_error("\"berth network disconnect\" requires exactly 2 arguments.\n"
                          "See 'berth network disconnect --help'.\n\n"
                          "Usage:  berth network disconnect [OPTIONS] NETWORK CONTAINER\n\n"
                          "Disconnect a container from a network");
                return EXIT_FAILURE;
        }
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        return network_call(bus, argv[optind], argv[optind + 1], "Disconnect", NULL, NULL, force) < 0
                       ? EXIT_FAILURE
                       : EXIT_SUCCESS;
}
