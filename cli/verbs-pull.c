/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth pull: Manager.PullImage() starts a Transfer; its Finished signal carries the result. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus-util.h"
#include "log.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

#define TRANSFER_IFACE "org.berth.berth1.Transfer"

typedef struct PullWait {
        char *path; /* our transfer, once PullImage answered */
        /* results seen before or after that, for any transfer: we keep only the one for path */
        char **finished_paths;
        char **finished_results; /* "id\nmanifest\nerror" */
        bool removed_without_result;
} PullWait;

static void pull_wait_done(PullWait *w) {
        free(w->path);
        strv_free(w->finished_paths);
        strv_free(w->finished_results);
}

static int on_finished(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        PullWait *w = userdata;
        const char *id, *manifest, *err;
        char *text = NULL;

        if (sd_bus_message_read(m, "sss", &id, &manifest, &err) < 0)
                return 0;
        if (asprintf(&text, "%s\n%s\n%s", id, manifest, err) < 0)
                return -ENOMEM;
        if (strv_extend(&w->finished_paths, sd_bus_message_get_path(m)) < 0 ||
            strv_consume(&w->finished_results, text) < 0)
                return -ENOMEM;
        return 0;
}

static const char *find_result(const PullWait *w) {
        for (size_t i = 0; w->path && w->finished_paths && w->finished_paths[i]; i++)
                if (streq(w->finished_paths[i], w->path))
                        return w->finished_results[i];
        return NULL;
}

/* "busybox" → "busybox:latest"; with a tag or digest unchanged. */
static int with_tag(const char *name, char **ret) {
        const char *last = strrchr(name, '/');

        if (strchr(name, '@') || strchr(last ? last : name, ':'))
                *ret = strdup(name);
        else if (asprintf(ret, "%s:latest", name) < 0)
                *ret = NULL;
        return *ret ? 0 : -ENOMEM;
}

/* Docker's full name: "busybox:latest" → "docker.io/library/busybox:latest". */
static int full_name(const char *name, char **ret) {
        const char *slash = strchr(name, '/');
        bool has_domain = slash && (memchr(name, '.', slash - name) || memchr(name, ':', slash - name) ||
                                    strncmp(name, "localhost/", 10) == 0);
        int r;

        if (has_domain)
                r = asprintf(ret, "%s", name);
        else if (slash)
                r = asprintf(ret, "docker.io/%s", name);
        else
                r = asprintf(ret, "docker.io/library/%s", name);
        return r < 0 ? -ENOMEM : 0;
}

int verb_pull(int argc, char *argv[]) {
        static const struct option options[] = {
                {"quiet", no_argument, NULL, 'q'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(pull_wait_done) PullWait w = {};
        _cleanup_free_ char *name = NULL, *full = NULL, *copy = NULL;
        const char *path, *result;
        bool quiet = false;
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "+q", options)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'H':
                        printf("Usage:  berth pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
                               "Download an image from a registry\n\n"
                               "Options:\n"
                               "  -q, --quiet   Suppress verbose output\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (argc - optind != 1)
                return log_error("\"berth pull\" requires exactly 1 argument.\nSee 'berth pull --help'.\n\n"
                                 "Usage:  berth pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
                                 "Download an image from a registry"),
                       EXIT_FAILURE;
        if (with_tag(argv[optind], &name) < 0 || full_name(name, &full) < 0)
                return log_oom(), EXIT_FAILURE;

        if (berth_bus_open(&bus) < 0)
                return EXIT_FAILURE;
        /* Subscribe before starting, so that a quick result is not missed. */
        r = sd_bus_match_signal(
                bus, NULL, BERTH_BUS_NAME, NULL, TRANSFER_IFACE, "Finished", on_finished, &w);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;

        if (!quiet) {
                if (!streq(name, argv[optind]))
                        printf("Using default tag: latest\n");
                fflush(stdout);
        }
        r = bus_call(
                bus,
                BERTH_MANAGER_PATH,
                BERTH_MANAGER_IFACE,
                "PullImage",
                BUS_TIMEOUT_LONG_USEC,
                NULL,
                &reply,
                "sa{sv}",
                argv[optind],
                0);
        if (r < 0)
                return EXIT_FAILURE;
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return bus_log_call_error("", NULL, r), EXIT_FAILURE;
        w.path = strdup(path);
        if (!w.path)
                return log_oom(), EXIT_FAILURE;

        while (!(result = find_result(&w))) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return bus_log_call_error("", NULL, r), EXIT_FAILURE;
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, UINT64_MAX);
                if (r < 0)
                        return bus_log_call_error("", NULL, r), EXIT_FAILURE;
        }

        copy = strdup(result);
        if (!copy)
                return log_oom(), EXIT_FAILURE;
        char *manifest = strchr(copy, '\n'), *error;
        if (!manifest || !(error = strchr(manifest + 1, '\n')))
                return log_error("Error response from daemon: bad transfer result"), EXIT_FAILURE;
        *manifest++ = 0;
        *error++ = 0;
        if (*error)
                return log_error("Error response from daemon: %s", error), EXIT_FAILURE;

        if (quiet)
                printf("%s\n", full);
        else
                printf("Digest: %s\nStatus: Downloaded newer image for %s\n%s\n", manifest, name, full);
        return EXIT_SUCCESS;
}
