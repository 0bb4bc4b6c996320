/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "macro.h"
#include "parse-flags.h"
#include "verbs.h"

typedef struct Verb {
        const char *name;
        int (*run)(int argc, char *argv[]);
        const char *summary;
} Verb;

static const Verb container_verbs[] = {
        {"attach",
         verb_attach,
         "Attach local standard input, output, and error streams to a running container"},
        {"create", verb_create, "Create a new container"},
        {"exec", verb_exec, "Execute a command in a running container"},
        {"inspect", verb_inspect, "Display detailed information on one or more containers"},
        {"kill", verb_kill, "Kill one or more running containers"},
        {"logs", verb_logs, "Fetch the logs of a container"},
        {"ls", verb_ps, "List containers"},
        {"pause", verb_pause, "Pause all processes within one or more containers"},
        {"port", verb_port, "List port mappings or a specific mapping for the container"},
        {"prune", verb_container_prune, "Remove all stopped containers"},
        {"rename", verb_rename, "Rename a container"},
        {"restart", verb_restart, "Restart one or more containers"},
        {"stats", verb_stats, "Display a live stream of container(s) resource usage statistics"},
        {"top", verb_top, "Display the running processes of a container"},
        {"unpause", verb_unpause, "Unpause all processes within one or more containers"},
        {"update", verb_update, "Update configuration of one or more containers"},
        {"list", verb_ps, NULL},
        {"ps", verb_ps, NULL},
        {"rm", verb_rm, "Remove one or more containers"},
        {"remove", verb_rm, NULL},
        {"run", verb_run, "Create and run a new container from an image"},
        {"start", verb_start, "Start one or more stopped containers"},
        {"stop", verb_stop, "Stop one or more running containers"},
        {"wait", verb_wait, "Block until one or more containers stop, then print their exit codes"},
        {},
};

