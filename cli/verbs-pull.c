/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth pull: Manager.PullImage() starts a Transfer (transfer-wait.h); its LayerProgress signals become
 * Docker's per-layer lines and its Finished signal carries the result. Ctrl-C cancels the transfer. */
#include <getopt.h>
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

#define PULL_USAGE "Usage:  berth pull [OPTIONS] NAME[:TAG|@DIGEST]\n\nDownload an image from a registry"

typedef struct PullOutput {
        PullProgress progress;
        bool quiet;
        const char *full; /* for the header line, printed once the registry answered */
        bool header_shown;
} PullOutput;

/* "latest: Pulling from library/busybox" for "docker.io/library/busybox:latest". */
static void show_header(PullOutput *o) {
        const char *path = strchr(o->full, '/') + 1, *at = strchr(path, '@');
        const char *colon = at ? at : strrchr(path, ':');

        if (o->quiet || o->header_shown)
                return;
        o->header_shown = true;
        printf("%s: Pulling from %.*s\n", colon + 1, (int)(colon - path), path);
}

static int
show_layer(const char *digest, const char *status, uint64_t done, uint64_t total, void *userdata) {
        PullOutput *o = userdata;
        int r;

        if (o->quiet)
                return 0;
        show_header(o);
        r = pull_progress_update(&o->progress, digest, status, done, total);
        fflush(o->progress.out);
        return r;
}

int verb_pull(int argc, char *argv[]) {
        static const struct option options[] = {
                {"quiet", no_argument, NULL, 'q'},
                {"platform", required_argument, NULL, 'P'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        _cleanup_(transfer_result_done) TransferResult result = {};
        _cleanup_free_ char *name = NULL, *full = NULL, *auth = NULL;
        PullOutput o = {.progress = {.out = stdout}};
        const char *platform = NULL;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+q", options)) >= 0)
                switch (c) {
                case 'q':
                        o.quiet = true;
                        break;
                case 'P':
                        platform = optarg;
                        break;
                case 'H':
                        printf(PULL_USAGE
                               "\n\n"
                               "Options:\n"
                               "      --platform string   Set platform if server is multi-platform capable\n"
                               "  -q, --quiet             Suppress verbose output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 1)
                return log_error("\"berth pull\" requires exactly 1 argument.\nSee 'berth pull "
                                 "--help'.\n\n" PULL_USAGE),
                       EXIT_FAILURE;
        if (transfer_reference_names(argv[optind], &name, &full) < 0)
                return log_oom(), EXIT_FAILURE;
        if (registry_auth_for_reference(argv[optind], &auth) < 0)
                return log_oom(), EXIT_FAILURE;
        o.progress.tty = isatty(STDOUT_FILENO);
        o.full = full;

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        if (!o.quiet) {
                if (!streq(name, argv[optind]))
                        printf("Using default tag: latest\n");
                fflush(stdout);
        }
        r = sd_bus_message_new_method_call(
                bus, &call, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "PullImage");
        if (r >= 0)
                r = sd_bus_message_append(call, "s", argv[optind]);
        if (r >= 0)
                r = sd_bus_message_open_container(call, 'a', "{sv}");
        if (r >= 0 && platform)
                r = sd_bus_message_append(call, "{sv}", "platform", "s", platform);
        if (r >= 0 && auth)
                r = sd_bus_message_append(call, "{sv}", "auth", "s", auth);
        if (r >= 0)
                r = sd_bus_message_close_container(call);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;

        r = transfer_call_and_wait(bus, call, "pull", show_layer, &o, &result);
        pull_progress_done(&o.progress);
        if (r == -EINTR)
                return 130; /* as a shell reports death by SIGINT */
        if (r < 0)
                return EXIT_FAILURE;
        if (!isempty(result.error))
                return log_error("Error response from daemon: %s", result.error), EXIT_FAILURE;

        if (o.quiet)
                printf("%s\n", full);
        else {
                show_header(&o);
                printf("Digest: %s\nStatus: %s for %s\n%s\n",
                       result.digest,
                       result.updated ? "Downloaded newer image" : "Image is up to date",
                       name,
                       full);
        }
        return EXIT_SUCCESS;
}
