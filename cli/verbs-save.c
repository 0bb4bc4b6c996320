/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* berth save: berthd writes the archive straight into the fd we pass (the -o file or our stdout). */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bus-util.h"
#include "log.h"
#include "parse-flags.h"
#include "strv.h"
#include "verbs.h"

#define SAVE_USAGE "[OPTIONS] IMAGE [IMAGE...]"

/* As Docker's CLI: a temporary file next to path, renamed over it once the archive is complete, so that
 * a failed save leaves no half file. */
static int open_output(const char *path, char **ret_temp, int *ret_fd) {
        _cleanup_free_ char *copy = strdup(path), *temp = NULL;
        int fd;

        if (!copy || asprintf(&temp, "%s/.berth_temp_XXXXXX", dirname(copy)) < 0)
                return log_oom();
        fd = mkostemp(temp, O_CLOEXEC);
        if (fd < 0)
                return log_error_errno(errno, "failed to save image: open %s: %m", path);
        (void)fchmod(fd, 0644);
        *ret_temp = TAKE_PTR(temp);
        *ret_fd = fd;
        return 0;
}

int verb_save(int argc, char *argv[]) {
        static const struct option options[] = {
                {"output", required_argument, NULL, 'o'},
                {"format", required_argument, NULL, 'F'},
                {"help", no_argument, NULL, 'H'},
                {},
        };
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_bus_error_ sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *temp = NULL;
        _cleanup_close_ int fd = -EBADF;
        const char *output = NULL, *format = "docker-archive";
        int c, r;

        optind = 0;
        while ((c = next_option(argc, argv, "o:", options)) >= 0)
                switch (c) {
                case 'o':
                        output = optarg;
                        break;
                case 'F':
                        format = optarg;
                        break;
                case 'H':
                        printf("Usage:  berth save " SAVE_USAGE "\n\n"
                               "Save one or more images to a tar archive (streamed to STDOUT by default)\n\n"
                               "Aliases:\n  berth image save, berth save\n\n"
                               "Options:\n"
                               "      --format string   docker-archive (default) or oci-archive\n"
                               "  -o, --output string   Write to a file, instead of STDOUT\n");
                        return EXIT_SUCCESS;
                default:
                        return EXIT_BERTH_ERROR;
                }
        if (require_args(
                    argc,
                    argv,
                    1,
                    false,
                    SAVE_USAGE "\n\nSave one or more images to a tar archive "
                               "(streamed to STDOUT by default)") < 0)
                return EXIT_FAILURE;
        if (!streq(format, "docker-archive") && !streq(format, "oci-archive"))
                return log_error("unsupported format \"%s\": use docker-archive or oci-archive", format),
                       EXIT_FAILURE;

        if (output) {
                if (open_output(output, &temp, &fd) < 0)
                        return EXIT_FAILURE;
        } else {
                if (isatty(STDOUT_FILENO))
                        return log_error("cowardly refusing to save to a terminal. Use the -o flag or "
                                         "redirect"),
                               EXIT_FAILURE;
                fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
                if (fd < 0)
                        return log_error_errno(errno, "Cannot use stdout: %m"), EXIT_FAILURE;
        }

        r = berth_bus_open(&bus);
        if (r >= 0)
                r = sd_bus_message_new_method_call(
                        bus, &m, BERTH_BUS_NAME, BERTH_MANAGER_PATH, BERTH_MANAGER_IFACE, "SaveImages");
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv + optind);
        if (r >= 0)
                r = sd_bus_message_append(m, "hsa{sv}", fd, format, 0);
        /* A pipe's reader may take its time: no timeout. */
        if (r >= 0)
                r = sd_bus_call(bus, m, BUS_TIMEOUT_INFINITY, &error, NULL);
        if (r < 0 && bus)
                bus_log_call_error("", &error, r);
        if (r >= 0 && temp && rename(temp, output) < 0)
                r = log_error_errno(errno, "failed to save image: rename %s: %m", output);
        if (r < 0 && temp)
                (void)unlink(temp);
        return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
