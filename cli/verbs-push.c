/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth push: Manager.PushImage() starts a Transfer; its LayerProgress signals become Docker's per-layer
 * lines, the last one (the manifest's) Docker's "TAG: digest: … size: N". Ctrl-C cancels the transfer. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-util.h"
#include "log.h"
#include "parse-flags.h"
#include "pull-progress.h"
#include "registry-credentials.h"
#include "transfer-wait.h"
#include "verbs.h"

#define PUSH_USAGE "Usage:  berth push [OPTIONS] NAME[:TAG]\n\nUpload an image to a registry"
#define MANIFEST_PUSHED "Manifest pushed"

typedef struct PushOutput {
        PullProgress progress;
        bool quiet;
        uint64_t manifest_size;
} PushOutput;

static int on_layer(const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata) {
        PushOutput *o = userdata;
        int r;

        if (streq(status, MANIFEST_PUSHED)) {
                o->manifest_size = total;
                return 0;
        }
        if (o->quiet)
                return 0;
        r = pull_progress_update(&o->progress, digest, status, done, total);
        fflush(o->progress.out);
        return r;
}

int verb_push(int argc, char *argv[]) {
        static const struct option options[] = {
                {"quiet", no_argument, NULL, 'q'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(transfer_result_done) TransferResult result = {};
        _cleanup_free_ char *name = NULL, *full = NULL, *auth = NULL;
        PushOutput o = {.progress = {.out = stdout}};
        const char *repository, *tag;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+q", options)) >= 0)
                switch (c) {
                case 'q':
                        o.quiet = true;
                        break;
                case 'H':
                        printf(PUSH_USAGE "\n\n"
                                          "Aliases:\n  berth image push, berth push\n\n"
                                          "Options:\n"
                                          "  -q, --quiet   Suppress verbose output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 1)
                return log_error("\"berth push\" requires exactly 1 argument.\nSee 'berth push "
                                 "--help'.\n\n" PUSH_USAGE),
                       EXIT_FAILURE;
        if (transfer_reference_names(argv[optind], &name, &full) < 0)
                return log_oom(), EXIT_FAILURE;
        if (registry_auth_for_reference(argv[optind], &auth) < 0)
                return log_oom(), EXIT_FAILURE;
        o.progress.tty = isatty(STDOUT_FILENO);

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        if (!o.quiet) {
                /* "docker.io/library/busybox:latest" → [docker.io/library/busybox], tag "latest" */
                tag = strrchr(full, ':');
                repository = full;
                if (!streq(name, argv[optind]))
                        printf("Using default tag: latest\n");
                printf("The push refers to repository [%.*s]\n", (int)(tag - repository), repository);
                fflush(stdout);
        }
        r = sd_bus_message_new_method_call(
                bus, &call, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "PushImage");
        if (r >= 0)
                r = sd_bus_message_append(call, "s", argv[optind]);
        if (r >= 0)
                r = auth ? sd_bus_message_append(call, "a{sv}", 1, "auth", "s", auth)
                         : sd_bus_message_append(call, "a{sv}", 0);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;

        r = transfer_call_and_wait(bus, call, "push", on_layer, &o, &result);
        pull_progress_done(&o.progress);
        /* Errors come in the transfer's stream, where Docker prints them as they are. */
        if (r == -EINTR)
                return 130; /* as a shell reports death by SIGINT */
        if (r < 0)
                return EXIT_FAILURE;
        if (!isempty(result.error))
                return log_error("%s", result.error), EXIT_FAILURE;

        if (o.quiet)
                printf("%s\n", full);
        else
                printf("%s: digest: %s size: %" PRIu64 "\n",
                       strrchr(full, ':') + 1,
                       result.digest,
                       o.manifest_size);
        return EXIT_SUCCESS;
}
