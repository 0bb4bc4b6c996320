/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-util.h"
#include "log.h"
#include "output.h"
#include "parse-flags.h"
#include "prune.h"
#include "strv.h"
#include "verbs.h"

int verb_tag(int argc, char *argv[]) {
        static const struct option options[] = {
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+", options)) >= 0)
                switch (c) {
                case 'H':
                        printf("Usage:  berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
                               "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 2)
                return log_error("\"berth tag\" requires exactly 2 arguments.\nSee 'berth tag --help'.\n\n"
                                 "Usage:  berth tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
                                 "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "TagImage",
                0,
                &error,
                NULL,
                "ss",
                argv[optind],
                argv[optind + 1]);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;
        return EXIT_SUCCESS;
}

int verb_rmi(int argc, char *argv[]) {
        static const struct option options[] = {
                {"force", no_argument, NULL, 'f'},
                {"no-prune", no_argument, NULL, 'P'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        bool force = false;
        int c, r, ret = EXIT_SUCCESS;

        optind = 0;
        while ((c = next_option(argc, argv, "+f", options)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'P':
                        break; /* untagged parents are not kept as separate images here */
                case 'H':
                        printf("Usage:  berth rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more "
                               "images\n\n"
                               "Options:\n  -f, --force      Force removal of the image\n"
                               "      --no-prune   Do not delete untagged parents\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind >= argc)
                return log_error(
                               "\"berth rmi\" requires at least 1 argument.\nSee 'berth rmi --help'.\n\n"
                               "Usage:  berth rmi [OPTIONS] IMAGE [IMAGE...]\n\nRemove one or more images"),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;

        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_strv_free_ char **lines = NULL;

                r = bus_call(
                        bus,
                        BERTH_MANAGER_PATH,
                        BERTH_MANAGER_IFACE,
                        "RemoveImage",
                        BUS_TIMEOUT_LONG_USEC,
                        &error,
                        &reply,
                        "sb",
                        argv[i],
                        force);
                if (r < 0) {
                        bus_log_call_error("", &error, r);
                        ret = EXIT_FAILURE;
                        continue;
                }
                r = sd_bus_message_read_strv(reply, &lines);
                if (r < 0) {
                        bus_log_call_error("", NULL, r);
                        ret = EXIT_FAILURE;
                        continue;
                }
                STRV_FOREACH (l, lines)
                        printf("%s\n", *l);
        }
        return ret;
}

int verb_image_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                {"all", no_argument, NULL, 'a'},
                {"force", no_argument, NULL, 'f'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
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
                case 'H':
                        printf("Usage:  berth image prune [OPTIONS]\n\nRemove unused images\n\n"
                               "Options:\n  -a, --all     Remove all unused images, not just dangling ones\n"
                               "  -f, --force   Do not prompt for confirmation\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (optind < argc)
                return log_error("\"berth image prune\" accepts no arguments."), EXIT_FAILURE;
        if (!force &&
            !prune_confirmed(
                    all ? "images without at least one container associated to them" : "dangling images"))
                return EXIT_SUCCESS;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "PruneImages",
                BUS_TIMEOUT_LONG_USEC,
                NULL,
                &reply,
                "b",
                all);
        if (r < 0)
                return EXIT_FAILURE;
        return prune_print_reply(reply, "Deleted Images:");
}

int verb_history(int argc, char *argv[]) {
        static const struct option options[] = {
                {"no-trunc", no_argument, NULL, 'N'},
                {"human", optional_argument, NULL, 'h'},
                {"quiet", no_argument, NULL, 'q'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(table_freep) Table *t = NULL;
        bool trunc = true, quiet = false;
        uint64_t now = now_realtime_usec();
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+q", options)) >= 0)
                switch (c) {
                case 'N':
                        trunc = false;
                        break;
                case 'h':
                        break; /* sizes and dates are always human readable */
                case 'q':
                        quiet = true;
                        break;
                case 'H':
                        printf("Usage:  berth history [OPTIONS] IMAGE\n\nShow the history of an image\n\n"
                               "Options:\n      --no-trunc   Don't truncate output\n"
                               "  -q, --quiet      Only show image IDs\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 1)
                return log_error("\"berth history\" requires exactly 1 argument.\nSee 'berth history "
                                 "--help'.\n\n"
                                 "Usage:  berth history [OPTIONS] IMAGE\n\nShow the history of an image"),
                       EXIT_FAILURE;
        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "GetImageHistory",
                0,
                &error,
                &reply,
                "s",
                argv[optind]);
        if (r < 0)
                return bus_log_call_error("", &error, r), EXIT_FAILURE;

        t = table_new(5);
        if (!t)
                return log_oom(), EXIT_FAILURE;
        if (!quiet && table_add_row(t, STRV_MAKE("IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT")) < 0)
                return log_oom(), EXIT_FAILURE;
        r = sd_bus_message_enter_container(reply, 'a', "(sttss)");
        while (r >= 0) {
                _cleanup_free_ char *by = NULL, *short_id = NULL;
                const char *id, *created_by, *comment;
                char ago[FORMAT_BUF], size_buf[FORMAT_BUF];
                uint64_t created, size;

                r = sd_bus_message_read(reply, "(sttss)", &id, &created, &size, &created_by, &comment);
                if (r <= 0)
                        break;
                if (isempty(id))
                        short_id = strdup("<missing>");
                else
                        short_id = trunc ? strndup(id + (strncmp(id, "sha256:", 7) == 0 ? 7 : 0), 12)
                                         : strdup(id);
                by = trunc ? ellipsize(created_by, 45) : strdup(created_by);
                if (!short_id || !by)
                        return log_oom(), EXIT_FAILURE;
                if (quiet) {
                        puts(short_id);
                        continue;
                }
                if (table_add_row(
                            t,
                            STRV_MAKE(
                                    short_id,
                                    created ? format_ago(ago, created, now) : "N/A",
                                    by,
                                    format_size(size_buf, size),
                                    comment)) < 0)
                        return log_oom(), EXIT_FAILURE;
        }
        if (r < 0)
                return log_error_errno(r, "Failed to parse the reply: %m"), EXIT_FAILURE;
        if (!quiet)
                table_print(t, stdout);
        return EXIT_SUCCESS;
}
