/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berthd: the D-Bus daemon org.berth.berth1. Owns berth's state; containers run in their own systemd
 * units, so this process may be restarted at any time. */

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus-authorize.h"
#include "bus-container-create.h"
#include "bus-container.h"
#include "bus-errors.h"
#include "bus-image.h"
#include "bus-introspect.h"
#include "bus-manager.h"
#include "bus-network.h"
#include "bus-transfer.h"
#include "bus-util.h"
#include "bus-volume.h"
#include "container-restart.h"
#include "log.h"
#include "manager.h"
#include "unit-manager.h"
#include "volume-store.h"

static const char *arg_state_dir = BERTH_STATE_DIR;

static void help(void) {
        printf("berthd [OPTIONS...]\n\n"
               "The berth container engine daemon (D-Bus service %s).\n\n"
               "  -h --help              Show this help\n"
               "     --version           Show the version\n"
               "     --bus-introspect    Print the D-Bus interfaces' introspection XML\n"
               "     --state-dir=PATH    State directory (default: %s)\n",
               BERTH_BUS_NAME,
               BERTH_STATE_DIR);
}

static int print_introspection(void) {
        static const BusInterface interfaces[] = {
                {BERTH_MANAGER_IFACE, bus_manager_vtable},
                {BERTH_CONTAINER_IFACE, bus_container_vtable},
                {BERTH_IMAGE_IFACE, bus_image_vtable},
                {BERTH_TRANSFER_IFACE, bus_transfer_vtable},
                {BERTH_VOLUME_IFACE, bus_volume_vtable},
                {BERTH_NETWORK_IFACE, bus_network_vtable},
        };
        return bus_introspect_print(stdout, interfaces, ELEMENTSOF(interfaces));
}

/* Returns > 0 to run the daemon, 0 to exit successfully, < 0 on error. */
static int parse_argv(int argc, char *argv[]) {
        enum {
                ARG_VERSION = 0x100,
                ARG_BUS_INTROSPECT,
                ARG_STATE_DIR,
        };
        static const struct option options[] = {
                {"help", no_argument, NULL, 'h'},
                {"version", no_argument, NULL, ARG_VERSION},
                {"bus-introspect", no_argument, NULL, ARG_BUS_INTROSPECT},
                {"state-dir", required_argument, NULL, ARG_STATE_DIR},
                {},
        };
        int c, r;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        help();
                        return 0;
                case ARG_VERSION:
                        printf("berthd %s\n", PACKAGE_VERSION);
                        return 0;
                case ARG_BUS_INTROSPECT:
                        r = print_introspection();
                        return r < 0 ? log_error_errno(r, "Failed to print the introspection data: %m") : 0;
                case ARG_STATE_DIR:
                        if (optarg[0] != '/')
                                return log_error_errno(EINVAL, "--state-dir= needs an absolute path.");
                        arg_state_dir = optarg;
                        break;
                default:
                        return -EINVAL;
                }

        if (optind < argc)
                return log_error_errno(EINVAL, "This program takes no arguments.");
        return 1;
}

static int run(int argc, char *argv[]) {
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(manager_freep) Manager *m = NULL;
        sigset_t mask;
        int r;

        /* Under systemd stderr is the journal: let it see our priorities. */
        if (getenv("JOURNAL_STREAM"))
                log_set_prefix_priority(true);

        r = parse_argv(argc, argv);
        if (r <= 0)
                return r;

        sigemptyset(&mask);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
                return log_error_errno(errno, "Failed to block signals: %m");

        r = sd_event_default(&event);
        if (r < 0)
                return log_error_errno(r, "Failed to allocate the event loop: %m");
        r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGTERM: %m");
        r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
        if (r < 0)
                return log_error_errno(r, "Failed to watch SIGINT: %m");

        r = sd_bus_error_add_map(berth_bus_error_map);
        if (r < 0)
                return log_error_errno(r, "Failed to register the error map: %m");

        r = sd_bus_default_system(&bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0)
                return log_error_errno(r, "Failed to attach the bus to the event loop: %m");

        r = bus_authorize_install(bus);
        if (r < 0)
                return r;

        r = manager_new(event, bus, arg_state_dir, &m);
        if (r < 0)
                return r;

        /* Subscribed before any unit is touched, so no JobRemoved or state change is missed. */
        r = unit_manager_attach(m);
        if (r < 0)
                return r;
        r = bus_manager_register(m);
        if (r < 0)
                return r;
        r = bus_container_create_attach(m);
        if (r < 0)
                return r;
        r = manager_check_boot(m, BERTH_RUN_DIR);
        if (r < 0)
                return r;
        r = manager_load_containers(m);
        if (r < 0)
                return r;
        (void)volume_collect_leftovers(m->state_dir);

        r = sd_bus_request_name(bus, BERTH_BUS_NAME, 0);
        if (r < 0)
                return log_error_errno(r, "Failed to acquire the bus name %s: %m", BERTH_BUS_NAME);
        r = manager_start_at_boot(m);
        if (r < 0)
                return r;

        log_info("berthd %s running, state in %s.", PACKAGE_VERSION, arg_state_dir);
        r = sd_event_loop(event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m");
        return 0;
}

int main(int argc, char *argv[]) {
        return run(argc, argv) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
