/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "log.h"
#include "parse-flags.h"
#include "resource-flags.h"
#include "strv.h"
#include "verbs.h"

static void update_help(void) {
        printf("Usage:  berth update [OPTIONS] CONTAINER [CONTAINER...]\n\n"
               "Update configuration of one or more containers (a running container's limits change at "
               "once, its restart policy at its next start)\n\n"
               "Options:\n" RESOURCE_FLAG_HELP
               "      --restart string       Restart policy to apply when a container exits\n");
}

static void print_warnings(char **warnings) {
        STRV_FOREACH (w, warnings)
                fprintf(stderr, "WARNING: %s\n", *w);
}

void container_print_resource_warnings(sd_bus *bus, const char *path) {
        _cleanup_strv_free_ char **warnings = NULL;

        if (sd_bus_get_property_strv(
                    bus, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "ResourceWarnings", NULL, &warnings) >=
            0)
                print_warnings(warnings);
}

/* Container.Update with the flags given, for one container. */
static int update_one(sd_bus *bus, const char *name, const ResourceFlags *f, const char *restart) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_strv_free_ char **warnings = NULL;
        _cleanup_free_ char *path = NULL;
        int r;

        r = bus_get_container(bus, name, &error, &path);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        r = sd_bus_message_new_method_call(bus, &m, BERTH_BUS_NAME, path, BERTH_CONTAINER_IFACE, "Update");
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = resource_flags_append(m, f);
        if (r >= 0 && restart)
                r = sd_bus_message_append(m, "{sv}", "RestartPolicy", "s", restart);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to build the update call: %m");
        r = sd_bus_call(bus, m, 0, &error, &reply);
        if (r < 0)
                return bus_log_call_error("", &error, r), r;
        r = sd_bus_message_read_strv(reply, &warnings);
        if (r < 0)
                return log_error_errno(r, "berth: Failed to parse the update reply: %m");
        print_warnings(warnings);
        puts(name);
        return 0;
}

int verb_update(int argc, char *argv[]) {
        enum {
                ARG_RESTART = 0x100,
                ARG_HELP,
        };
        static const struct option options[] = {
                RESOURCE_FLAG_OPTIONS,
                {"restart", required_argument, NULL, ARG_RESTART},
                {"help", no_argument, NULL, ARG_HELP},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(resource_flags_done) ResourceFlags f = {};
        const char *restart = NULL;
        int c, status = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+c:m:", options)) >= 0)
                switch (c) {
                case 'm':
                case 'c':
                case RESOURCE_FLAG_MEMORY ... _RESOURCE_FLAG_LAST:
                        if (resource_flags_parse(
                                    &f,
                                    c == 'm'   ? RESOURCE_FLAG_MEMORY
                                    : c == 'c' ? RESOURCE_FLAG_CPU_SHARES
                                               : c,
                                    optarg) < 0)
                                return EXIT_BERTH_ERROR;
                        break;
                case ARG_RESTART:
                        restart = optarg;
                        break;
                case ARG_HELP:
                        update_help();
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(argc, argv, 1, false, "[OPTIONS] CONTAINER [CONTAINER...]") < 0)
                return EXIT_FAILURE;
        /* Docker's words for an update that would change nothing. */
        if (f.given == 0 && !restart)
                return log_error("You must provide one or more flags when using this command."),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++)
                if (update_one(bus, argv[i], &f, restart) < 0)
                        status = EXIT_FAILURE;
        return status;
}