static const Verb image_verbs[] = {
        {"import", verb_import, "Import the contents from a tarball to create a filesystem image"},
        {"inspect", verb_inspect, "Display detailed information on one or more images"},
        {"load", verb_load, "Load an image from a tar archive or STDIN"},
        {"ls", verb_images, "List images"},
        {"pull", verb_pull, "Download an image from a registry"},
        {"push", verb_push, "Upload an image to a registry"},
        {"list", verb_images, NULL},
        {"history", verb_history, "Show the history of an image"},
        {"prune", verb_image_prune, "Remove unused images"},
        {"rm", verb_rmi, "Remove one or more images"},
        {"remove", verb_rmi, NULL},
        {"save", verb_save, "Save one or more images to a tar archive (streamed to STDOUT by default)"},
        {"tag", verb_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"},
        {},
};

static const Verb system_verbs[] = {
        {"df", verb_system_df, "Show berth disk usage"},
        {"events", verb_events, "Get real time events from the server"},
        {"info", verb_info, "Display system-wide information"},
        {},
};

static const Verb network_verbs[] = {
        {"connect", verb_network_connect, "Connect a container to a network"},
        {"create", verb_network_create, "Create a network"},
        {"disconnect", verb_network_disconnect, "Disconnect a container from a network"},
        {"inspect", verb_network_inspect, "Display detailed information on one or more networks"},
        {"ls", verb_network_ls, "List networks"},
        {"list", verb_network_ls, NULL},
        {"prune", verb_network_prune, "Remove all unused networks"},
        {"rm", verb_network_rm, "Remove one or more networks"},
        {"remove", verb_network_rm, NULL},
        {},
};

static const Verb volume_verbs[] = {
        {"create", verb_volume_create, "Create a volume"},
        {"inspect", verb_volume_inspect, "Display detailed information on one or more volumes"},
        {"ls", verb_volume_ls, "List volumes"},
        {"list", verb_volume_ls, NULL},
        {"prune", verb_volume_prune, "Remove unused local volumes"},
        {"rm", verb_volume_rm, "Remove one or more volumes"},
        {"remove", verb_volume_rm, NULL},
        {},
};

static const Verb top_verbs[] = {
        {"run", verb_run, "Create and run a new container from an image"},
        {"ps", verb_ps, "List containers"},
        {"images", verb_images, "List images"},
        {"exec", verb_exec, "Execute a command in a running container"},
        {"attach",
         verb_attach,
         "Attach local standard input, output, and error streams to a running container"},
        {"create", verb_create, "Create a new container"},
        {"start", verb_start, "Start one or more stopped containers"},
        {"stop", verb_stop, "Stop one or more running containers"},
        {"kill", verb_kill, "Kill one or more running containers"},
        {"rm", verb_rm, "Remove one or more containers"},
        {"wait", verb_wait, "Block until one or more containers stop, then print their exit codes"},
        {"restart", verb_restart, "Restart one or more containers"},
        {"pause", verb_pause, "Pause all processes within one or more containers"},
        {"unpause", verb_unpause, "Unpause all processes within one or more containers"},
        {"update", verb_update, "Update configuration of one or more containers"},
        {"rename", verb_rename, "Rename a container"},
        {"top", verb_top, "Display the running processes of a container"},
        {"port", verb_port, "List port mappings or a specific mapping for the container"},
        {"stats", verb_stats, "Display a live stream of container(s) resource usage statistics"},
        {"logs", verb_logs, "Fetch the logs of a container"},
        {"events", verb_events, "Get real time events from the server"},
        {"inspect", verb_inspect, "Return low-level information on containers or images"},
        {"pull", verb_pull, "Download an image from a registry"},
        {"push", verb_push, "Upload an image to a registry"},
        {"login", verb_login, "Log in to a registry"},
        {"logout", verb_logout, "Log out from a registry"},
        {"load", verb_load, "Load an image from a tar archive or STDIN"},
        {"save", verb_save, "Save one or more images to a tar archive (streamed to STDOUT by default)"},
        {"import", verb_import, "Import the contents from a tarball to create a filesystem image"},
        {"tag", verb_tag, "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE"},
        {"rmi", verb_rmi, "Remove one or more images"},
        {"history", verb_history, "Show the history of an image"},
        {"search", verb_search, "Search a registry for images"},
        {"info", verb_info, "Display system-wide information"},
        {"version", verb_version, "Show the berth version information"},
        {},
};

static void print_verbs(const Verb *verbs) {
        for (const Verb *v = verbs; v->name; v++)
                if (v->summary)
                        printf("  %-10s  %s\n", v->name, v->summary);
}

static void help(void) {
        printf("Usage:  berth [OPTIONS] COMMAND\n\n"
               "A Docker-compatible container engine built into systemd\n\n"
               "Options:\n"
               "  -D, --debug     Enable debug mode\n"
               "      --help      Print usage\n"
               "  -v, --version   Print version information and quit\n\n"
               "Commands:\n");
        print_verbs(top_verbs);
        printf("\nManagement Commands:\n"
               "  container   Manage containers\n"
               "  image       Manage images\n"
               "  system      Manage berth\n"
               "  network     Manage networks\n"
               "  volume      Manage volumes\n\n"
               "Run 'berth COMMAND --help' for more information on a command.\n");
}

static void noun_help(const char *noun, const char *summary, const Verb *verbs) {
        printf("Usage:  berth %s COMMAND\n\n%s\n\nCommands:\n", noun, summary);
        print_verbs(verbs);
        printf("\nRun 'berth %s COMMAND --help' for more information on a command.\n", noun);
}

static const Verb *find_verb(const Verb *verbs, const char *name) {
        for (const Verb *v = verbs; v->name; v++)
                if (streq(v->name, name))
                        return v;
        return NULL;
}

static int dispatch_noun(const char *noun, const char *summary, const Verb *verbs, int argc, char *argv[]) {
        const Verb *v;

        if (argc < 1 || streq(argv[0], "--help")) {
                noun_help(noun, summary, verbs);
                return EXIT_SUCCESS;
        }
        v = find_verb(verbs, argv[0]);
        if (!v) {
                log_error(
                        "berth: '%s %s' is not a berth command.\nSee 'berth %s --help'",
                        noun,
                        argv[0],
                        noun);
                return EXIT_FAILURE;
        }
        /* "image inspect" inspects images only. */
        if (streq(noun, "image") && streq(argv[0], "inspect"))
                argv[0] = (char *)"image-inspect";
        return v->run(argc, argv);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                {"debug", no_argument, NULL, 'D'},
                {"help", no_argument, NULL, 'H'},
                {"version", no_argument, NULL, 'v'},
                {},
        };
        const Verb *v;
        int c;

        while ((c = getopt_long(argc, argv, "+Dv", options, NULL)) >= 0)
                switch (c) {
                case 'D':
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'H':
                        help();
                        return EXIT_SUCCESS;
                case 'v':
                        printf("berth version %s\n", PACKAGE_VERSION);
                        return EXIT_SUCCESS;
                default:
                        log_error("See 'berth --help'.");
                        return EXIT_BERTH_ERROR;
                }
        if (optind >= argc) {
                help();
                return EXIT_SUCCESS;
        }

        argc -= optind;
        argv += optind;
        if (streq(argv[0], "container"))
                return dispatch_noun("container", "Manage containers", container_verbs, argc - 1, argv + 1);
        if (streq(argv[0], "image"))
                return dispatch_noun("image", "Manage images", image_verbs, argc - 1, argv + 1);
        if (streq(argv[0], "system"))
                return dispatch_noun("system", "Manage berth", system_verbs, argc - 1, argv + 1);
        if (streq(argv[0], "network"))
                return dispatch_noun("network", "Manage networks", network_verbs, argc - 1, argv + 1);
        if (streq(argv[0], "volume"))
                return dispatch_noun("volume", "Manage volumes", volume_verbs, argc - 1, argv + 1);
        if (streq(argv[0], "help")) {
                help();
                return EXIT_SUCCESS;
        }
        v = find_verb(top_verbs, argv[0]);
        if (!v) {
                log_error("berth: '%s' is not a berth command.\nSee 'berth --help'", argv[0]);
                return EXIT_FAILURE;
        }
        return v->run(argc, argv);
}
